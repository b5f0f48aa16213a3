"""The selection benchmark's data: registrants (bench.selection_people) in earlier
published waves and in one closed wave, with national and regional quotas and tiers.

The wave (scheme 2020 by default, or 2023) is made through Bekal's own services
(create_wave with its quotas and tiers, open_wave, create_run, commit_seed, close_wave);
only the rows a registrant would have written one by one are loaded set-based.

Quotas: national, 3.5% of the applicants (2020 had about 164,000 places a week for tens
of millions in the pool); Kabupaten Bekasi, its 2020 share (24,000 of 5.6 million
places); provinces DKI Jakarta 50%, Jawa Timur 80%, Bali 50% and Aceh 200% (not binding)
of the places they would get without a quota; Kota Surabaya 50%, Kota Bandung 60%, Kota
Medan 40% and Kota Sabang 0. Tiers: 1. laid-off workers reported by the ministry (a
list), 2. the districts of three industrial regencies (Bekasi, Karawang, Batam),
3. receiving no other social assistance.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from bench.selection_lists import drop_secondary_indexes, load_exclusion_lists, rebuild_indexes
from bench.selection_people import (
    JAKARTA,
    Timer,
    check_blind_index,
    execute,
    load_people,
    load_registrants,
    load_village_slots,
    next_id,
    scalar,
)

#: National quota as a share of applicants (the brief: 3-4%).
NATIONAL_SHARE = 0.035
#: Kabupaten Bekasi's 24,000 of the 2020 programme's 5.6 million places.
BEKASI_SHARE = 24_000 / 5_600_000
#: Regional quotas as a share of the places the region would get without one.
PROVINCE_QUOTAS = {"31": 0.5, "35": 0.8, "51": 0.5, "11": 2.0}
REGENCY_QUOTAS = {"35.78": 0.5, "32.73": 0.6, "12.71": 0.4, "11.72": 0.0}
#: Regencies whose districts form the "named districts" tier (layoffs in industry).
NAMED_REGENCIES = ("32.16", "32.15", "21.71")


@dataclass
class Generated:
    size: int
    scheme_code: str
    wave: Any
    run: Any
    staff: Any
    closing_date: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _earlier_waves(
    *, scheme_code: str, users: int, now: dt.datetime, first_number: int
) -> tuple[int, dict[str, int]]:
    """Published runs of earlier waves that selected the registrants marked `recipient`
    (a 2020 wave; for a 2023 wave also a 2023 one), and the revoked among them."""
    from bekal.programmes.models import Wave
    from bekal.programmes.selectors import get_current_scheme
    from bekal.selection.models import SelectionRun

    groups = [("2020", "earlier_first_year" if scheme_code != "2020" else "true")]
    if scheme_code != "2020":
        groups.append((scheme_code, "NOT earlier_first_year"))
    number, counts = first_number, {"earlier_recipients": 0}
    for weeks, (code, which) in enumerate(groups):
        closes = now - dt.timedelta(weeks=8 - weeks)
        wave = Wave.objects.create(
            scheme=get_current_scheme(code=code),
            number=number,
            name=f"Gelombang {number} (bench, earlier)",
            opens_at=closes - dt.timedelta(days=7),
            closes_at=closes,
            announce_at=closes + dt.timedelta(days=1),
            national_quota=164_000,
            status=Wave.Status.CLOSED,
            opened_at=closes - dt.timedelta(days=7),
            closed_at=closes,
        )
        run = SelectionRun.objects.create(
            wave=wave, status=SelectionRun.Status.PUBLISHED, published_at=closes, ran_at=closes
        )
        counts["earlier_recipients"] += execute(
            f"""
            INSERT INTO programmes_waveapplication (wave_id, user_id, regency_id, joined_at,
                selected)
            SELECT %(wave)s, %(u)s + i, regency, %(joined)s, true
            FROM bench_registrant WHERE recipient AND {which}
            """,
            {"wave": wave.pk, "u": users, "joined": closes - dt.timedelta(days=3)},
        )
        execute(
            """
            INSERT INTO selection_selectionoutcome (run_id, application_id, pseudonym,
                regency_id, eligible, tier, household, household_places, lottery_rank,
                selected)
            SELECT %(run)s, id, id::text, regency_id, true, NULL, '', 0,
                   row_number() OVER (ORDER BY id), true
            FROM programmes_waveapplication WHERE wave_id = %(wave)s
            """,
            {"run": run.pk, "wave": wave.pk},
        )
        counts["revoked"] = counts.get("revoked", 0) + execute(
            f"""
            INSERT INTO selection_revokedrecipient (user_id, revoked_at, reason, wave_id)
            SELECT %(u)s + i, %(at)s, 'no_training_bought', %(wave)s
            FROM bench_registrant WHERE recipient AND revoked AND {which}
            """,
            {"u": users, "at": closes + dt.timedelta(days=31), "wave": wave.pk},
        )
        number += 1
    return number, counts


def _quotas(national: int) -> list[Any]:
    """Regional quotas that bite: a share of the places each region would get without one."""
    from bekal.programmes.services import QuotaInput

    applicants = scalar("SELECT count(*) FROM bench_registrant WHERE applicant") or 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT regency, count(*) FROM bench_registrant WHERE applicant GROUP BY regency"
        )
        by_regency = dict(cursor.fetchall())
    by_province: dict[str, int] = {}
    for code, count in by_regency.items():
        by_province[code[:2]] = by_province.get(code[:2], 0) + count

    def places(count: int, share: float) -> int:
        return round(national * count / applicants * share)

    quotas = [QuotaInput(code, places(by_province.get(code, 0), share))
              for code, share in PROVINCE_QUOTAS.items()]  # fmt: skip
    quotas += [QuotaInput(code, places(by_regency.get(code, 0), share))
               for code, share in REGENCY_QUOTAS.items()]  # fmt: skip
    quotas.append(QuotaInput("32.16", round(national * BEKASI_SHARE)))
    return quotas


def _wave(
    *, scheme_code: str, number: int, national: int, closes_at: dt.datetime, staff: Any,
    laid_off: Any,
) -> tuple[Any, Any]:  # fmt: skip
    """The benchmark's wave through Bekal's own services: created with its quotas and tiers,
    opened, and its selection's seed committed (the wave is closed after joining)."""
    from bekal.programmes import services as programmes
    from bekal.programmes.models import WaveTier
    from bekal.programmes.selectors import get_current_scheme
    from bekal.regions.models import District
    from bekal.selection import services as selection

    districts = District.objects.filter(regency_id__in=NAMED_REGENCIES).order_by("code")
    tiers = [
        programmes.TierInput(1, WaveTier.Kind.REPORTED_LAID_OFF, "PHK (Kemnaker)",
                             exclusion_list=laid_off),
        programmes.TierInput(2, WaveTier.Kind.NAMED_DISTRICTS, "Kawasan industri",
                             district_codes=list(districts.values_list("code", flat=True))),
        programmes.TierInput(3, WaveTier.Kind.NO_OTHER_SOCIAL_ASSISTANCE, "Tanpa bansos lain"),
    ]  # fmt: skip
    wave = programmes.create_wave(
        scheme=get_current_scheme(code=scheme_code),
        number=number,
        name=f"Gelombang {number} (bench)",
        opens_at=closes_at - dt.timedelta(days=7),
        closes_at=closes_at,
        announce_at=closes_at + dt.timedelta(days=1),
        national_quota=national,
        quotas=_quotas(national),
        tiers=tiers,
        actor=staff,
    )
    wave = programmes.open_wave(wave=wave, actor=staff, waves_link=None)
    run = selection.create_run(wave=wave, actor=staff)
    run = selection.commit_seed(run=run, actor=staff)
    return wave, run


def generate(*, size: int, scheme_code: str = "2020", bulk: bool = False) -> Generated:
    """Registrants, exclusion lists, earlier published waves and a closed wave whose seed
    is committed, ready for bekal.selection.services.run_selection.

    `bulk` loads as a bulk load does (superuser only): the tables' secondary indexes and
    unique constraints are dropped first and rebuilt after (which re-checks uniqueness),
    and PostgreSQL's per-row foreign-key triggers are off (session_replication_role =
    replica). Without it, every index is maintained row by row and every foreign key is
    checked before returning: the smoke test loads that way, so the rows are known to
    be consistent.
    """
    from bekal.accounts.models import User
    from bekal.programmes.models import Wave
    from bekal.programmes.services import close_wave
    from bekal.selection.facts import rebuild_facts

    now = dt.datetime.now(dt.UTC)
    closes_at = now + dt.timedelta(days=1)
    closing = closes_at.astimezone(JAKARTA).date()
    seconds: dict[str, float] = {}
    timer = Timer(seconds)
    staff = User.objects.create_user(
        email=f"pmo-{time.time_ns()}@bench.bekal.id", password=None, full_name="PMO (bench)",
        role=User.Role.PROGRAMME_ADMIN,
    )  # fmt: skip
    # The generator's own statements: no JIT (compiling its long expressions costs more
    # than running them) and room to hash and sort in memory. Reset before Bekal runs.
    execute("SET jit = off")
    execute("SET work_mem = '256MB'")
    with timer("people (temporary table, NIK/KK blind indexes)"):
        load_village_slots()
        load_people(size, closing)
    check_blind_index()
    rebuild: list[str] = []
    if bulk:
        execute("SET session_replication_role = replica")
        rebuild = drop_secondary_indexes()
    try:
        users = next_id("accounts_user")
        with timer("accounts, profiles, identity checks, tests"):
            counts = load_registrants(
                users=users, profiles=next_id("registration_profile"),
                checks=next_id("registration_identitycheck"),
                attempts=next_id("assessment_attempt"), now=now,
            )  # fmt: skip
        with timer("exclusion lists"):
            lists = load_exclusion_lists(staff=staff, now=now, closing=closing)
        counts["exclusion_entries"] = scalar("SELECT count(*) FROM programmes_exclusionentry")
        first = (Wave.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        with timer("earlier waves"):
            number, earlier = _earlier_waves(
                scheme_code=scheme_code, users=users, now=now, first_number=first
            )
        counts.update(earlier)
        applicants = scalar("SELECT count(*) FROM bench_registrant WHERE applicant")
        national = max(1, round(applicants * NATIONAL_SHARE))
        with timer("wave, joining"):
            wave, run = _wave(
                scheme_code=scheme_code, number=number, national=national, closes_at=closes_at,
                staff=staff, laid_off=lists["reported_laid_off"],
            )  # fmt: skip
            counts["applicants"] = execute(
                """
                INSERT INTO programmes_waveapplication (wave_id, user_id, regency_id, joined_at)
                SELECT %(wave)s, %(u)s + i, regency, %(now)s FROM bench_registrant
                WHERE applicant
                """,
                {"wave": wave.pk, "u": users, "now": now},
            )
            wave = close_wave(wave=wave, actor=staff)
        counts["national_quota"] = national
    finally:
        if bulk:
            execute("SET session_replication_role = DEFAULT")
    with timer("indexes rebuilt" if bulk else "foreign keys checked"):
        if bulk:
            rebuild_indexes(rebuild)
        else:
            execute("SET CONSTRAINTS ALL IMMEDIATE")
            execute("SET CONSTRAINTS ALL DEFERRED")
    with timer("sequences, ANALYZE"):
        for table in ("accounts_user", "registration_profile", "registration_identitycheck",
                      "assessment_attempt"):  # fmt: skip
            execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
        execute("DROP TABLE bench_registrant, bench_slot")
        execute("RESET jit")
        execute("RESET work_mem")
        for table in ("accounts_user", "registration_profile", "registration_identitycheck",
                      "assessment_attempt", "programmes_waveapplication",
                      "programmes_exclusionentry", "selection_selectionoutcome"):  # fmt: skip
            execute(f"ANALYZE {table}")
    # The rows above were loaded in bulk, not through the services that keep the
    # registrants' eligibility facts in step: build them as a bulk load would.
    with timer("eligibility facts built (set-based)"):
        counts["facts"] = rebuild_facts()
        execute("ANALYZE selection_registrantfacts")
    return Generated(
        size=size, scheme_code=scheme_code, wave=wave, run=run, staff=staff,
        closing_date=closing, counts=counts, seconds=seconds,
    )  # fmt: skip
