"""Synthetic registrants for the selection benchmark, written set-based into Bekal's tables.

bench.selection_data puts them in waves; this module makes the people and the lists.

Everything is generated inside PostgreSQL (generate_series, one INSERT ... SELECT a table)
through Django's connection, so it runs in the benchmark's own database and inside a
test's transaction alike. Every random choice is a keyed hash of the person's number
(hashint8extended), so a size always gives the same people.

The funnel, as a share of SIZE registrants (DOMAIN.md's day-one figures where it has
them, the rest stated here):
  accounts                      100%
  email confirmed                73.85%                       (day one)
  profile submitted              60%   (all with a confirmed email)
  identity verified              43.65%                       (day one; 0.5% of them
                                 foreign permanent residents, WNA, in the answer)
    mismatch / not found / pending  8% / 4% / 4.35%
  test passed                    85% of the verified, 5% of the others (who passed
                                 before a re-check of their identity)
  applicants of the wave         everyone who passed (joined, or carried over from
                                 earlier waves): about 37.9%; the day-one 5.43% is one
                                 day's joiners, a wave weeks in holds the whole pool
Ages 15-70 on the closing date (4% under 18, 3% over 64), 4% declaring school, 0.5% an
excluded occupation. Family cards (KK) group 1-5 registrants (1.4 on average); 10% live
outside their family's regency. Exclusion lists hit registrants with a profile: ASN 1.2%,
TNI 0.2%, Polri 0.2%, officials 0.05%, village officials 0.3%, BUMN/BUMD boards 0.02%,
pupils and students 3%, social assistance 15% (5% of those entries expired, 2% not yet
valid), earlier recipients 1%, laid-off workers reported by the ministry 1%; every list
also holds half as many NIKs of people who never registered. 3% of families had people
selected in an earlier published wave (each member with a 60% chance), 10% of those
recipients are in this wave again, 5% of them had their card revoked.

Registrants live in the real regions: a province by its population (census 2020, the
2022 Papua provinces split by estimate), a village uniformly within the province.
NIKs are well-formed (district of the KTP, birth date with +40 for women, serial) and
unique; KK numbers are the family's district and a family number. Both are stored as
real blind indexes (bekal.core.crypto.blind_index, computed in SQL as an HMAC-SHA256
from sha256() with the same derived key, and checked against Python on one row); the
encrypted columns hold one real ciphertext for everybody (the selection never decrypts).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

JAKARTA = ZoneInfo("Asia/Jakarta")
NIK_PURPOSE = "nik"
KK_PURPOSE = "kk"

#: Population in millions (Sensus Penduduk 2020); 91-96: Papua as split in 2022, estimated.
PROVINCE_POPULATION = {
    "11": 5.27, "12": 14.80, "13": 5.53, "14": 6.39, "15": 3.55, "16": 8.47, "17": 2.01,
    "18": 9.01, "19": 1.46, "21": 2.06, "31": 10.56, "32": 48.27, "33": 36.52, "34": 3.67,
    "35": 40.67, "36": 11.90, "51": 4.32, "52": 5.32, "53": 5.33, "61": 5.41, "62": 2.67,
    "63": 4.07, "64": 3.77, "65": 0.70, "71": 2.62, "72": 2.99, "73": 9.07, "74": 2.62,
    "75": 1.17, "76": 1.42, "81": 1.85, "82": 1.28, "91": 1.06, "92": 0.56, "93": 0.51,
    "94": 1.35, "95": 1.45, "96": 0.58,
}  # fmt: skip

#: Share of registrants with a profile on each list (hits), by ExclusionList kind. The
#: ministry's list of laid-off workers is not an exclusion but the wave's first priority
#: tier; its people came first in every earlier wave too, so few of them are still
#: waiting weeks in. At 4% that tier alone would take about 80% of the places (all of
#: them with the second tier at 1,000,000 registrants) and the draw would hardly reach
#: the third tier.
LIST_RATES = {
    "civil_servant": 0.012,
    "soldier": 0.002,
    "police": 0.002,
    "official": 0.0005,
    "village_official": 0.003,
    "soe_board": 0.0002,
    "student": 0.03,
    "social_assistance": 0.15,
    "earlier_recipient": 0.01,
    "reported_laid_off": 0.01,
}
#: Share of verified registrants the registry answers are foreign permanent residents.
FOREIGN_RESIDENTS = 0.005
#: Entries of people who never registered, per hit.
LIST_MISSES = 0.5

#: Partitions of a block of five registrants into families (offsets of each member's
#: family within the block) and how often each occurs.
FAMILY_PATTERNS = [
    ([0, 0, 0, 0, 0], 0.03),
    ([0, 0, 0, 0, 4], 0.05),
    ([0, 0, 0, 3, 3], 0.10),
    ([0, 0, 2, 2, 4], 0.17),
    ([0, 0, 0, 3, 4], 0.10),
    ([0, 0, 2, 3, 4], 0.25),
    ([0, 1, 2, 3, 4], 0.30),
]

AGE_BANDS = [  # (share, lowest age, highest age)
    (0.04, 15, 17), (0.25, 18, 24), (0.33, 25, 34), (0.20, 35, 44),
    (0.10, 45, 54), (0.05, 55, 64), (0.03, 65, 70),
]  # fmt: skip


def u(key: str, salt: int) -> str:
    """SQL: a uniform number in [0, 1) from a keyed hash of the bigint `key`."""
    return f"((hashint8extended({key}, {salt}) & 9007199254740991)::float8 / 9007199254740992.0)"


def hmac_pads(purpose: str) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer padded keys for bekal's blind index of `purpose`."""
    from django.conf import settings

    from bekal.core import crypto

    # The benchmark's own reach into the key derivation (bekal has no public function
    # that hands out an index key): it computes the very same index set-based in SQL.
    key = crypto._index_key(settings.BEKAL_BLIND_INDEX_KEY, purpose)
    block = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def blind_sql(value: str, pads: str) -> str:
    """SQL: hex HMAC-SHA256 of text `value` with the pads named %(pads_in)s/%(pads_out)s."""
    return (
        f"encode(sha256(%({pads}_out)s::bytea || sha256(%({pads}_in)s::bytea"
        f" || convert_to({value}, 'UTF8'))), 'hex')"
    )


class Timer:
    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    def __call__(self, name: str) -> Timer:
        self.name = name
        return self

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.seconds[self.name] = self.seconds.get(self.name, 0.0) + (
            time.perf_counter() - self.start
        )


def execute(sql: str, params: dict[str, Any] | None = None) -> int:
    """Run one statement; with BENCH_DEBUG set, print how long it took."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if os.environ.get("BENCH_DEBUG"):
            print(f"{time.perf_counter() - start:7.2f} s  {' '.join(sql.split())[:90]}")
        return cursor.rowcount


def scalar(sql: str, params: Any = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def load_village_slots() -> None:
    """bench_slot(slot, village, district, regency): 2^20 slots shared out by weight."""
    weights = ", ".join(f"('{code}', {pop})" for code, pop in PROVINCE_POPULATION.items())
    execute(
        f"""
        CREATE TEMP TABLE bench_slot AS
        WITH w(province, pop) AS (VALUES {weights}),
        v AS (
            SELECT vi.code AS village, vi.district_id AS district, d.regency_id AS regency,
                   w.pop / count(*) OVER (PARTITION BY r.province_id) AS weight
            FROM regions_village vi
            JOIN regions_district d ON d.code = vi.district_id
            JOIN regions_regency r ON r.code = d.regency_id
            JOIN w ON w.province = r.province_id
        ),
        c AS (
            SELECT v.*, sum(weight) OVER (ORDER BY village) AS upto, sum(weight) OVER () AS total
            FROM v
        ),
        b AS (
            SELECT village, district, regency,
                   floor((upto - weight) / total * 1048576)::int AS lo,
                   floor(upto / total * 1048576)::int AS hi
            FROM c
        )
        SELECT generate_series(lo, hi - 1) AS slot, village, district, regency
        FROM b WHERE hi > lo
        """
    )
    execute("CREATE INDEX ON bench_slot (slot)")
    execute("ANALYZE bench_slot")


def load_people(size: int, closing: dt.date) -> None:
    """bench_people: one row per registrant with every attribute the tables need."""
    patterns = "ARRAY[" + ", ".join(f"ARRAY{p}" for p, _ in FAMILY_PATTERNS) + "]"
    cum, pattern_case = 0.0, []
    for index, (_, share) in enumerate(FAMILY_PATTERNS):
        cum += share
        pattern_case.append(f"WHEN {u('b', 11)} < {cum:.4f} THEN {index + 1}")
    age_case, cum = [], 0.0
    for share, low, high in AGE_BANDS:
        cum += share
        age_case.append(
            f"WHEN {u('i', 1)} < {cum:.4f} THEN {low} + floor({u('i', 2)} * {high - low + 1})"
        )
    lists = ",\n".join(f"{u('i', 40 + n)} < {rate} AS on_{kind}" for n, (kind, rate) in
                       enumerate(LIST_RATES.items()))  # fmt: skip
    identity = (
        f"CASE WHEN NOT profile THEN NULL WHEN {u('i', 6)} < 0.7275 THEN 'verified'"
        f" WHEN {u('i', 6)} < 0.8608 THEN 'mismatch' WHEN {u('i', 6)} < 0.9275 THEN 'not_found'"
        " ELSE 'pending' END"
    )
    execute(
        f"""
        CREATE TEMP TABLE bench_people AS
        -- OFFSET 0 keeps each step a subquery of its own, computed once per row: inlined,
        -- every use of a column (f, profile, identity) would recompute its hashes.
        WITH base AS (
            SELECT i, b,
                   b * 5 + ({patterns})[CASE {" ".join(pattern_case)} ELSE 7 END][mod(i, 5) + 1]
                   AS f
            FROM (SELECT i, i / 5 AS b FROM generate_series(0::bigint, %(n)s - 1) i) s
            OFFSET 0
        ),
        person AS (
            SELECT base.i, base.f,
                   floor({u("f", 12)} * 1048576)::int AS home_slot,
                   CASE WHEN {u("i", 13)} < 0.10 THEN floor({u("i", 14)} * 1048576)::int
                   END AS away_slot,
                   {u("i", 4)} < 0.7385 AS confirmed,
                   {u("i", 4)} < 0.7385 AND {u("i", 5)} < 0.60 / 0.7385 AS profile,
                   (%(closing)s::date - make_interval(years => (CASE {" ".join(age_case)} END)::int)
                    - floor({u("i", 3)} * 365)::int * interval '1 day')::date AS birth_date,
                   CASE WHEN {u("i", 7)} < 0.5 THEN 'M' ELSE 'F' END AS sex,
                   {u("i", 8)} < 0.04 AS in_school,
                   {u("i", 9)} < 0.005 AS in_excluded_occupation,
                   {u("f", 30)} < 0.03 AND {u("i", 31)} < 0.6 AS earlier_recipient,
                   {u("f", 30)} < 0.02 AS earlier_first_year,
                   {u("i", 32)} < 0.10 AS rejoined,
                   {u("i", 33)} < 0.05 AS revoked,
                   {u("i", 15)} AS pass_roll, {u("i", 16)} AS entry_roll,
                   {lists}
            FROM base
            OFFSET 0
        ),
        placed AS (
            SELECT p.*, home.village AS ktp_village, home.district AS ktp_district,
                   coalesce(away.village, home.village) AS village,
                   coalesce(away.district, home.district) AS district,
                   coalesce(away.regency, home.regency) AS regency,
                   {identity} AS identity
            FROM person p
            JOIN bench_slot home ON home.slot = p.home_slot
            LEFT JOIN bench_slot away ON away.slot = p.away_slot
            OFFSET 0
        ),
        decided AS (
            SELECT placed.*,
                   profile AND (earlier_recipient AND identity = 'verified'
                       OR pass_roll < CASE identity WHEN 'verified' THEN 0.85 ELSE 0.05 END)
                       AS passed,
                   profile AND earlier_recipient AND identity = 'verified' AS recipient
            FROM placed
        )
        SELECT decided.*,
               passed AND (NOT recipient OR rejoined) AS applicant,
               CASE WHEN profile THEN
                   replace(ktp_district, '.', '')
                   || to_char(extract(day FROM birth_date) + CASE sex WHEN 'F' THEN 40 ELSE 0 END,
                              'FM00')
                   || to_char(birth_date, 'MMYY')
               END AS nik_head,
               replace(split_part(ktp_village, '.', 1) || split_part(ktp_village, '.', 2)
                       || split_part(ktp_village, '.', 3), '.', '')
               || lpad(f::text, 10, '0') AS kk
        FROM decided
        """,
        {"n": size, "closing": closing},
    )
    # The NIK's serial makes it unique among people of one district, birth date and sex
    # (sorted bytewise: the order only numbers the people of one head).
    nik_pads, kk_pads = hmac_pads(NIK_PURPOSE), hmac_pads(KK_PURPOSE)
    execute(
        f"""
        CREATE TEMP TABLE bench_registrant AS
        SELECT n.*, {blind_sql("n.nik", "nik")} AS nik_index,
               {blind_sql("n.kk", "kk")} AS kk_index
        FROM (
            SELECT p.*, nik_head || lpad(row_number() OVER (
                       PARTITION BY nik_head COLLATE "C" ORDER BY i)::text, 4, '0') AS nik
            FROM bench_people p
        ) n
        """,
        {"nik_in": nik_pads[0], "nik_out": nik_pads[1], "kk_in": kk_pads[0], "kk_out": kk_pads[1]},
    )
    execute("DROP TABLE bench_people")
    execute("ANALYZE bench_registrant")


def next_id(table: str) -> int:
    return int(scalar(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))


def load_registrants(
    *, users: int, profiles: int, checks: int, attempts: int, now: dt.datetime
) -> dict[str, int]:
    """Users, profiles, identity checks and test attempts of everybody, one INSERT each."""
    from bekal.core import crypto

    placeholder = {
        "nik_encrypted": crypto.encrypt("3201010101900001"),
        "kk_encrypted": crypto.encrypt("3201010101000001"),
    }
    params = {"now": now, "u": users, "p": profiles, "c": checks, "a": attempts, **placeholder}
    counts = {}
    counts["registrants"] = execute(
        """
        INSERT INTO accounts_user (id, password, is_superuser, email, full_name, role,
            email_confirmed_at, is_active, is_staff, date_joined, language)
        SELECT %(u)s + i, '!bench', false, 'peserta' || i || '@bench.bekal.id',
               'Peserta ' || i, 'participant', CASE WHEN confirmed THEN %(now)s END, true,
               false, %(now)s - interval '30 days', 'id'
        FROM bench_registrant
        """,
        params,
    )
    counts["profiles"] = execute(
        """
        INSERT INTO registration_profile (id, created_at, updated_at, user_id, nik_encrypted,
            nik_index, nik_masked, kk_encrypted, kk_index, kk_masked, full_name, birth_place,
            birth_date, sex, ktp_street, ktp_village_id, domicile_same_as_ktp, domicile_street,
            domicile_village_id, domicile_regency_id, education, employment_status, in_school,
            in_excluded_occupation, submitted_at)
        SELECT %(p)s + i, %(now)s, %(now)s, %(u)s + i, %(nik_encrypted)s, nik_index,
               left(nik, 4) || '********' || right(nik, 4), %(kk_encrypted)s, kk_index,
               left(kk, 4) || '********' || right(kk, 4), 'Peserta ' || i, 'Kota Kelahiran',
               birth_date, sex, 'Jl. Bangku No. ' || (mod(i, 200) + 1), ktp_village,
               village = ktp_village, 'Jl. Bangku No. ' || (mod(i, 200) + 1), village, regency,
               (ARRAY['sd', 'smp', 'sma_smk', 'sma_smk', 'sma_smk', 'd1_d3', 'd4_s1'])
                   [mod(i, 7) + 1],
               (ARRAY['job_seeker', 'laid_off', 'needs_new_skills', 'business_owner'])
                   [mod(i, 4) + 1],
               in_school, in_excluded_occupation, %(now)s - interval '20 days'
        FROM bench_registrant WHERE profile
        """,
        params,
    )
    execute(
        f"""
        INSERT INTO registration_identitycheck (id, created_at, updated_at, profile_id, status,
            mismatched_fields, citizenship, round, requested_at, attempts, last_attempt_at,
            checked_at)
        SELECT %(c)s + i, %(now)s, %(now)s, %(p)s + i, identity,
               CASE identity WHEN 'mismatch' THEN '["full_name"]' ELSE '[]' END::jsonb,
               CASE WHEN identity <> 'verified' THEN ''
                    WHEN {u("i", 17)} < {FOREIGN_RESIDENTS} THEN 'WNA' ELSE 'WNI' END, 1,
               %(now)s - interval '20 days', 1, %(now)s - interval '20 days',
               CASE WHEN identity <> 'pending' THEN %(now)s - interval '20 days' END
        FROM bench_registrant WHERE profile
        """,
        params,
    )
    counts["verified"] = scalar("SELECT count(*) FROM bench_registrant WHERE identity = 'verified'")
    # A passed attempt for everyone who passed; a failed one for half of the verified
    # who did not pass (the rest never took the test).
    execute(
        """
        INSERT INTO assessment_attempt (id, created_at, updated_at, user_id, status, started_at,
            deadline, duration_minutes, pass_mark, question_count, finished_at, score, passed)
        SELECT %(a)s + i, %(now)s, %(now)s, %(u)s + i, 'submitted', t, t + interval '15 min',
               15, 60, 18, t + interval '11 min',
               CASE WHEN passed THEN 60 + mod(i, 41) ELSE 20 + mod(i, 40) END, passed
        FROM (SELECT *, %(now)s - interval '10 days' AS t FROM bench_registrant) r
        WHERE passed OR (identity = 'verified' AND pass_roll < 0.925)
        """,
        params,
    )
    counts["test_passed"] = scalar("SELECT count(*) FROM bench_registrant WHERE passed")
    return counts


def check_blind_index() -> None:
    """The SQL HMAC gives exactly bekal.core.crypto.blind_index's value."""
    from bekal.core import crypto

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik, nik_index, kk, kk_index FROM bench_registrant WHERE profile LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return
    nik, nik_index, kk, kk_index = row
    assert crypto.blind_index(nik, purpose=NIK_PURPOSE) == nik_index, "NIK blind index differs"
    assert crypto.blind_index(kk, purpose=KK_PURPOSE) == kk_index, "KK blind index differs"


#: Names that moved to bench.selection_lists, still importable from here (lazily: that
#: module imports this one).
_MOVED = (
    "BULK_TABLES",
    "drop_secondary_indexes",
    "hits_expected",
    "load_exclusion_lists",
    "rebuild_indexes",
)


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        import bench.selection_lists

        return getattr(bench.selection_lists, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
