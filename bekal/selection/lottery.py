"""The draw: tiers, the seeded order, the family places and the quotas.

For every applicant of the wave it writes a SelectionOutcome (the applications learn
their result when the run is published). Among the eligible, the order is

    (tier rank, no tier last) ascending, then sha256(seed || pseudonym) ascending
    (bytewise), then the pseudonym

where seed is the run's 32 revealed bytes and pseudonym the application id in decimal
(UTF-8). Applicants are then taken one by one in that order, and one is selected if their
family (KK) still has a place and their regency/city, their province and the nation
still have room; a family place and a quota place are used only by someone selected
(docs/selection.md, "The draw, exactly").

Three steps, in the caller's transaction, none of them a query per applicant:

1. `BASE_STATEMENT` fills the temporary table `selection_lottery_base` with one row per
   applicant: eligibility, best tier, family pseudonym and places, regency and province.
   The tiers an applicant qualifies for are sets joined to the applicants, like the facts
   of eligibility: the lists the eligible applicants' NIKs are on (a laid-off tier's
   list, other social assistance) in one grouped join, and the districts named by a tier.
2. `draw` ranks the eligible rows of that table in lottery order (SQL), streams them
   through a server-side cursor to `choose`, a plain greedy pass with four counters, and
   COPYs the chosen ids into `selection_lottery_chosen`. The pass stops once the nation
   is full, so it reads the ranked rows only as far as it needs.
3. `WRITE_STATEMENT` writes every applicant's outcome in one INSERT.

`draw` reads only `selection_lottery_base`, so the property test
(tests/selection/test_lottery_property.py) fills that table with generated cases and runs
the very code a wave runs. bekal.selection.verification and the benchmark's DuckDB
reference re-do the walk independently.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from bekal.programmes.models import ExclusionList, Wave, WaveQuota, WaveTier
from bekal.selection.eligibility import assistance_window
from bekal.selection.models import SelectionRun

logger = logging.getLogger(__name__)

#: The rank of "no tier": after every real tier.
NO_TIER = 2_147_483_647

#: Rows fetched from the server-side cursor at a time.
ITERSIZE = 50_000

BASE_TABLE = "selection_lottery_base"
RANKED_TABLE = "selection_lottery_ranked"
CHOSEN_TABLE = "selection_lottery_chosen"

#: The columns of BASE_TABLE: what the draw needs to know of an applicant.
BASE_COLUMNS = """application_id bigint NOT NULL, pseudonym text NOT NULL,
    regency_id text NOT NULL, province_id text NOT NULL, eligible boolean NOT NULL,
    tier integer, household text NOT NULL, household_places integer NOT NULL"""

_ORDER = f'COALESCE(tier, {NO_TIER}), order_key, pseudonym COLLATE "C"'

_VALID = """((e.valid_from IS NULL OR e.valid_from <= %(day)s)
                  AND (e.valid_to IS NULL OR e.valid_to >= %(day)s))"""

#: An entry valid on some day of the social-assistance window [window_from, window_to].
_IN_WINDOW = """((e.valid_from IS NULL OR e.valid_from <= %(window_to)s)
                  AND (e.valid_to IS NULL OR e.valid_to >= %(window_from)s))"""

BASE_STATEMENT = f"""
WITH applicants AS (
    SELECT a.id AS application_id,
           a.id::text AS pseudonym,
           a.regency_id,
           r.province_id,
           COALESCE(d.eligible, false) AS eligible,
           p.nik_index,
           p.kk_index,
           v.district_id,
           %(max_per_kk)s - COALESCE(d.kk_recipients, 0) AS household_places
    FROM programmes_waveapplication a
    JOIN regions_regency r ON r.code = a.regency_id
    LEFT JOIN (
        SELECT application_id, eligible, (inputs ->> 'kk_recipients')::int AS kk_recipients
        FROM selection_eligibilitydecision WHERE wave_id = %(wave)s
    ) d ON d.application_id = a.id
    LEFT JOIN registration_profile p ON p.user_id = a.user_id
    LEFT JOIN regions_village v ON v.code = p.domicile_village_id
    WHERE a.wave_id = %(wave)s
),
tiers AS (
    SELECT t.rank, t.kind, t.exclusion_list_id, t.district_codes
    FROM programmes_wavetier t WHERE t.wave_id = %(wave)s
),
-- The lists each eligible applicant's NIK is on that a tier asks about, in one pass: a
-- laid-off list counts on the closing date, other social assistance on any day of the
-- scheme's window (the eligibility rule's window, eligibility.assistance_window).
listed AS (
    SELECT a.application_id,
           min(t.rank) FILTER (WHERE {_VALID}) AS laid_off_rank,
           bool_or(l.kind = '{ExclusionList.Kind.SOCIAL_ASSISTANCE}' AND {_IN_WINDOW})
               AS assisted
    FROM applicants a
    JOIN programmes_exclusionentry e ON e.nik_index = a.nik_index
    JOIN programmes_exclusionlist l ON l.id = e.exclusion_list_id
    LEFT JOIN tiers t ON t.kind = '{WaveTier.Kind.REPORTED_LAID_OFF}'
        AND t.exclusion_list_id = e.exclusion_list_id
    WHERE a.eligible AND ({_VALID} OR {_IN_WINDOW})
    GROUP BY a.application_id
),
named AS (
    SELECT c.code, min(t.rank) AS rank
    FROM tiers t CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(t.district_codes) = 'array' THEN t.district_codes
             ELSE '[]' END) c(code)
    WHERE t.kind = '{WaveTier.Kind.NAMED_DISTRICTS}'
    GROUP BY c.code
)
INSERT INTO {BASE_TABLE}
SELECT a.application_id, a.pseudonym, a.regency_id, a.province_id, a.eligible,
       CASE WHEN a.eligible THEN LEAST(
           ls.laid_off_rank,
           CASE WHEN ls.assisted IS NOT TRUE THEN (
               SELECT min(t.rank) FROM tiers t
               WHERE t.kind = '{WaveTier.Kind.NO_OTHER_SOCIAL_ASSISTANCE}') END,
           n.rank
       ) END AS tier,
       COALESCE(
           left(encode(sha256(convert_to(a.kk_index || ':' || %(wave)s::text, 'UTF8')),
                       'hex'), 16),
           'a' || a.application_id::text
       ) AS household,
       a.household_places
FROM applicants a
LEFT JOIN listed ls ON ls.application_id = a.application_id
LEFT JOIN named n ON a.eligible AND n.code = to_jsonb(a.district_id)
"""  # noqa: S608 (constants only)

RANKED_COLUMNS = """application_id bigint NOT NULL, household text NOT NULL,
    household_places integer NOT NULL, regency_id text NOT NULL, province_id text NOT NULL,
    lottery_rank bigint NOT NULL"""

RANK_STATEMENT = f"""
INSERT INTO {RANKED_TABLE}
SELECT application_id, household, household_places, regency_id, province_id,
       row_number() OVER (ORDER BY {_ORDER}) AS lottery_rank
FROM (SELECT b.*, sha256(%(seed)s::bytea || convert_to(b.pseudonym, 'UTF8')) AS order_key
      FROM {BASE_TABLE} b WHERE b.eligible) e
"""  # noqa: S608 (constants only)

_STREAM = f"""
SELECT application_id, household, household_places, regency_id, province_id
FROM {RANKED_TABLE} ORDER BY lottery_rank
"""  # noqa: S608 (constants only)

WRITE_STATEMENT = f"""
INSERT INTO selection_selectionoutcome
    (run_id, application_id, pseudonym, regency_id, eligible, tier, household,
     household_places, lottery_rank, selected)
SELECT %(run)s, b.application_id, b.pseudonym, b.regency_id, b.eligible, b.tier,
       b.household, b.household_places, k.lottery_rank, c.application_id IS NOT NULL
FROM {BASE_TABLE} b
LEFT JOIN {RANKED_TABLE} k ON k.application_id = b.application_id
LEFT JOIN {CHOSEN_TABLE} c ON c.application_id = b.application_id
"""  # noqa: S608 (constants only)

#: (application id, family pseudonym, family places, regency code, province code)
Ranked = tuple[int, str, int, str, str]


def choose(
    ranked: Iterable[Ranked],
    *,
    regency_quotas: Mapping[str, int],
    province_quotas: Mapping[str, int],
    national_quota: int,
) -> list[int]:
    """The greedy pass: the application ids selected, in lottery order.

    `ranked` are the eligible applicants in lottery order. Each is selected if their
    family has a place left and their regency, province and the nation have room; only
    a selected applicant uses a family place or a quota place."""
    chosen: list[int] = []
    family: dict[str, int] = {}
    in_regency: dict[str, int] = {}
    in_province: dict[str, int] = {}
    if national_quota <= 0:
        return chosen
    for application_id, household, places, regency, province in ranked:
        if family.get(household, 0) >= places:
            continue
        regency_quota = regency_quotas.get(regency)
        if regency_quota is not None and in_regency.get(regency, 0) >= regency_quota:
            continue
        province_quota = province_quotas.get(province)
        if province_quota is not None and in_province.get(province, 0) >= province_quota:
            continue
        family[household] = family.get(household, 0) + 1
        in_regency[regency] = in_regency.get(regency, 0) + 1
        in_province[province] = in_province.get(province, 0) + 1
        chosen.append(application_id)
        if len(chosen) >= national_quota:
            break
    return chosen


def prepare_tables(cursor: CursorWrapper) -> None:
    """The draw's temporary tables, empty, for this transaction (dropped at commit; a
    second draw in the same transaction, a test's, reuses them)."""
    if not cursor.db.in_atomic_block:
        # outside a transaction the tables would drop as soon as they are created
        raise RuntimeError("the selection draw runs inside a transaction")
    for table, columns in (
        (BASE_TABLE, BASE_COLUMNS),
        (RANKED_TABLE, RANKED_COLUMNS),
        (CHOSEN_TABLE, "application_id bigint PRIMARY KEY"),
    ):
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({columns}) ON COMMIT DROP")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (constants only)


def draw(
    cursor: CursorWrapper,
    *,
    seed: bytes,
    regency_quotas: Mapping[str, int],
    province_quotas: Mapping[str, int],
    national_quota: int,
    seconds: dict[str, float] | None = None,
) -> list[int]:
    """Rank BASE_TABLE's eligible rows, choose down that order, and keep the chosen ids
    in CHOSEN_TABLE (and the ranks in RANKED_TABLE); returns the chosen, in order.
    The tables are prepare_tables'; BASE_TABLE filled. `seconds` receives the time of
    each step."""
    seconds = {} if seconds is None else seconds
    start = time.perf_counter()
    cursor.execute(f"DELETE FROM {RANKED_TABLE}")  # noqa: S608 (constants only)
    cursor.execute(f"DELETE FROM {CHOSEN_TABLE}")  # noqa: S608 (constants only)
    cursor.execute(RANK_STATEMENT, {"seed": seed})
    seconds["rank"] = time.perf_counter() - start
    start = time.perf_counter()
    raw = cursor.cursor.connection  # psycopg's own connection: a server-side cursor, COPY
    with raw.cursor(name="selection_lottery_stream") as stream:
        stream.itersize = ITERSIZE
        stream.execute(_STREAM)
        chosen = choose(
            stream,
            regency_quotas=regency_quotas,
            province_quotas=province_quotas,
            national_quota=national_quota,
        )
    seconds["ordered pass"] = time.perf_counter() - start
    start = time.perf_counter()
    with raw.cursor() as plain, plain.copy(f"COPY {CHOSEN_TABLE} FROM STDIN") as copy:
        for first in range(0, len(chosen), ITERSIZE):
            copy.write("".join(f"{i}\n" for i in chosen[first : first + ITERSIZE]))
    seconds["copy back"] = time.perf_counter() - start
    return chosen


def select_applicants(*, run: SelectionRun, wave: Wave, seed: bytes, day: Any) -> None:
    """Write the run's outcomes (the wave's eligibility decisions must be fresh)."""
    quotas = WaveQuota.objects.filter(wave=wave)
    seconds: dict[str, float] = {}
    with connection.cursor() as cursor:
        start = time.perf_counter()
        prepare_tables(cursor)
        window_from, window_to = assistance_window(wave.scheme, day)
        cursor.execute(
            BASE_STATEMENT,
            {
                "wave": wave.pk,
                "day": day,
                "window_from": window_from,
                "window_to": window_to,
                "max_per_kk": wave.scheme.max_recipients_per_kk,
            },
        )
        seconds["rows"] = time.perf_counter() - start
        chosen = draw(
            cursor,
            seed=seed,
            regency_quotas={q.regency_id: q.quota for q in quotas if q.regency_id},
            province_quotas={q.province_id: q.quota for q in quotas if q.province_id},
            national_quota=wave.national_quota,
            seconds=seconds,
        )
        start = time.perf_counter()
        cursor.execute(WRITE_STATEMENT, {"run": run.pk})
        seconds["outcomes"] = time.perf_counter() - start
    logger.info(
        "Selection draw of run %s: %s selected; %s",
        run.pk,
        len(chosen),
        ", ".join(f"{step} {value:.2f} s" for step, value in seconds.items()),
    )


_COUNTS = """
    SELECT o.regency_id, r.province_id, count(*), count(*) FILTER (WHERE o.eligible),
           count(*) FILTER (WHERE o.selected)
    FROM selection_selectionoutcome o JOIN regions_regency r ON r.code = o.regency_id
    WHERE o.run_id = %s GROUP BY o.regency_id, r.province_id ORDER BY o.regency_id
"""


def count_by_region(*, run: SelectionRun) -> dict[str, Any]:
    """Applicants, eligible and selected per regency/city, per province and nationally."""
    empty = {"applicants": 0, "eligible": 0, "selected": 0}
    regencies: dict[str, dict[str, int]] = {}
    provinces: dict[str, dict[str, int]] = {}
    national = dict(empty)
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS, [run.pk])
        for regency, province, applicants, eligible, selected in cursor.fetchall():
            row = {"applicants": applicants, "eligible": eligible, "selected": selected}
            regencies[regency] = row
            total = provinces.setdefault(province, dict(empty))
            for key, value in row.items():
                total[key] += value
                national[key] += value
    return {"regencies": regencies, "provinces": provinces, "national": national}
