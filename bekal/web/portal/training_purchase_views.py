"""A card holder's bought training: the voucher, the session, the certificate and the
review; and the certificate's public verification page."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bekal.accounts.models import User
from bekal.core.errors import DomainError
from bekal.core.links import portal_links
from bekal.disbursements.tasks import request_sweep
from bekal.marketplace import selectors
from bekal.marketplace.errors import CertificateNotFoundError, PurchaseNotFoundError
from bekal.marketplace.models import Completion, Purchase, Review
from bekal.marketplace.services.reviews import submit_review
from bekal.marketplace.services.vouchers import redeem_window
from bekal.web.portal.registration_views import participant_required
from bekal.web.portal.training_forms import ReviewForm
from bekal.web.portal.training_views import not_found
from bekal.web.refusals import refusal_status


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def certificate_url(completion: Completion) -> str:
    """The public address that verifies a certificate (what its QR code holds)."""
    return portal_links().certificate_check(completion.verification_token)


def _qr_svg(url: str) -> str:
    title = _("QR code of the certificate's verification page")
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, title=title))  # noqa: S308


def _purchase_not_found(request: HttpRequest) -> HttpResponse:
    return not_found(
        request, title=_("Training not found"), message=str(PurchaseNotFoundError.message)
    )


def _purchase_page(
    request: HttpRequest,
    purchase: Purchase,
    *,
    form: ReviewForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    # get_purchase loads both; a training not completed (or not reviewed) has none.
    completion: Completion | None = getattr(purchase, "completion", None)
    review: Review | None = getattr(purchase, "review", None)
    context: dict[str, Any] = {
        "purchase": purchase,
        "course": purchase.course,
        "completion": completion,
        "review": review,
        "error": error,
        "redeem_before": settings.BEKAL_REDEEM_WINDOW_BEFORE_MINUTES,
        "redeem_after": settings.BEKAL_REDEEM_WINDOW_AFTER_MINUTES,
    }
    if purchase.session is not None:
        context["redeem_opens"], context["redeem_closes"] = redeem_window(
            starts_at=purchase.session.starts_at
        )
    if completion is not None:
        url = certificate_url(completion)
        context.update(certificate_url=url, qr_svg=_qr_svg(url))
        if review is None:
            context["review_form"] = form or ReviewForm()
    return render(request, "portal/training/purchase.html", context, status=status)


@never_cache  # the voucher and the balance as they are now, also after the back button
@participant_required
@require_GET
def purchase(request: HttpRequest, purchase_id: int) -> HttpResponse:
    try:
        bought = selectors.get_purchase(user=_user(request), purchase_id=purchase_id)
    except PurchaseNotFoundError:
        return _purchase_not_found(request)
    return _purchase_page(request, bought)


@participant_required
@require_POST
def purchase_review(request: HttpRequest, purchase_id: int) -> HttpResponse:
    user = _user(request)
    try:
        bought = selectors.get_purchase(user=user, purchase_id=purchase_id)
    except PurchaseNotFoundError:
        return _purchase_not_found(request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _purchase_page(request, bought, form=form, status=400)
    try:
        submit_review(
            user=user,
            purchase_id=bought.pk,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as error:
        return _purchase_page(
            request, bought, form=form, error=str(error), status=refusal_status(error)
        )
    request_sweep()  # the first incentive may fall due now
    messages.success(request, _("Thank you for your review."))
    return redirect("portal:purchase", purchase_id=bought.pk)


@require_GET
def certificate_check(request: HttpRequest, token: str) -> HttpResponse:
    """Public: confirms a certificate without anything that identifies its holder."""
    try:
        check = selectors.get_certificate_check(token=token)
    except CertificateNotFoundError as error:
        response = not_found(request, title=_("Certificate not found"), message=str(error))
    else:
        response = render(request, "portal/training/certificate_check.html", {"check": check})
    # Search engines have no business listing the certificates of the programme.
    response["X-Robots-Tag"] = "noindex"
    return response
