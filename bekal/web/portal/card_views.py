"""The card page: the result of the selection, the card offer and its terms, the card."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bekal.accounts.models import User
from bekal.cards.selectors import CardOverview, get_card_overview
from bekal.cards.services import accept_card_terms
from bekal.core.errors import DomainError
from bekal.core.money import format_rupiah
from bekal.marketplace.selectors import get_training_overview
from bekal.web.client import client_ip
from bekal.web.portal.registration_views import participant_required
from bekal.web.refusals import refusal_status


class AcceptTermsForm(forms.Form):
    agree = forms.BooleanField(
        label=gettext_lazy("I have read and accept the card terms."),
        error_messages={"required": gettext_lazy("Tick the box to accept the card terms.")},
    )
    terms_version = forms.CharField(widget=forms.HiddenInput)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _render(
    request: HttpRequest, overview: CardOverview, form: AcceptTermsForm, status: int = 200
) -> HttpResponse:
    card = overview.card
    deadline = card.first_purchase_deadline if card else None
    training = get_training_overview(user=_user(request)) if overview.state == "active" else None
    context = {
        "overview": overview,
        "training": training,
        "card": card,
        "form": form,
        "balance": format_rupiah(overview.balance),
        "deadline": timezone.localtime(deadline) if deadline else None,
    }
    return render(request, "portal/cards/card.html", context, status=status)


@never_cache  # the balance as it is now, also after the back button
@participant_required
@require_http_methods(["GET"])
def card(request: HttpRequest) -> HttpResponse:
    overview = get_card_overview(user=_user(request))
    form = AcceptTermsForm(initial={"terms_version": overview.terms_version})
    return _render(request, overview, form)


@participant_required
@require_POST
def card_accept(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AcceptTermsForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            accept_card_terms(
                user=user,
                terms_version=form.cleaned_data["terms_version"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
            status = refusal_status(error)
        else:
            messages.success(request, _("Your card is active."))
            return redirect("portal:card")
    overview = get_card_overview(user=user)
    return _render(request, overview, form, status=status)
