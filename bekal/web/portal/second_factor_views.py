"""Staff second factor: enrol an authenticator app, then enter its code after the password."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from bekal.accounts import second_factor
from bekal.core.errors import DomainError
from bekal.web.client import client_ip
from bekal.web.refusals import render_refusal
from bekal.web.staff_sessions import mark_verified


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _refused(
    request: HttpRequest, template: str, context: dict, error: DomainError
) -> HttpResponse:
    context["form"].add_error("code", str(error))
    return render_refusal(request, template, context, error)


@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not second_factor.is_staff_account(user):  # type: ignore[arg-type]
        return redirect("portal:home")
    if second_factor.confirmed_device(user) is None:  # type: ignore[arg-type]
        return redirect("portal:second_factor_enrol")
    form = CodeForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.verify(user=user, code=form.cleaned_data["code"], ip=client_ip(request))  # type: ignore[arg-type]
        except DomainError as error:
            return _refused(request, "portal/second_factor/verify.html", context, error)
        mark_verified(request)
        return redirect(_next(request))
    return render(request, "portal/second_factor/verify.html", context)


@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not second_factor.is_staff_account(user):  # type: ignore[arg-type]
        return redirect("portal:home")
    if second_factor.confirmed_device(user) is not None:  # type: ignore[arg-type]
        return redirect("portal:second_factor")
    device = second_factor.pending_device(user)  # type: ignore[arg-type]
    if device is None:
        device = second_factor.start_enrolment(user=user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": second_factor.qr_code_svg(device),
        "setup_key": second_factor.setup_key(device),
    }
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.confirm_enrolment(
                user=user,  # type: ignore[arg-type]
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except DomainError as error:
            return _refused(request, "portal/second_factor/enrol.html", context, error)
        mark_verified(request)
        return redirect(_next(request))
    return render(request, "portal/second_factor/enrol.html", context)
