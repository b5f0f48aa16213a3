"""Staff of the dashboards: the programme office, province and regency officers."""

from __future__ import annotations

from django.utils import timezone

from bekal.accounts.models import User
from bekal.regions.models import Province, Regency


def officer(regency: str, email: str | None = None) -> User:
    return User.objects.create_user(
        email=email or f"disnaker.{regency.replace('.', '')}@contoh.id",
        password=None,
        full_name=f"Petugas {regency}",
        role=User.Role.REGIONAL_OFFICER,
        region=Regency.objects.get(code=regency),
        email_confirmed_at=timezone.now(),
    )


def province_officer(province: str) -> User:
    return User.objects.create_user(
        email=f"disnaker.prov{province}@contoh.id",
        password=None,
        full_name=f"Petugas provinsi {province}",
        role=User.Role.PROVINCE_OFFICER,
        province=Province.objects.get(code=province),
        email_confirmed_at=timezone.now(),
    )


def programme_office() -> User:
    return User.objects.create_user(
        email="pmo.dasbor@contoh.id",
        password=None,
        full_name="Manajemen Pelaksana",
        role=User.Role.PROGRAMME_ADMIN,
        email_confirmed_at=timezone.now(),
    )
