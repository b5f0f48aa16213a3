"""A phone-number account's password, set by its holder on any device with an SMS code.

People registered at an assisted desk have no email and no password yet: they type their
number here, receive a code on that phone (a feature phone is enough), and set their
password on their own device. Nothing here tells whether a number has an account.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from bekal.accounts import phone_accounts
from bekal.accounts.services import InvalidSignUpError
from bekal.core.errors import DomainError
from bekal.web.client import client_ip
from bekal.web.portal import forms
from bekal.web.refusals import render_refusal

#: The number typed on the first page, kept for the second (a signed cookie, no session).
PENDING_PHONE_COOKIE = "bekal_pending_phone"


@require_http_methods(["GET", "POST"])
def request_code(request: HttpRequest) -> HttpResponse:
    form = forms.PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone_accounts.request_password_code(
                phone=form.cleaned_data["phone"], ip=client_ip(request)
            )
        except DomainError as error:
            form.add_error("phone" if error.field else None, str(error))
            return render_refusal(
                request, "portal/phone_password/request.html", {"form": form}, error
            )
        messages.info(
            request,
            _(
                "If this number has a Bekal account, a code is on its way by SMS. "
                "It is valid for 10 minutes."
            ),
        )
        response = redirect("portal:phone_password_set")
        response.set_signed_cookie(
            PENDING_PHONE_COOKIE,
            form.cleaned_data["phone"],
            salt=PENDING_PHONE_COOKIE,
            max_age=900,
            httponly=True,
            samesite="Lax",
        )
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/phone_password/request.html", {"form": form}, status=status)


@sensitive_post_parameters("code", "password", "password_again")
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest) -> HttpResponse:
    phone = request.get_signed_cookie(
        PENDING_PHONE_COOKIE, default="", salt=PENDING_PHONE_COOKIE, max_age=900
    )
    form = forms.PhonePasswordForm(request.POST or None, initial={"phone": phone})
    if request.method == "POST" and form.is_valid():
        try:
            phone_accounts.set_password_with_code(
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except InvalidSignUpError as error:
            for message in error.errors.get("password", []):
                form.add_error("password", message)
            return render_refusal(request, "portal/phone_password/set.html", {"form": form}, error)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return render_refusal(request, "portal/phone_password/set.html", {"form": form}, error)
        messages.success(
            request, _("Your password is set. Log in with your mobile number and password.")
        )
        response = redirect("portal:login")
        response.delete_cookie(PENDING_PHONE_COOKIE)
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/phone_password/set.html", {"form": form}, status=status)
