"""The citizen portal: accounts. Views parse input, call one service, render the result."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bekal.accounts import services as accounts
from bekal.accounts.models import User
from bekal.accounts.services import InvalidSignUpError
from bekal.core.errors import DomainError
from bekal.disbursements.selectors import get_incentive_overview
from bekal.marketplace.selectors import get_training_overview
from bekal.participants import staff
from bekal.participants.journey import get_journey
from bekal.web.client import client_ip
from bekal.web.portal import forms
from bekal.web.refusals import render_refusal

PENDING_EMAIL_COOKIE = "bekal_pending_email"


def _refused(
    request: HttpRequest, template: str, context: dict, form: object, error: DomainError
) -> HttpResponse:
    """Show a refusal on the form it concerns; 429 with Retry-After when throttled."""
    form.add_error(error.field, str(error))  # type: ignore[attr-defined]
    return render_refusal(request, template, {**context, "form": form}, error)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    if staff.is_staff_viewer(request.user):
        return redirect("backoffice:registrants")
    if request.user.role == User.Role.PROVINCE_OFFICER:
        # A province officer's work is the province's figures; they have no registrants page.
        return redirect("dashboards:overview")
    journey = get_journey(user=request.user)
    training = get_training_overview(user=request.user)
    incentives = get_incentive_overview(user=request.user)
    return render(
        request,
        "portal/home.html",
        {"journey": journey, "training": training, "incentives": incentives},
    )


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = forms.SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.sign_up(
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                language=get_language() or "id",
                ip=client_ip(request),
            )
        except InvalidSignUpError as error:
            for field, field_errors in error.errors.items():
                for message in field_errors:
                    form.add_error(field, message)
            return render_refusal(request, "portal/sign_up.html", {"form": form}, error)
        # A signed cookie, not the session: a sign-up writes no session row.
        response = redirect("portal:sign_up_done")
        response.set_signed_cookie(
            PENDING_EMAIL_COOKIE,
            form.cleaned_data["email"],
            salt=PENDING_EMAIL_COOKIE,
            max_age=3600,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/sign_up.html", {"form": form}, status=status)


def sign_up_done(request: HttpRequest) -> HttpResponse:
    email = request.get_signed_cookie(
        PENDING_EMAIL_COOKIE, default="", salt=PENDING_EMAIL_COOKIE, max_age=3600
    )
    form = forms.EmailForm(initial={"email": email})
    return render(request, "portal/sign_up_done.html", {"email": email, "form": form})


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    # A GET that confirms is what every mail client expects of such a link; the action
    # is idempotent and the token is single-purpose, signed and expiring.
    try:
        accounts.confirm_email(token=token, ip=client_ip(request))
    except DomainError as error:
        form = forms.EmailForm()
        return render_refusal(
            request, "portal/confirm_failed.html", {"error": str(error), "form": form}, error
        )
    messages.success(request, _("Your email address is confirmed. You can log in now."))
    return redirect("portal:login")


@require_http_methods(["GET", "POST"])
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.resend_confirmation(email=form.cleaned_data["email"], ip=client_ip(request))
        except DomainError as error:
            return _refused(request, "portal/resend.html", {}, form, error)
        messages.info(
            request,
            _(
                "If this address has an account waiting for confirmation, "
                "a new link is on its way. Check your inbox and spam folder."
            ),
        )
        return redirect("portal:login")
    return render(request, "portal/resend.html", {"form": form})


@require_http_methods(["GET", "POST"])
def log_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.log_in(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
                request=request,
            )
        except DomainError as error:
            return _refused(request, "portal/login.html", {}, form, error)
        auth.login(request, user)
        response = redirect("portal:home")
        if user.language != request.LANGUAGE_CODE:
            # Pages follow the language the person chose when signing up.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
    return render(request, "portal/login.html", {"form": form})


@require_POST
def log_out(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("portal:login")


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.request_password_reset(email=form.cleaned_data["email"], ip=client_ip(request))
        except DomainError as error:
            return _refused(request, "portal/password_reset.html", {}, form, error)
        return render(request, "portal/password_reset_sent.html")
    return render(request, "portal/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        accounts.check_reset_link(uidb64=uidb64, token=token)
    except DomainError as error:
        return render_refusal(
            request, "portal/password_reset_invalid.html", {"error": str(error)}, error
        )
    form = forms.NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.reset_password(
                uidb64=uidb64,
                token=token,
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except InvalidSignUpError as error:
            for message in error.errors.get("password", []):
                form.add_error("password", message)
            return render_refusal(
                request, "portal/password_reset_confirm.html", {"form": form}, error
            )
        messages.success(request, _("Your password has been changed. You can log in now."))
        return redirect("portal:login")
    return render(request, "portal/password_reset_confirm.html", {"form": form})
