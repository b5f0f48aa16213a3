"""The selection statement: tiers, the seeded order and the quotas, in one SQL pass.

For every applicant of the wave it writes a SelectionOutcome (the applications learn
their result when the run is published). Among the eligible, the order is

    (tier rank, no tier last) ascending, then sha256(seed || pseudonym) ascending
    (bytewise), then the pseudonym

where seed is the run's 32 revealed bytes and pseudonym the application id in decimal
(UTF-8). Places are then filled down that order, each applicant taking a place unless
their family (KK) has used its remaining places, or their regency/city's quota, their
province's quota or the national quota is full. Because a full quota stays full, that
greedy walk equals successive filters, each a window ranking within its group:

  1. family:   rank within the household <= household_places
  2. regency:  rank among the survivors within a capped regency <= its quota
  3. province: rank among the survivors within a capped province <= its quota
  4. national: rank among the survivors <= the national quota

The tiers an applicant qualifies for are sets joined to the applicants, like the facts of
eligibility: the lists the eligible applicants' NIKs are on (a laid-off tier's list,
other social assistance) in one grouped join, and the districts named by a tier. The
partitions (family, regency, province) group by bytes (COLLATE "C"): only equality
matters there, and bytewise sorting is the cheapest.

bekal.selection.verification re-does the greedy walk in plain Python, independently.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from bekal.programmes.models import ExclusionList, Wave, WaveTier
from bekal.selection.models import SelectionRun

#: The rank of "no tier": after every real tier.
NO_TIER = 2_147_483_647

_ORDER = f'COALESCE(tier, {NO_TIER}), order_key, pseudonym COLLATE "C"'

_VALID = """(e.valid_from IS NULL OR e.valid_from <= %(day)s)
                  AND (e.valid_to IS NULL OR e.valid_to >= %(day)s)"""

SELECT_STATEMENT = f"""
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
-- The lists each eligible applicant's NIK is on that a tier asks about, in one pass.
listed AS (
    SELECT a.application_id,
           min(t.rank) AS laid_off_rank,
           bool_or(l.kind = '{ExclusionList.Kind.SOCIAL_ASSISTANCE}') AS assisted
    FROM applicants a
    JOIN programmes_exclusionentry e ON e.nik_index = a.nik_index
    JOIN programmes_exclusionlist l ON l.id = e.exclusion_list_id
    LEFT JOIN tiers t ON t.kind = '{WaveTier.Kind.REPORTED_LAID_OFF}'
        AND t.exclusion_list_id = e.exclusion_list_id
    WHERE a.eligible AND {_VALID}
    GROUP BY a.application_id
),
named AS (
    SELECT c.code, min(t.rank) AS rank
    FROM tiers t CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(t.district_codes) = 'array' THEN t.district_codes
             ELSE '[]' END) c(code)
    WHERE t.kind = '{WaveTier.Kind.NAMED_DISTRICTS}'
    GROUP BY c.code
),
base AS (
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
           a.household_places,
           CASE WHEN a.eligible THEN sha256(%(seed)s::bytea || convert_to(a.pseudonym, 'UTF8'))
           END AS order_key
    FROM applicants a
    LEFT JOIN listed ls ON ls.application_id = a.application_id
    LEFT JOIN named n ON a.eligible AND n.code = to_jsonb(a.district_id)
),
ranked AS (
    SELECT base.*, row_number() OVER (ORDER BY {_ORDER}) AS lottery_rank
    FROM base WHERE eligible
),
by_family AS (
    SELECT ranked.*,
           row_number() OVER (PARTITION BY household COLLATE "C" ORDER BY lottery_rank)
               AS family_rank
    FROM ranked
),
family_ok AS (
    SELECT *, row_number() OVER (PARTITION BY regency_id COLLATE "C" ORDER BY lottery_rank)
              AS regency_rank
    FROM by_family WHERE family_rank <= household_places
),
regency_ok AS (
    SELECT f.*, row_number() OVER (PARTITION BY f.province_id COLLATE "C"
                                   ORDER BY f.lottery_rank) AS province_rank
    FROM family_ok f
    LEFT JOIN programmes_wavequota q ON q.wave_id = %(wave)s AND q.regency_id = f.regency_id
    WHERE q.quota IS NULL OR f.regency_rank <= q.quota
),
province_ok AS (
    SELECT g.*, row_number() OVER (ORDER BY g.lottery_rank) AS national_rank
    FROM regency_ok g
    LEFT JOIN programmes_wavequota q ON q.wave_id = %(wave)s AND q.province_id = g.province_id
    WHERE q.quota IS NULL OR g.province_rank <= q.quota
),
chosen AS (
    SELECT application_id FROM province_ok WHERE national_rank <= %(national)s
),
written AS (
    INSERT INTO selection_selectionoutcome
        (run_id, application_id, pseudonym, regency_id, eligible, tier, household,
         household_places, lottery_rank, selected)
    SELECT %(run)s, b.application_id, b.pseudonym, b.regency_id, b.eligible, b.tier,
           b.household, b.household_places, k.lottery_rank, c.application_id IS NOT NULL
    FROM base b
    LEFT JOIN ranked k ON k.application_id = b.application_id
    LEFT JOIN chosen c ON c.application_id = b.application_id
    RETURNING application_id, selected
)
SELECT count(*) FROM written
"""  # noqa: S608 (constants only)

_COUNTS = """
    SELECT o.regency_id, r.province_id, count(*), count(*) FILTER (WHERE o.eligible),
           count(*) FILTER (WHERE o.selected)
    FROM selection_selectionoutcome o JOIN regions_regency r ON r.code = o.regency_id
    WHERE o.run_id = %s GROUP BY o.regency_id, r.province_id ORDER BY o.regency_id
"""


def select_applicants(*, run: SelectionRun, wave: Wave, seed: bytes, day: Any) -> None:
    """Write the run's outcomes (the wave's eligibility decisions must be fresh)."""
    with connection.cursor() as cursor:
        cursor.execute(
            SELECT_STATEMENT,
            {
                "run": run.pk,
                "wave": wave.pk,
                "seed": seed,
                "day": day,
                "national": wave.national_quota,
                "max_per_kk": wave.scheme.max_recipients_per_kk,
            },
        )


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
