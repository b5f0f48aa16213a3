"""/insentif/: the participant's incentives: the schedule and each instalment's state,
why one failed and what to do, the survey, and linking a payout account with an SMS code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bekal.accounts.models import User
from bekal.core.errors import DomainError
from bekal.core.money import format_rupiah
from bekal.disbursements.models import Channel
from bekal.disbursements.selectors import get_incentive_overview
from bekal.disbursements.services import accounts, entitlements
from bekal.web.client import client_ip
from bekal.web.portal.registration_views import participant_required
from bekal.web.refusals import refusal_status

USEFUL = [
    ("sangat", gettext_lazy("Very useful")),
    ("cukup", gettext_lazy("Useful enough")),
    ("kurang", gettext_lazy("Not very useful")),
    ("tidak", gettext_lazy("Not useful")),
]
WORK = [
    ("bekerja", gettext_lazy("Working for an employer")),
    ("usaha", gettext_lazy("Running my own business")),
    ("mencari", gettext_lazy("Looking for work")),
    ("belum", gettext_lazy("Not working and not looking")),
]
USED = [("ya", gettext_lazy("Yes")), ("belum", gettext_lazy("Not yet"))]


class LinkForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Bank or e-wallet"), choices=Channel.choices)
    number = forms.CharField(
        label=gettext_lazy("Account number, or the e-wallet's phone number"), max_length=32
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from the SMS"), max_length=6, min_length=6)
    confirm_name = forms.BooleanField(
        label=gettext_lazy("This account is mine, under the name shown."), required=False
    )


class SurveyForm(forms.Form):
    training_useful = forms.ChoiceField(
        label=gettext_lazy("How useful was the training?"),
        choices=USEFUL,
        widget=forms.RadioSelect,
    )
    work_status = forms.ChoiceField(
        label=gettext_lazy("What is your work status now?"),
        choices=WORK,
        widget=forms.RadioSelect,
    )
    skill_used = forms.ChoiceField(
        label=gettext_lazy("Have you used what you learnt?"),
        choices=USED,
        widget=forms.RadioSelect,
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _page(request: HttpRequest, status: int = 200, **forms_: Any) -> HttpResponse:
    overview = get_incentive_overview(user=_user(request))
    context = {
        "overview": overview,
        "total": format_rupiah(overview.total),
        "paid": format_rupiah(overview.paid),
        "link_form": forms_.get("link_form") or LinkForm(),
        "code_form": forms_.get("code_form") or CodeForm(),
        "survey_form": forms_.get("survey_form") or SurveyForm(),
    }
    return render(request, "portal/incentives/incentives.html", context, status=status)


@never_cache
@participant_required
@require_http_methods(["GET"])
def incentives(request: HttpRequest) -> HttpResponse:
    return _page(request)


@participant_required
@require_POST
def link_account(request: HttpRequest) -> HttpResponse:
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            accounts.request_account_link(
                user=_user(request),
                channel=form.cleaned_data["channel"],
                number=form.cleaned_data["number"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error("number" if error.field == "number" else None, str(error))
            return _page(request, refusal_status(error), link_form=form)
        messages.success(request, _("We sent a code by SMS to your verified phone."))
        return redirect("portal:incentives")
    return _page(request, 400, link_form=form)


@participant_required
@require_POST
def confirm_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            accounts.confirm_account_link(
                user=_user(request),
                code=form.cleaned_data["code"],
                confirms_close_name=form.cleaned_data["confirm_name"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error("code", str(error))
            return _page(request, refusal_status(error), code_form=form)
        messages.success(request, _("Your payout account is linked."))
        return redirect("portal:incentives")
    return _page(request, 400, code_form=form)


@participant_required
@require_POST
def answer_survey(request: HttpRequest, instalment_id: int) -> HttpResponse:
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            entitlements.submit_survey(
                user=_user(request), instalment_id=instalment_id, answers=form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return _page(request, refusal_status(error), survey_form=form)
        messages.success(request, _("Thank you. Your survey incentive will be paid."))
        return redirect("portal:incentives")
    return _page(request, 400, survey_form=form)
