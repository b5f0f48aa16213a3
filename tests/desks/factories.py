"""Desks and desk officers for the tests, built through the models the admin edits."""

from __future__ import annotations

import re

from django.utils import timezone

from bekal.accounts.models import User
from bekal.desks.models import Desk, DeskMembership
from bekal.notifications.models import OutboxMessage
from bekal.regions.models import Regency

KOTA_BENGKULU = "17.71"


def desk(
    name: str = "Meja Pendaftaran Disnaker Kota Bengkulu", regency: str = KOTA_BENGKULU
) -> Desk:
    return Desk.objects.create(
        name=name, regency=Regency.objects.get(code=regency), address="Jl. Basuki Rahmat No. 4"
    )


def officer(at: Desk, email: str = "budi.meja@bekal.example", name: str = "Budi Hartono") -> User:
    user = User.objects.create_user(
        email=email,
        password="meja-bengkulu-2026",
        full_name=name,
        role=User.Role.REGIONAL_OFFICER,
        region=at.regency,
        email_confirmed_at=timezone.now(),
    )
    DeskMembership.objects.create(desk=at, officer=user)
    return user


def sms_to(e164: str, kind: str | None = None) -> list[OutboxMessage]:
    messages = OutboxMessage.objects.filter(channel="sms").order_by("created_at", "id")
    if kind:
        messages = messages.filter(kind=kind)
    return [m for m in messages if m.address == e164]


def last_code(e164: str, kind: str = "phone_verification_code") -> str:
    match = re.search(r"\b([0-9]{6})\b", sms_to(e164, kind)[-1].body)
    assert match is not None
    return match.group(1)
