"""The citizen's journey at the desk: the portal's forms and services in assisted mode.

The profile and the declaration are the portal's forms; the photos come from the desk's
camera (bekal/web/desk/static/desk/camera.js): each frame is drawn in memory, sent
straight to Bekal, and nothing is written on the desk's device. Every service is called
with the officer as `acting_user`, through bekal.desks.services, which stamps the record
with the desk and the officer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bekal.accounts.models import User
from bekal.accounts.selectors import get_phone_status
from bekal.core.errors import DomainError
from bekal.desks import selectors, services
from bekal.desks.models import AssistedRegistration
from bekal.identity import selectors as identity_selectors
from bekal.identity.models import IdentityDocument
from bekal.registration import selectors as registration_selectors
from bekal.registration.declaration import DECLARATION_VERSION, declaration_paragraphs
from bekal.web.body_limit import body_limit
from bekal.web.client import client_ip
from bekal.web.desk.access import desk_officer_required
from bekal.web.portal.registration_forms import (
    LEVELS,
    DeclarationForm,
    ProfileForm,
    children,
    profile_initial,
)
from bekal.web.refusals import refusal_status, render_refusal

KINDS = IdentityDocument.Kind
_FIELD_OF_ERROR = {"regency": "ktp_regency"}


def _context(request: HttpRequest, registration_id: int) -> tuple[User, AssistedRegistration]:
    officer = request.user
    assert isinstance(officer, User)
    registration = selectors.get_registration(
        officer=officer, registration_id=registration_id, ip=client_ip(request)
    )
    return officer, registration


def _activated_or_redirect(registration: AssistedRegistration) -> HttpResponse | None:
    if registration.activated_at is None:
        return redirect("desk:activation", registration_id=registration.pk)
    return None


def _profile_page(
    request: HttpRequest,
    registration: AssistedRegistration,
    form: ProfileForm,
    *,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    return render(
        request,
        "desk/profile.html",
        {
            **context,
            "registration": registration,
            "form": form,
            "ktp_rows": form.region_rows("ktp"),
            "domicile_rows": form.region_rows("domicile"),
            "choose_label": _("Choose…"),
            "step": 2,
        },
        status=status,
    )


@desk_officer_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, registration_id: int) -> HttpResponse:
    officer, registration = _context(request, registration_id)
    if (pending := _activated_or_redirect(registration)) is not None:
        return pending
    citizen = registration.citizen
    if request.method == "POST":
        if request.POST.get("choose"):
            typed = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            return _profile_page(request, registration, ProfileForm(initial=typed))
        form = ProfileForm(request.POST)
        if not form.is_valid():
            return _profile_page(request, registration, form, status=400)
        try:
            services.submit_assisted_profile(
                officer=officer,
                registration=registration,
                data=form.to_input(),
                ip=client_ip(request),
            )
        except DomainError as error:
            name = _FIELD_OF_ERROR.get(error.field or "", error.field)
            form.add_error(name if name in form.fields else None, str(error))
            return _profile_page(request, registration, form, status=refusal_status(error))
        messages.success(request, _("The profile is saved; its NIK is being checked."))
        return redirect("desk:photos", registration_id=registration.pk)
    existing = registration_selectors.get_profile(user=citizen)
    if existing is not None:
        # The NIK and KK are not read back in clear to staff: typed again from the KTP.
        initial = profile_initial(existing, nik="", kk="")
    else:
        initial = {"full_name": citizen.full_name, "domicile": "same"}
    return _profile_page(request, registration, ProfileForm(initial=initial), profile=existing)


@desk_officer_required
@require_GET
def regions_json(request: HttpRequest) -> JsonResponse:
    """The regions under one region, as the portal's profile page asks for them."""
    level = request.GET.get("level", "")
    if level not in LEVELS[1:]:
        return JsonResponse({"error": "level must be regency, district or village"}, status=400)
    parent = request.GET.get("parent", "")
    options = [{"code": code, "name": name} for code, name in children(level=level, parent=parent)]
    return JsonResponse({"options": options})


def _photo_cards(registration: AssistedRegistration) -> list[dict[str, Any]]:
    documents = identity_selectors.get_documents(owner=registration.citizen)
    return [
        {"kind": kind, "label": KINDS(kind).label, "document": documents[kind]}
        for kind in KINDS.values
    ]


@desk_officer_required
@never_cache
@require_GET
def photos(request: HttpRequest, registration_id: int) -> HttpResponse:
    _officer, registration = _context(request, registration_id)
    if (pending := _activated_or_redirect(registration)) is not None:
        return pending
    cards = _photo_cards(registration)
    return render(
        request,
        "desk/photos.html",
        {
            "registration": registration,
            "cards": cards,
            "all_taken": all(card["document"] is not None for card in cards),
            "step": 3,
        },
    )


def _max_body_bytes() -> int:
    return int(settings.BEKAL_DOCUMENT_MAX_BODY_BYTES)


@body_limit(max_bytes=_max_body_bytes, template="portal/documents/too_large.html")
@desk_officer_required
@never_cache
@require_POST
def photo_upload(request: HttpRequest, registration_id: int) -> JsonResponse:
    """One camera frame (JPEG from the desk's browser memory) -> Bekal's encrypted storage.

    Answers JSON for the camera script: the receipt, or the refusal's message."""
    officer, registration = _context(request, registration_id)
    kind = request.POST.get("kind", "")
    photo = request.FILES.get("photo")
    if photo is None:
        return JsonResponse({"ok": False, "message": _("No photo was received.")}, status=400)
    try:
        document = services.upload_assisted_photo(
            officer=officer,
            registration=registration,
            kind=kind,
            uploaded_file=photo,
            ip=client_ip(request),
        )
    except DomainError as error:
        return JsonResponse({"ok": False, "message": str(error)}, status=refusal_status(error))
    taken = date_format(timezone.localtime(document.uploaded_at), "H:i")
    return JsonResponse(
        {
            "ok": True,
            "kind": document.kind,
            "receipt": _(
                "%(document)s stored encrypted in Bekal at %(time)s WIB. No copy remains on "
                "this device."
            )
            % {"document": KINDS(document.kind).label, "time": taken},
        }
    )


@desk_officer_required
@require_http_methods(["GET", "POST"])
def declaration(request: HttpRequest, registration_id: int) -> HttpResponse:
    officer, registration = _context(request, registration_id)
    if (pending := _activated_or_redirect(registration)) is not None:
        return pending
    if registration_selectors.get_profile(user=registration.citizen) is None:
        messages.info(request, _("Fill in the citizen's profile first."))
        return redirect("desk:profile", registration_id=registration.pk)
    form = DeclarationForm(request.POST or None, initial={"version": DECLARATION_VERSION})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.sign_assisted_declaration(
                    officer=officer,
                    registration=registration,
                    version=form.cleaned_data["version"],
                    ip=client_ip(request),
                )
            except DomainError as error:
                form = DeclarationForm(initial={"version": DECLARATION_VERSION})
                form.add_error(None, str(error))
                return render_refusal(
                    request,
                    "desk/declaration.html",
                    _declaration_context(registration, form),
                    error,
                )
            return redirect("desk:receipt", registration_id=registration.pk)
    return render(
        request, "desk/declaration.html", _declaration_context(registration, form), status=status
    )


def _declaration_context(
    registration: AssistedRegistration, form: DeclarationForm
) -> dict[str, Any]:
    return {
        "registration": registration,
        "form": form,
        "paragraphs": declaration_paragraphs(DECLARATION_VERSION),
        "version": DECLARATION_VERSION,
        "signed": registration_selectors.get_declaration(user=registration.citizen),
        "step": 4,
    }


@desk_officer_required
@never_cache
@require_GET
def receipt(request: HttpRequest, registration_id: int) -> HttpResponse:
    _officer, registration = _context(request, registration_id)
    return render(
        request,
        "desk/receipt.html",
        {
            "registration": registration,
            "steps": selectors.list_steps(registration=registration),
            "cards": _photo_cards(registration),
            "phone": get_phone_status(user=registration.citizen),
            "complaints": services.complaints_line(),
            "step": 5,
        },
    )
