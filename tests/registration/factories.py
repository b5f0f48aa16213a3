"""Participants and profiles for the registration tests, built through the services."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

from django.db import connection
from django.utils import timezone

from bekal.accounts.models import User
from bekal.identity.registry.embedded import Citizen
from bekal.regions.models import Village
from bekal.registration import services
from bekal.registration.services import ProfileInput

#: A woman born on 15 August 1995 whose NIK was issued in Selebar, Kota Bengkulu (17.71.01).
SITI_NIK = "1771015508950001"
SITI_KK = "1771010101200001"
SITI_BORN = dt.date(1995, 8, 15)
SITI = Citizen(nik=SITI_NIK, full_name="SITI AMINAH", birth_date=SITI_BORN, sex="F")


def participant(email: str = "siti@contoh.id", full_name: str = "Siti Aminah") -> User:
    """A participant whose email address is confirmed (no password: tests log in directly)."""
    return User.objects.create_user(
        email=email, password=None, full_name=full_name, email_confirmed_at=timezone.now()
    )


def village(district_code: str = "17.71.01") -> Village:
    found = Village.objects.filter(district_id=district_code).order_by("code").first()
    assert found is not None, district_code
    return found


def profile_input(**changes: Any) -> ProfileInput:
    """Siti's profile as she would type it, with `changes`."""
    typed = ProfileInput(
        nik=SITI_NIK,
        kk=SITI_KK,
        full_name="Siti Aminah",
        birth_place="Bengkulu",
        birth_date=SITI_BORN,
        sex="F",
        ktp_street="Jl. Merdeka No. 1, RT 001/RW 002",
        ktp_village_code=village().code,
        domicile_same_as_ktp=True,
        education="sma_smk",
        employment_status="job_seeker",
        in_school=False,
        in_excluded_occupation=False,
    )
    return replace(typed, **changes)


def submit(user: User, **changes: Any):
    return services.submit_profile(user=user, data=profile_input(**changes), ip="10.1.2.3")


def identity_jobs(check_id: int | None = None) -> list[dict[str, Any]]:
    """The identity-check jobs in the queue (any status), oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status, args FROM procrastinate_jobs"
            " WHERE task_name = 'registration.verify_identity' ORDER BY id"
        )
        rows = [
            {
                "id": r[0],
                "status": r[1],
                "args": json.loads(r[2]) if isinstance(r[2], str) else r[2],
            }
            for r in cursor.fetchall()
        ]
    return [r for r in rows if check_id is None or r["args"] == {"check_id": check_id}]


def make_retries_due() -> None:
    """Skip the retry back-off: what is waiting to be retried is due now."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")


def profile_form(**changes: str) -> dict[str, str]:
    """The profile form as Siti types it on her phone (spaced NIK), with `changes`."""
    ktp = village()
    form = {
        "nik": "1771 0155 0895 0001",
        "kk": SITI_KK,
        "full_name": "Siti Aminah",
        "birth_place": "Bengkulu",
        "birth_date": "15-08-1995",
        "sex": "F",
        "ktp_street": "Jl. Merdeka No. 1, RT 001/RW 002",
        "ktp_province": "17",
        "ktp_regency": "17.71",
        "ktp_district": ktp.district_id,
        "ktp_village": ktp.code,
        "domicile": "same",
        "education": "sma_smk",
        "employment_status": "job_seeker",
        "in_school": "no",
        "in_excluded_occupation": "no",
        "save": "1",
    }
    form.update(changes)
    return form
