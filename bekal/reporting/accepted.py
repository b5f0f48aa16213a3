"""The accepted lists: who was selected in a wave in a regency/city, for its officers.

Personal data (names, masked NIKs): every page shown is audited with the applications it
listed, and so is every export.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.accounts.models import User
from bekal.cards.models import Card
from bekal.core import crypto
from bekal.core.audit import record_event
from bekal.core.masking import mask_numbers
from bekal.core.models import StaffSearch
from bekal.programmes.models import Wave, WaveApplication
from bekal.reporting.scope import Area, get_area
from bekal.reporting.selectors import get_wave

_NIK = re.compile(r"[0-9]{16}")
PAGE_SIZE = 50
_NO_CARD = _("No card offered yet")


@dataclass(frozen=True)
class AcceptedRow:
    application_id: int
    full_name: str
    nik_masked: str
    district: str
    card_status: str

    @property
    def card_label(self) -> str:
        if not self.card_status:
            return str(_NO_CARD)
        return str(Card.Status(self.card_status).label)


@dataclass(frozen=True)
class AcceptedList:
    area: Area
    wave: Wave
    page: Page
    query: str


def _accepted(wave: Wave, area: Area, text: str = "") -> Any:
    """(application id, name, masked NIK, district, card status) of the selected, by name."""
    applications = WaveApplication.objects.filter(
        wave=wave, regency_id=area.regency_code, selected=True
    )
    digits = re.sub(r"[\s.\-]", "", text)
    if _NIK.fullmatch(digits):
        applications = applications.filter(
            user__registration_profile__nik_index=crypto.blind_index(digits, purpose="nik")
        )
    elif text:
        applications = applications.filter(user__registration_profile__full_name__icontains=text)
    card_status = Card.objects.filter(user=OuterRef("user_id"), wave=wave).values("status")[:1]
    return (
        applications.annotate(
            full_name=F("user__registration_profile__full_name"),
            nik_masked=F("user__registration_profile__nik_masked"),
            district=F("user__registration_profile__domicile_village__district__name"),
            card_status=Subquery(card_status),
        )
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "nik_masked", "district", "card_status")
    )


def _row(values: tuple[int, str | None, str | None, str | None, str | None]) -> AcceptedRow:
    pk, name, nik, district, status = values
    return AcceptedRow(pk, name or "", nik or "", district or "", status or "")


@transaction.atomic
def list_accepted(
    *,
    viewer: User,
    wave_number: int,
    regency_code: str,
    text: str = "",
    page: str | int | None = None,
    ip: str | None = None,
) -> AcceptedList:
    """One page of a wave's selected in a regency/city of the viewer's scope; audited."""
    area = get_area(viewer=viewer, regency_code=regency_code)
    wave = get_wave(number=wave_number)
    text = " ".join(text.split())[:100]
    paginator = Paginator(_accepted(wave, area, text), PAGE_SIZE)
    shown = paginator.get_page(page)
    shown.object_list = [_row(values) for values in shown.object_list]
    record_event(
        action="dashboards.accepted_list_viewed",
        actor=viewer,
        ip_address=ip,
        wave=wave.number,
        regency=area.regency_code,
        query=mask_numbers(text),
        page=shown.number,
        application_ids=[row.application_id for row in shown.object_list],
    )
    return AcceptedList(area=area, wave=wave, page=shown, query=mask_numbers(text))


def _search_lifetime() -> timedelta:
    return timedelta(seconds=settings.BEKAL_STAFF_SEARCH_LIFETIME_SECONDS)


@transaction.atomic
def hold_search(*, viewer: User, regency_code: str, text: str) -> str:
    """Keep an accepted list's search encrypted under a new opaque id (for the URL): a
    NIK typed there never reaches a URL. Only for a regency of the viewer's scope."""
    get_area(viewer=viewer, regency_code=regency_code)
    StaffSearch.objects.filter(created_at__lt=timezone.now() - _search_lifetime()).delete()
    token = secrets.token_urlsafe(16)
    StaffSearch.objects.create(
        token=token, viewer=viewer, text_encrypted=crypto.encrypt(" ".join(text.split())[:100])
    )
    return token


def get_held_search(*, viewer: User, token: str) -> str:
    """The text of the viewer's own held search; "" for an unknown, foreign or old id."""
    held = StaffSearch.objects.filter(
        token=token[:32], viewer=viewer, created_at__gte=timezone.now() - _search_lifetime()
    ).first()
    return crypto.decrypt(held.text_encrypted) if held else ""


def iter_accepted(*, area: Area, wave: Wave) -> Iterator[AcceptedRow]:
    """Every selected applicant of the wave in the area's regency (for the exports)."""
    return (_row(values) for values in _accepted(wave, area).iterator(chunk_size=2000))
