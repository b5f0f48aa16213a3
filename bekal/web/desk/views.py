"""The assisted registration desk at /meja/: sign in, the day's registrations, start one,
and the citizen's activation with the code their own phone received.

Views parse input, call one service of bekal.desks (which calls the portal's services
with the officer as `acting_user`), and render. No page of the desk has a field for the
citizen's password, and none shows one: the citizen sets it later on their own device.
"""

from __future__ import annotations

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bekal.accounts import services as accounts
from bekal.accounts.models import User
from bekal.accounts.selectors import get_phone_status
from bekal.core.errors import DomainError
from bekal.desks import selectors, services
from bekal.web.client import client_ip
from bekal.web.desk.access import desk_officer_required
from bekal.web.desk.forms import ActivationForm, DeskLoginForm, StartForm
from bekal.web.refusals import render_refusal


def _officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_http_methods(["GET", "POST"])
def log_in(request: HttpRequest) -> HttpResponse:
    """The officer's own email and password (the same throttled, audited login service),
    then the second factor: the staff session middleware leads there."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if request.user.is_authenticated:
        return redirect(target or "desk:home")
    form = DeskLoginForm(request.POST or None)
    context = {"form": form, "next": target}
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.log_in(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
                request=request,
                via="desk",
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return render_refusal(request, "desk/login.html", context, error)
        auth.login(request, user)
        return redirect(target or "desk:home")
    return render(
        request, "desk/login.html", context, status=400 if request.method == "POST" else 200
    )


@desk_officer_required
def home(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    desk = request.desk  # type: ignore[attr-defined]
    return render(
        request,
        "desk/home.html",
        {
            "desk": desk,
            "counts": selectors.get_day_counts(desk=desk, officer=officer),
            "registrations": selectors.list_registrations_of_day(
                desk=desk, viewer=officer, ip=client_ip(request)
            ),
        },
    )


@desk_officer_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    desk = request.desk  # type: ignore[attr-defined]
    form = StartForm(request.POST or None)
    context = {
        "form": form,
        "desk": desk,
        "counts": selectors.get_day_counts(desk=desk, officer=officer),
    }
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.start_assisted_registration(
                officer=officer,
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return render_refusal(request, "desk/start.html", context, error)
        return redirect("desk:activation", registration_id=registration.pk)
    return render(
        request, "desk/start.html", context, status=400 if request.method == "POST" else 200
    )


@desk_officer_required
@require_http_methods(["GET", "POST"])
def activation(request: HttpRequest, registration_id: int) -> HttpResponse:
    officer = _officer(request)
    registration = selectors.get_registration(
        officer=officer, registration_id=registration_id, ip=client_ip(request)
    )
    if registration.activated_at is not None:
        return redirect("desk:profile", registration_id=registration.pk)
    form = ActivationForm(request.POST if "code" in request.POST else None)
    context = {
        "form": form,
        "registration": registration,
        "phone": get_phone_status(user=registration.citizen),
    }
    if request.method == "POST":
        try:
            if "resend" in request.POST:
                services.resend_activation_code(
                    officer=officer, registration=registration, ip=client_ip(request)
                )
                messages.info(request, _("A new code is on its way to the citizen's phone."))
                return redirect("desk:activation", registration_id=registration.pk)
            if form.is_valid():
                services.activate_assisted_account(
                    officer=officer,
                    registration=registration,
                    code=form.cleaned_data["code"],
                    ip=client_ip(request),
                )
                messages.success(
                    request,
                    _("The account is activated. The citizen received an SMS about this desk."),
                )
                return redirect("desk:profile", registration_id=registration.pk)
        except DomainError as error:
            form = ActivationForm(request.POST)
            form.is_valid()
            form.add_error("code" if "code" in request.POST else None, str(error))
            context["form"] = form
            return render_refusal(request, "desk/activation.html", context, error)
        return render(request, "desk/activation.html", context, status=400)
    return render(request, "desk/activation.html", context)
