"""The training catalogue and a course's page, open to anybody; buying a course with
the card's balance, for a card holder."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bekal.accounts.models import User
from bekal.cards.models import Card
from bekal.cards.selectors import get_card, get_card_balance
from bekal.core.errors import DomainError, NotFoundError
from bekal.core.money import format_rupiah
from bekal.ledger.errors import IdempotencyConflictError
from bekal.marketplace import selectors
from bekal.marketplace.errors import CourseNotAvailableError
from bekal.marketplace.models import Course, CourseSession, Purchase
from bekal.marketplace.services.purchases import purchase_course
from bekal.web.portal.registration_views import participant_required
from bekal.web.portal.training_forms import BuyForm, CatalogueForm
from bekal.web.refusals import refusal_status


def not_found(request: HttpRequest, *, title: str, message: str, status: int = 404) -> HttpResponse:
    """A page saying what was not found, with the way back to the catalogue."""
    context = {"title": title, "message": message}
    return render(request, "portal/training/not_found.html", context, status=status)


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else 1


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET)
    form.is_valid()  # fields that are not valid are shown with their error and left out
    page = selectors.search_catalogue(
        filters=form.filters(), page=_page_number(request.GET.get("page"))
    )
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
    }
    return render(request, "portal/training/catalogue.html", context)


def _participant(request: HttpRequest) -> User | None:
    user = request.user
    if isinstance(user, User) and user.role == User.Role.PARTICIPANT:
        return user
    return None


def _buying(request: HttpRequest, course: Course) -> dict[str, Any]:
    """What the course page offers this visitor: why they cannot buy, or the form."""
    user = _participant(request)
    if not request.user.is_authenticated:
        return {"state": "login"}
    if user is None:
        return {"state": "not_participant"}
    overview = selectors.get_training_overview(user=user)
    card = overview.card
    if card is None or card.status == Card.Status.OFFERED:
        return {"state": "no_card", "card": card}
    if card.status == Card.Status.REVOKED:
        return {"state": "revoked"}
    bought = next(
        (
            p
            for p in overview.purchases
            if p.course_id == course.pk and p.status != Purchase.Status.REFUNDED
        ),
        None,
    )
    if bought is not None:
        return {"state": "bought", "purchase": bought}
    after = overview.balance - course.price
    state = "ready"
    if course.has_sessions and not course.upcoming:  # type: ignore[attr-defined]
        state = "no_session"
    elif after < 0:
        state = "short"
    return {"state": state, "balance": overview.balance, "after": after}


def _session_rows(course: Course) -> list[dict[str, Any]]:
    sessions: list[CourseSession] = getattr(course, "upcoming", [])
    rows = []
    for session in sessions:
        left = None if session.capacity is None else max(session.capacity - session.sold, 0)
        rows.append({"session": session, "left": left, "full": left == 0})
    return rows


def _course_page(
    request: HttpRequest,
    course: Course,
    *,
    form: BuyForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    reviews = selectors.list_course_reviews(course=course)
    context = {
        "course": course,
        "sessions": _session_rows(course),
        "reviews": [(review, selectors.initials(review.user.full_name)) for review in reviews],
        "buying": _buying(request, course),
        "buy_form": form,
        # A fresh key for each rendering: sending this page twice buys once.
        "idempotency_key": uuid.uuid4().hex,
        "error": error,
    }
    return render(request, "portal/training/course.html", context, status=status)


def _course_or_none(course_id: int) -> Course | None:
    try:
        return selectors.get_course(course_id=course_id)
    except NotFoundError:
        return None


def _course_gone(request: HttpRequest, status: int = 404) -> HttpResponse:
    return not_found(
        request,
        title=_("Training not found"),
        message=_("This training is not in the catalogue, or is no longer sold."),
        status=status,
    )


@require_GET
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    found = _course_or_none(course_id)
    if found is None:
        return _course_gone(request)
    response = _course_page(request, found)
    if request.user.is_authenticated:
        # The page shows this person's balance and Buy button: the back button after a
        # purchase must ask again (it then says "bought"), never show them from a cache.
        add_never_cache_headers(response)
    return response


@require_POST
def course_buy(request: HttpRequest, course_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        # Back to the course page after logging in (this address takes only a POST).
        return redirect_to_login(reverse("portal:course", args=[course_id]))
    return _buy(request, course_id)


@participant_required
def _buy(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    found = _course_or_none(course_id)
    if found is None:
        return _course_gone(request, status=CourseNotAvailableError.http_status)
    form = BuyForm(request.POST, session_ids=[s.pk for s in getattr(found, "upcoming", [])])
    if not form.is_valid():
        return _course_page(request, found, form=form, status=400)
    try:
        purchase = purchase_course(
            user=user,
            course_id=found.pk,
            session_id=form.cleaned_data["session"],
            # Scoped to the person: a key copied into another person's form buys nothing.
            idempotency_key=f"portal:{user.pk}:{form.cleaned_data['idempotency_key']}",
        )
    except DomainError as error:
        status = refusal_status(error)
        message = str(error)
        if isinstance(error, IdempotencyConflictError):
            # The same page sent again with another choice, after it bought something.
            message = _("This form has already been sent. Open the training's page again.")
        refused = _course_or_none(course_id)
        if refused is None:
            return _course_gone(request, status=status)
        return _course_page(request, refused, form=form, error=message, status=status)
    card = get_card(user=user)
    balance = get_card_balance(card=card) if card is not None else 0
    messages.success(
        request,
        _("You bought “%(course)s” for %(price)s. Your card balance is now %(balance)s.")
        % {
            "course": found.title,
            "price": format_rupiah(purchase.price),
            "balance": format_rupiah(balance),
        },
    )
    return redirect("portal:purchase", purchase_id=purchase.pk)
