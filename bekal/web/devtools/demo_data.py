"""Demo data, built through the same services a person's actions call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bekal.accounts import services as accounts
from bekal.accounts.models import User
from bekal.identity.registry.embedded import (
    Citizen,
    add_citizens,
    generate_citizens,
    registry_file,
    write_citizens,
)
from bekal.regions.models import Regency
from bekal.web.devtools.demo_registrants import create_demo_registrants


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


PASSWORD = "bekal-demo-2026"  # noqa: S105 - the demo's published password

PARTICIPANT = DemoLogin("participant", "peserta@bekal.example", PASSWORD)
ADMIN = DemoLogin("programme office admin", "admin@bekal.example", PASSWORD)
OFFICER = DemoLogin(
    "officer, Disnaker Kota Bengkulu", "disnaker.kotabengkulu@bekal.example", PASSWORD
)


def _confirmed_participant(*, email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = accounts.sign_up(full_name=full_name, email=email, password=PASSWORD)
        assert user is not None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


#: The demo participant as the (embedded) population registry knows her: type these in
#: the profile form to pass the identity check.
SITI = Citizen(
    nik="1771015508950001", full_name="Siti Aminah", birth_date=dt.date(1995, 8, 15), sex="F"
)
SITI_KK = "1771010101200001"


def ensure_registry() -> int:
    """The embedded registry's file of synthetic citizens, with the demo participant in it."""
    if not registry_file().exists():
        write_citizens(generate_citizens(count=5000, seed=2020), path=registry_file())
    return add_citizens([SITI])


def load_demo_data() -> list[DemoLogin]:
    """Idempotent: running it again changes nothing that is already there."""
    ensure_registry()
    with transaction.atomic():
        _load_accounts()
    create_demo_registrants()
    return [PARTICIPANT, ADMIN, OFFICER]


def _load_accounts() -> None:
    _confirmed_participant(email=PARTICIPANT.email, full_name="Siti Aminah")

    if not User.objects.filter(email=ADMIN.email).exists():
        User.objects.create_superuser(
            email=ADMIN.email, password=ADMIN.password, full_name="Admin Manajemen Pelaksana"
        )
    if not User.objects.filter(email=OFFICER.email).exists():
        User.objects.create_user(
            email=OFFICER.email,
            password=OFFICER.password,
            full_name="Petugas Disnaker Kota Bengkulu",
            role=User.Role.REGIONAL_OFFICER,
            region=Regency.objects.get(code="17.71"),
            email_confirmed_at=timezone.now(),
        )
