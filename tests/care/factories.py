"""Citizens, officers and tickets for the care tests, built through the services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from bekal.accounts.models import User, VerifiedPhone
from bekal.accounts.phone_numbers import mask_phone_number
from bekal.accounts.phone_verification import phone_index
from bekal.care import services
from bekal.care.models import Category, Channel, Ticket
from bekal.core.crypto import encrypt
from bekal.regions.models import Regency

JAKARTA = ZoneInfo("Asia/Jakarta")
KOTA_BENGKULU = "17.71"
KOTA_BANDUNG = "32.73"


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def regency(code: str = KOTA_BENGKULU) -> Regency:
    return Regency.objects.get(code=code)


def citizen(email: str = "siti@contoh.id", phone: str | None = None) -> User:
    user = User.objects.create_user(
        email=email, password=None, full_name="Siti Aminah", email_confirmed_at=timezone.now()
    )
    if phone:
        VerifiedPhone.objects.create(
            user=user,
            phone_encrypted=encrypt(phone),
            phone_index=phone_index(phone),
            phone_masked=mask_phone_number(phone),
            verified_at=timezone.now(),
        )
    return user


def officer(email: str = "petugas@disnaker.id", region: str = KOTA_BENGKULU) -> User:
    return User.objects.create_user(
        email=email,
        password=None,
        full_name="Budi Petugas",
        role=User.Role.REGIONAL_OFFICER,
        region=regency(region),
    )


def fraud_team_member(user: User) -> User:
    group, _ = Group.objects.get_or_create(name="Tim pengaduan penipuan")
    group.permissions.add(Permission.objects.get(codename="view_sensitive_ticket"))
    user.groups.add(group)
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached


def ticket(
    person: User | None = None,
    *,
    category: str = Category.COMPLAINT,
    region: str | None = KOTA_BENGKULU,
    now: dt.datetime | None = None,
    body: str = "Saldo kartu saya belum masuk sejak minggu lalu.",
    **extra: Any,
) -> Ticket:
    return services.open_ticket(
        idempotency_key=f"test:{uuid.uuid4().hex}",
        category=category,
        body=body,
        channel=extra.pop("channel", Channel.WEB),
        citizen=person if person is not None else citizen(),
        region=regency(region) if region else None,
        now=now,
        **extra,
    )
