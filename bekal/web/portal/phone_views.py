"""The phone step: enter a mobile number, type the SMS code, see the verified number.

Logged-in participants with a confirmed email only. Numbers are shown masked
(0812****7890), even to their owner, except in the field while typing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from bekal.accounts import phone_verification
from bekal.accounts.errors import (
    OtpExpiredError,
    OtpNotRequestedError,
    OtpTooManyAttemptsError,
)
from bekal.accounts.models import User
from bekal.accounts.selectors import PhoneStatus, get_phone_status
from bekal.core.errors import DomainError
from bekal.web.client import client_ip
from bekal.web.refusals import refused


class PhoneNumberForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=32,
        help_text=gettext_lazy(
            "For example 0812 3456 7890. Use your own active number: the programme's "
            "incentives are tied to it."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "maxlength": "6",
                "autofocus": True,
            }
        ),
    )


def _participants_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        assert isinstance(user, User)
        if user.role != User.Role.PARTICIPANT or not user.account_confirmed:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


_STATE_MESSAGES = {
    "expired": OtpExpiredError.message,
    "blocked": OtpTooManyAttemptsError.message,
}


def _code_context(status: PhoneStatus, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    wait = int((status.next_code_at - now).total_seconds() + 0.999) if status.next_code_at else 0
    return {
        "status": status,
        "step": 2,
        "resend_wait_seconds": max(0, wait),
        "code_usable": status.code_state == "waiting",
        "state_message": _STATE_MESSAGES.get(status.code_state, ""),
        **extra,
    }


@_participants_only
@require_http_methods(["GET", "POST"])
def phone_number(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PhoneNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone_verification.send_phone_code(
                user=user, phone=form.cleaned_data["phone"], ip=client_ip(request)
            )
        except DomainError as error:
            form.add_error("phone" if error.field == "phone" else None, str(error))
            context = {"form": form, "status": get_phone_status(user=user), "step": 1}
            return refused(render(request, "portal/phone/number.html", context), error)
        return redirect("portal:phone_code")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "status": get_phone_status(user=user), "step": 1}
    return render(request, "portal/phone/number.html", context, status=status)


@_participants_only
@require_http_methods(["GET", "POST"])
def phone_code(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    status = get_phone_status(user=user)
    if status.code_state in ("none", "verified"):
        return redirect("portal:phone_done" if status.verified else "portal:phone_number")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone_verification.verify_phone_code(
                user=user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except DomainError as error:
            form.add_error("code", str(error))
            context = _code_context(get_phone_status(user=user), form=form)
            return refused(render(request, "portal/phone/code.html", context), error)
        return redirect("portal:phone_done")
    response = render(request, "portal/phone/code.html", _code_context(status, form=form))
    if request.method == "POST":
        response.status_code = 400
    return response


@_participants_only
@require_POST
def phone_resend(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        challenge = phone_verification.resend_phone_code(user=user, ip=client_ip(request))
    except OtpNotRequestedError:
        return redirect("portal:phone_number")
    except DomainError as error:
        context = _code_context(
            get_phone_status(user=user), form=CodeForm(), resend_error=str(error)
        )
        return refused(render(request, "portal/phone/code.html", context), error)
    messages.info(
        request,
        _("A new code has been sent to %(number)s.") % {"number": challenge.phone_masked},
    )
    return redirect("portal:phone_code")


@_participants_only
@require_http_methods(["GET"])
def phone_done(request: HttpRequest) -> HttpResponse:
    status = get_phone_status(user=_user(request))
    if not status.verified:
        return redirect("portal:phone_number")
    return render(request, "portal/phone/done.html", {"status": status, "step": 3})
