"""Waves, applicants and runs for the selection tests.

Waves, quotas, tiers and runs go through the services; applicants (hundreds at times) are
written set-based with bulk_create: a user, a profile, its identity check, a passed test
and a wave application each, and their eligibility facts refreshed as the services do.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from bekal.accounts.models import User
from bekal.assessment.models import Attempt
from bekal.core import crypto
from bekal.programmes import services as programmes
from bekal.programmes.models import ExclusionEntry, ExclusionList, Wave, WaveApplication
from bekal.programmes.selectors import get_current_scheme
from bekal.regions.models import Village
from bekal.registration.models import IdentityCheck, Profile
from bekal.selection import facts, services
from bekal.selection.eligibility import closing_date
from bekal.selection.models import SelectionRun

_serial = itertools.count(1)
_wave_numbers = itertools.count(100)


def admin(email: str = "pmo@prakerja.go.id") -> User:
    user, _ = User.objects.get_or_create(
        email=email, defaults={"full_name": "Petugas PMO", "role": "programme_admin"}
    )
    return user


def wave(
    *,
    scheme: str = "2023",
    national_quota: int = 1000,
    quotas: Sequence[tuple[str, int]] = (),
    tiers: Sequence[programmes.TierInput] = (),
    commit: bool = True,
) -> tuple[Wave, SelectionRun]:
    """An open wave (closing in a week) and its run, the seed committed."""
    now = timezone.now()
    created = programmes.create_wave(
        scheme=get_current_scheme(code=scheme),
        number=next(_wave_numbers),
        name="Gelombang uji",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
        announce_at=now + dt.timedelta(days=8),
        national_quota=national_quota,
        quotas=[programmes.QuotaInput(code, quota) for code, quota in quotas],
        tiers=tiers,
        actor=None,
    )
    opened = programmes.open_wave(wave=created, actor=None, waves_link=None)
    run = services.create_run(wave=opened, actor=admin())
    if commit:
        run = services.commit_seed(run=run, actor=admin())
    return opened, run


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass
class Person:
    """An applicant's facts; every default passes every rule."""

    age: int = 30
    birth_date: dt.date | None = None
    regency: str = "17.71"
    district: str | None = None
    verified: bool = True
    #: What the registry answered for a verified NIK: "WNI", or "WNA" (foreign resident).
    citizenship: str = "WNI"
    passed: bool = True
    in_school: bool = False
    in_excluded_occupation: bool = False
    nik: str = ""
    kk: str = ""
    serial: int = field(default_factory=lambda: next(_serial))

    def __post_init__(self) -> None:
        self.nik = self.nik or f"9{self.serial:015d}"
        self.kk = self.kk or f"8{self.serial:015d}"


_villages: dict[str, Village] = {}


def _village(regency: str, district: str | None) -> Village:
    key = district or regency
    if key not in _villages:
        found = Village.objects.filter(
            **({"district_id": district} if district else {"district__regency_id": regency})
        ).order_by("code")
        _villages[key] = found.first()  # type: ignore[assignment]
    return _villages[key]


def person_user(person: Person) -> tuple[User, Person]:
    n = person.serial
    return User(email=f"p{n}@contoh.id", full_name=f"Peserta {n}", password="!"), person


def join(wave: Wave, people: Sequence[Person]) -> list[WaveApplication]:
    """The people, registered, verified as told, tested as told, in the wave."""
    now = timezone.now()
    closing = closing_date(wave)
    pairs = [person_user(p) for p in people]
    users = User.objects.bulk_create([u for u, _ in pairs])
    profiles = []
    for user, person in zip(users, people, strict=True):
        village = _village(person.regency, person.district)
        profiles.append(
            Profile(
                user=user,
                nik_encrypted=crypto.encrypt(person.nik),
                nik_index=crypto.blind_index(person.nik, purpose="nik"),
                nik_masked=person.nik[:4] + "********" + person.nik[-4:],
                kk_encrypted=crypto.encrypt(person.kk),
                kk_index=crypto.blind_index(person.kk, purpose="kk"),
                kk_masked=person.kk[:4] + "********" + person.kk[-4:],
                full_name=user.full_name,
                birth_place="Bengkulu",
                birth_date=person.birth_date or years_before(closing, person.age),
                sex="F",
                ktp_street="Jl. Merdeka 1",
                ktp_village=village,
                domicile_street="Jl. Merdeka 1",
                domicile_village=village,
                domicile_regency_id=village.district.regency_id,
                education="sma_smk",
                employment_status="job_seeker",
                in_school=person.in_school,
                in_excluded_occupation=person.in_excluded_occupation,
                submitted_at=now,
            )
        )
    profiles = Profile.objects.bulk_create(profiles)
    IdentityCheck.objects.bulk_create(
        IdentityCheck(
            profile=profile,
            status="verified" if person.verified else "pending",
            citizenship=person.citizenship if person.verified else "",
            requested_at=now,
        )
        for profile, person in zip(profiles, people, strict=True)
    )
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            status="submitted",
            started_at=now - dt.timedelta(minutes=20),
            deadline=now - dt.timedelta(minutes=5),
            duration_minutes=15,
            pass_mark=60,
            question_count=18,
            finished_at=now - dt.timedelta(minutes=6),
            score=80 if person.passed else 20,
            passed=person.passed,
        )
        for user, person in zip(users, people, strict=True)
    )
    # Written in bulk, not through the services: their eligibility facts are refreshed
    # as the services refresh them.
    facts.refresh_users([user.pk for user in users])
    return WaveApplication.objects.bulk_create(
        WaveApplication(wave=wave, user=user, regency_id=profile.domicile_regency_id, joined_at=now)
        for user, profile in zip(users, profiles, strict=True)
    )


def exclusion_list(kind: str, niks: Sequence[str], **entry: Any) -> ExclusionList:
    """An imported exclusion list holding these NIKs (the import itself is tested in
    tests/programmes)."""
    listed = ExclusionList.objects.create(
        kind=kind,
        name=f"Daftar {kind}",
        source="Uji",
        uploaded_by=admin(),
        uploaded_at=timezone.now(),
        status=ExclusionList.Status.IMPORTED,
    )
    ExclusionEntry.objects.bulk_create(
        ExclusionEntry(
            exclusion_list=listed, nik_index=crypto.blind_index(nik, purpose="nik"), **entry
        )
        for nik in niks
    )
    facts.refresh_after_import(exclusion_list_id=listed.pk, kind=kind)
    return listed


def close(wave: Wave) -> Wave:
    return programmes.close_wave(wave=wave, actor=None)


def publish(run: SelectionRun) -> SelectionRun:
    """Close the wave, run, review and publish."""
    close(run.wave)
    run = services.run_selection(run=run, actor=admin())
    run = services.review_run(run=run, actor=admin(), note="Sesuai")
    return services.publish_run(run=run, actor=admin())


def selected_ids(run: SelectionRun) -> list[int]:
    """The selected application ids, in lottery order."""
    return list(
        run.outcomes.filter(selected=True)
        .order_by("lottery_rank")
        .values_list("application_id", flat=True)
    )


def rejoin(wave: Wave, applications: Sequence[WaveApplication]) -> list[WaveApplication]:
    """The same people, applying again in another wave."""
    now = timezone.now()
    return WaveApplication.objects.bulk_create(
        WaveApplication(wave=wave, user_id=a.user_id, regency_id=a.regency_id, joined_at=now)
        for a in applications
    )
