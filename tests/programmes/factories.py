"""Registrants, schemes, waves and exclusion files for the programmes tests, via services."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.utils import timezone
from faker import Faker

from bekal.accounts.models import User
from bekal.accounts.phone_verification import send_phone_code, verify_phone_code
from bekal.identity.registry import RegistryAnswer
from bekal.identity.services import upload_document
from bekal.identity.synthetic import IndonesianIdentityProvider
from bekal.notifications.models import OutboxMessage
from bekal.programmes import services
from bekal.programmes.models import Scheme, Wave
from bekal.programmes.selectors import get_current_scheme
from bekal.registration import services as registration
from bekal.registration.declaration import DECLARATION_VERSION
from tests.identity.documents_support import jpeg, upload
from tests.registration.factories import SITI_BORN, participant, submit

fake = Faker("id_ID")
fake.add_provider(IndonesianIdentityProvider)
fake.seed_instance(2020)


def ensure_shipped_schemes() -> None:
    """The schemes the data migration ships (a transactional test's flush removes them)."""
    migration = importlib.import_module("bekal.programmes.migrations.0002_ship_schemes_2020_2023")
    migration.ship(apps, None)
    windowed = importlib.import_module(
        "bekal.programmes.migrations.0004_scheme_social_assistance_window"
    )
    windowed.ship_2020_v2(apps, None)
    corrected = importlib.import_module(
        "bekal.programmes.migrations.0006_correct_2023_survey_incentives"
    )
    corrected.ship_2023_v2(apps, None)


def officer(email: str = "pmo@prakerja.go.id") -> User:
    return User.objects.create_user(
        email=email, password=None, full_name="Petugas PMO", role="programme_admin"
    )


def registrant(n: int, *, complete: bool = True) -> User:
    """A participant living in Kota Bengkulu; with `complete`, every registration step done
    (identity verified, photos, phone, declaration). Needs documents storage."""
    user = participant(email=f"peserta{n}@contoh.id", full_name=f"Peserta {n}")
    nik = fake.nik(district_code="17.71.01", birth_date=SITI_BORN, sex="F")
    profile = submit(user, nik=nik, kk=fake.kk(district_code="17.71.01"))
    if not complete:
        return user
    registration.record_identity_answer(
        check_id=profile.identity_check.pk,
        round_asked=profile.identity_check.round,
        answer=RegistryAnswer.match(),
    )
    upload_document(owner=user, kind="ktp_photo", uploaded_file=upload(jpeg(seed=2 * n)))
    upload_document(owner=user, kind="selfie_with_ktp", uploaded_file=upload(jpeg(seed=2 * n + 1)))
    send_phone_code(user=user, phone=f"0812 3456 {n:04d}")
    body = OutboxMessage.objects.filter(channel="sms", user=user).latest("created_at").body
    verify_phone_code(user=user, code=re.search(r"\b(\d{6})\b", body).group(1))
    registration.sign_declaration(user=user, version=DECLARATION_VERSION)
    return user


def wave(number: int = 1, *, open_now: bool = True, **changes: Any) -> Wave:
    """A wave under the 2023 scheme, open from an hour ago for a week."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "scheme": get_current_scheme(code="2023"),
        "number": number,
        "name": f"Gelombang {number}",
        "opens_at": now - dt.timedelta(hours=1),
        "closes_at": now + dt.timedelta(days=7),
        "announce_at": now + dt.timedelta(days=8),
        "national_quota": 164_000,
        "actor": None,
        **changes,
    }
    created = services.create_wave(**fields)
    return services.open_wave(wave=created, actor=None, waves_link=None) if open_now else created


def scheme_2023() -> Scheme:
    return get_current_scheme(code="2023")


def csv_file(lines: Iterable[str], header: str = "nik") -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *lines]) + "\n").encode())


def valid_niks(count: int, district_code: str = "32.16.01") -> list[str]:
    niks: set[str] = set()
    while len(niks) < count:
        niks.add(fake.nik(district_code=district_code))
    return sorted(niks)
