"""The citizen portal: the profile, its identity check and the declaration.

The profile form works without JavaScript: each region list has a "Choose" button that
sends the form back with the next list narrowed, keeping everything typed; a small script
does the same in place through `regions_json`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bekal.accounts.models import User
from bekal.core.errors import DomainError
from bekal.participants.journey import StepState, get_journey
from bekal.registration import selectors, services
from bekal.registration.declaration import DECLARATION_VERSION, declaration_paragraphs
from bekal.registration.errors import DuplicateNikError
from bekal.registration.models import IdentityCheck
from bekal.web.client import client_ip
from bekal.web.portal.registration_forms import (
    LEVELS,
    DeclarationForm,
    ProfileForm,
    children,
    profile_initial,
)
from bekal.web.refusals import refusal_status

#: Seconds between automatic reloads of the identity check page while it is pending.
PENDING_REFRESH = 15
#: A refusal's field (from the services and the NIK parser) -> the form's field.
_FIELD_OF_ERROR = {"regency": "ktp_regency"}


def _progress(user: User, key: str) -> dict[str, Any]:
    """The progress indicator of the journey's step `key`, counted as the home page counts
    the journey ("Step 2 of 8")."""
    steps = get_journey(user=user).steps
    number = next(n for n, step in enumerate(steps, start=1) if step.key == key)
    return {
        "step": number,
        "steps": len(steps),
        "step_name": steps[number - 1].label,
        # (number, label, done): finished steps are marked, as on the home page.
        "journey_steps": [
            (n, step.label, step.state == StepState.DONE) for n, step in enumerate(steps, start=1)
        ],
    }


def participant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A logged-in participant whose email address is confirmed."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        assert isinstance(user, User)
        if not user.account_confirmed:
            messages.error(request, _("Confirm your email address first."))
            return redirect("portal:resend_confirmation")
        if user.role != User.Role.PARTICIPANT:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _form_field(form: ProfileForm, error_field: str | None) -> str | None:
    name = _FIELD_OF_ERROR.get(error_field or "", error_field)
    return name if name in form.fields else None


def _profile_page(
    request: HttpRequest, form: ProfileForm, *, status: int = 200, **context: Any
) -> HttpResponse:
    check = context.get("check")
    return render(
        request,
        "portal/registration/profile.html",
        {
            **context,
            "form": form,
            "ktp_rows": form.region_rows("ktp"),
            "domicile_rows": form.region_rows("domicile"),
            "choose_label": _("Choose…"),
            "needs_correction": check is not None
            and check.status in (IdentityCheck.Status.MISMATCH, IdentityCheck.Status.NOT_FOUND),
            **_progress(request.user, "profile"),  # type: ignore[arg-type]
        },
        status=status,
    )


@participant_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    existing = selectors.get_profile(user=user)
    check = selectors.get_identity_check(user=user)
    if request.method == "POST":
        if request.POST.get("choose"):
            # "Choose" under a region list: the same page with the next list narrowed and
            # everything typed kept; nothing is checked yet.
            typed = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            return _profile_page(request, ProfileForm(initial=typed), profile=existing, check=check)
        form = ProfileForm(request.POST)
        if not form.is_valid():
            return _profile_page(request, form, status=400, profile=existing, check=check)
        try:
            services.submit_profile(user=user, data=form.to_input(), ip=client_ip(request))
        except DomainError as error:
            form.add_error(_form_field(form, error.field), str(error))
            return _profile_page(
                request,
                form,
                status=refusal_status(error),
                profile=existing,
                check=check,
                duplicate_nik=isinstance(error, DuplicateNikError),
            )
        # The page it leads to says where the check stands (it may be done already).
        messages.success(request, _("Your profile is saved."))
        return redirect("portal:registration_identity_check")
    if existing is not None:
        initial = profile_initial(
            existing,
            nik=selectors.get_own_nik(user=user) or "",
            kk=selectors.get_own_kk(user=user) or "",
        )
    else:
        initial = {"full_name": user.full_name, "domicile": "same"}
    return _profile_page(request, ProfileForm(initial=initial), profile=existing, check=check)


@participant_required
@require_GET
def regions_json(request: HttpRequest) -> JsonResponse:
    """The regions under one region: ?level=regency&parent=17 -> {"options": [...]}."""
    level = request.GET.get("level", "")
    parent = request.GET.get("parent", "")
    if level not in LEVELS[1:]:
        return JsonResponse({"error": "level must be regency, district or village"}, status=400)
    options = [{"code": code, "name": name} for code, name in children(level=level, parent=parent)]
    response = JsonResponse({"options": options})
    response["Cache-Control"] = "private, max-age=3600"
    return response


@participant_required
@require_GET
def identity_check(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    existing = selectors.get_profile(user=user)
    if existing is None:
        messages.info(request, _("Fill in your profile first."))
        return redirect("portal:registration_profile")
    check = selectors.get_identity_check(user=user)
    response = render(
        request,
        "portal/registration/identity_check.html",
        {
            "profile": existing,
            "check": check,
            "nik": selectors.get_own_nik(user=user),
            "Status": IdentityCheck.Status,
            "refresh": PENDING_REFRESH,
        },
    )
    if check is not None and check.status == IdentityCheck.Status.PENDING:
        response["Refresh"] = str(PENDING_REFRESH)
    return response


@participant_required
@require_http_methods(["GET", "POST"])
def declaration(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if selectors.get_profile(user=user) is None:
        messages.info(request, _("Fill in your profile first."))
        return redirect("portal:registration_profile")
    form = DeclarationForm(request.POST or None, initial={"version": DECLARATION_VERSION})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.sign_declaration(
                    user=user, version=form.cleaned_data["version"], ip=client_ip(request)
                )
            except DomainError as error:
                form = DeclarationForm(initial={"version": DECLARATION_VERSION})
                form.add_error(None, str(error))
                status = refusal_status(error)
            else:
                messages.success(request, _("Thank you. Your declaration is signed."))
                return redirect("portal:home")
    return render(
        request,
        "portal/registration/declaration.html",
        {
            "form": form,
            "paragraphs": declaration_paragraphs(DECLARATION_VERSION),
            "version": DECLARATION_VERSION,
            "signed": selectors.get_declaration(user=user),
            **_progress(user, "declaration"),
        },
        status=status,
    )
