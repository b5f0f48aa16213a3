"""A DuckDB reference of a wave's selection, written from the rules' definitions.

The inputs are exported from PostgreSQL as they were before the run (COPY ... TO STDOUT
as CSV: applications, profiles, identity checks, passed tests, exclusion lists, earlier
published outcomes, revocations, regions), loaded into an in-process DuckDB, and the
whole selection is recomputed there in SQL: the facts (age on the closing date in
Asia/Jakarta, lists matched on that day, family recipients, ...), the scheme's rules
(written here again, not taken from bekal.programmes.rules, so that a change there that
changes a decision shows up as a mismatch), the tiers, the seeded order
sha256(seed || pseudonym), then a greedy walk down that order in Python (a family place
and a quota place used only by the selected, as docs/selection.md defines the draw).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection

NO_TIER = 2_147_483_647

#: Exclusion list kinds whose members are never eligible (DOMAIN.md).
OCCUPATION_KINDS = (
    "civil_servant",
    "soldier",
    "police",
    "official",
    "village_official",
    "soe_board",
)


@dataclass
class Reference:
    eligible: int
    reasons: dict[str, int]
    #: (application id, lottery rank) of the selected.
    selected: set[tuple[int, int]]
    seconds: dict[str, float] = field(default_factory=dict)
    export_bytes: int = 0


def _exports(wave_id: int) -> dict[str, tuple[str, str]]:
    """name -> (query, DuckDB columns) of everything the selection reads."""
    return {
        "applications": (
            f"SELECT id, user_id, regency_id FROM programmes_waveapplication"
            f" WHERE wave_id = {wave_id}",
            "id BIGINT, user_id BIGINT, regency_id VARCHAR",
        ),
        "regencies": ("SELECT code, province_id FROM regions_regency",
                      "code VARCHAR, province_id VARCHAR"),
        "villages": ("SELECT code, district_id FROM regions_village",
                     "code VARCHAR, district_id VARCHAR"),
        "profiles": (
            "SELECT id, user_id, nik_index, kk_index, birth_date, in_school::int,"
            " in_excluded_occupation::int, domicile_village_id FROM registration_profile",
            "id BIGINT, user_id BIGINT, nik_index VARCHAR, kk_index VARCHAR, birth_date DATE,"
            " in_school INTEGER, in_excluded_occupation INTEGER, domicile_village_id VARCHAR",
        ),
        "checks": ("SELECT profile_id, status, citizenship FROM registration_identitycheck",
                   "profile_id BIGINT, status VARCHAR, citizenship VARCHAR"),
        "passed": ("SELECT user_id FROM assessment_attempt WHERE passed", "user_id BIGINT"),
        "lists": ("SELECT id, kind FROM programmes_exclusionlist", "id BIGINT, kind VARCHAR"),
        "entries": (
            "SELECT exclusion_list_id, nik_index, valid_from, valid_to"
            " FROM programmes_exclusionentry",
            "list_id BIGINT, nik_index VARCHAR, valid_from DATE, valid_to DATE",
        ),
        "waves": ("SELECT w.id, s.code FROM programmes_wave w"
                  " JOIN programmes_scheme s ON s.id = w.scheme_id", "id BIGINT, code VARCHAR"),
        # Earlier runs only: this wave's own outcomes are what is being recomputed.
        "outcomes": (
            "SELECT a.user_id, r.wave_id, r.status, o.selected::int"
            " FROM selection_selectionoutcome o"
            " JOIN selection_selectionrun r ON r.id = o.run_id"
            f" JOIN programmes_waveapplication a ON a.id = o.application_id"
            f" WHERE r.wave_id <> {wave_id}",
            "user_id BIGINT, wave_id BIGINT, status VARCHAR, selected INTEGER",
        ),
        "revoked": ("SELECT user_id FROM selection_revokedrecipient", "user_id BIGINT"),
        "tiers": (
            f"SELECT rank, kind, exclusion_list_id, district_codes::text"
            f" FROM programmes_wavetier WHERE wave_id = {wave_id}",
            "rank INTEGER, kind VARCHAR, list_id BIGINT, district_codes VARCHAR",
        ),
        "quotas": (
            f"SELECT province_id, regency_id, quota FROM programmes_wavequota"
            f" WHERE wave_id = {wave_id}",
            "province_id VARCHAR, regency_id VARCHAR, quota BIGINT",
        ),
    }  # fmt: skip


def export(wave_id: int, directory: Path) -> tuple[dict[str, str], int]:
    """COPY each input to a CSV file; returns the DuckDB column lists and the bytes written."""
    columns, written = {}, 0
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        for name, (query, duck_columns) in _exports(wave_id).items():
            with (directory / f"{name}.csv").open("wb") as out,\
                    cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:  # fmt: skip
                for chunk in copy:
                    written += out.write(chunk)
            columns[name] = duck_columns
    return columns, written


def _rules(scheme: Any) -> list[tuple[str, str]]:
    """(reason code, DuckDB predicate true when the applicant fails), as the scheme says."""
    rules = [
        ("too_young", "age < min_age"),
        ("too_old", "max_age IS NOT NULL AND age > max_age"),
        ("not_verified", "identity_status IS DISTINCT FROM 'verified'"),
        ("not_citizen", "identity_status = 'verified' AND citizenship IS DISTINCT FROM 'WNI'"),
        ("test_not_passed", "NOT test_passed"),
        ("in_school", "in_school IS DISTINCT FROM 0"),
        ("on_exclusion_list_student", "list_contains(kinds, 'student')"),
        ("excluded_occupation_declared", "in_excluded_occupation IS DISTINCT FROM 0"),
    ]
    rules += [(f"on_exclusion_list_{kind}", f"list_contains(kinds, '{kind}')")
              for kind in OCCUPATION_KINDS]  # fmt: skip
    if scheme.excludes_social_assistance_recipients:
        rules.append(("social_assistance", "assisted"))
    if scheme.excludes_earlier_recipients:
        rules.append(
            ("earlier_recipient", "list_contains(kinds, 'earlier_recipient') OR earlier_selected")
        )
    rules += [
        ("already_selected", "already_selected"),
        ("kk_limit", "kk_recipients >= max_per_kk"),
        ("revoked_card", "revoked"),
    ]
    return rules


def _facts_sql(wave: Any, day: str) -> str:
    scheme = wave.scheme
    max_age = "NULL" if scheme.max_age is None else str(scheme.max_age)
    # Other social assistance counts on any day of the scheme's window, never after the
    # closing day; without a window, on the closing day alone.
    window_from = scheme.social_assistance_from or date.fromisoformat(day)
    window_to = min(scheme.social_assistance_to or date.fromisoformat(day), date.fromisoformat(day))
    valid = (f"(e.valid_from IS NULL OR e.valid_from <= DATE '{day}')"
             f" AND (e.valid_to IS NULL OR e.valid_to >= DATE '{day}')")  # fmt: skip
    return f"""
    CREATE TABLE facts AS
    WITH listed AS (
        SELECT e.nik_index, list(DISTINCT l.kind) AS kinds
        FROM entries e JOIN lists l ON l.id = e.list_id
        WHERE {valid}
        GROUP BY e.nik_index
    ),
    assisted AS (
        SELECT DISTINCT e.nik_index
        FROM entries e JOIN lists l ON l.id = e.list_id
        WHERE l.kind = 'social_assistance'
          AND (e.valid_from IS NULL OR e.valid_from <= DATE '{window_to}')
          AND (e.valid_to IS NULL OR e.valid_to >= DATE '{window_from}')
    ),
    recipients AS (
        SELECT DISTINCT o.user_id, w.code
        FROM outcomes o JOIN waves w ON w.id = o.wave_id
        WHERE o.selected = 1 AND o.status = 'published'
    ),
    family AS (
        SELECT p.kk_index, count(DISTINCT r.user_id) AS n
        FROM (SELECT DISTINCT user_id FROM recipients) r
        JOIN profiles p ON p.user_id = r.user_id
        GROUP BY p.kk_index
    ),
    me AS (
        SELECT user_id,
               bool_or(code < '{scheme.code}') AS earlier,
               bool_or(code = '{scheme.code}') AS same_year
        FROM recipients GROUP BY user_id
    )
    SELECT a.id, a.user_id, a.regency_id, g.province_id, p.nik_index, p.kk_index,
           v.district_id,
           year(DATE '{day}') - year(p.birth_date)
             - CASE WHEN month(DATE '{day}') * 100 + day(DATE '{day}')
                         < month(p.birth_date) * 100 + day(p.birth_date) THEN 1 ELSE 0 END
             AS age,
           {scheme.min_age} AS min_age, {max_age}::INTEGER AS max_age,
           c.status AS identity_status, c.citizenship,
           t.user_id IS NOT NULL AS test_passed,
           s.nik_index IS NOT NULL AS assisted,
           p.in_school, p.in_excluded_occupation,
           coalesce(ls.kinds, []::VARCHAR[]) AS kinds,
           coalesce(f.n, 0) - CASE WHEN me.user_id IS NOT NULL THEN 1 ELSE 0 END
             AS kk_recipients,
           {scheme.max_recipients_per_kk} AS max_per_kk,
           coalesce(me.earlier, false) AS earlier_selected,
           coalesce(me.same_year, false) AS already_selected,
           rv.user_id IS NOT NULL AS revoked
    FROM applications a
    JOIN regencies g ON g.code = a.regency_id
    LEFT JOIN profiles p ON p.user_id = a.user_id
    LEFT JOIN villages v ON v.code = p.domicile_village_id
    LEFT JOIN checks c ON c.profile_id = p.id
    LEFT JOIN (SELECT DISTINCT user_id FROM passed) t ON t.user_id = a.user_id
    LEFT JOIN listed ls ON ls.nik_index = p.nik_index
    LEFT JOIN assisted s ON s.nik_index = p.nik_index
    LEFT JOIN family f ON f.kk_index = p.kk_index
    LEFT JOIN me ON me.user_id = a.user_id
    LEFT JOIN (SELECT DISTINCT user_id FROM revoked) rv ON rv.user_id = a.user_id
    """


def _selection_sql(wave: Any, day: str, rules: list[tuple[str, str]]) -> str:
    failing = " OR ".join(f"coalesce({predicate}, false)" for _, predicate in rules)
    valid = (f"(e.valid_from IS NULL OR e.valid_from <= DATE '{day}')"
             f" AND (e.valid_to IS NULL OR e.valid_to >= DATE '{day}')")  # fmt: skip
    return f"""
    CREATE TABLE ranked AS
    WITH laid_off AS (
        SELECT e.nik_index, min(t.rank) AS rank FROM tiers t
        JOIN entries e ON e.list_id = t.list_id
        WHERE t.kind = 'reported_laid_off' AND {valid}
        GROUP BY e.nik_index
    ),
    named AS (
        SELECT district, min(rank) AS rank FROM (
            SELECT t.rank, unnest(CAST(json(t.district_codes) AS VARCHAR[])) AS district
            FROM tiers t WHERE t.kind = 'named_districts'
        ) GROUP BY district
    ),
    eligible AS (SELECT * FROM facts WHERE NOT ({failing})),
    tiered AS (
        SELECT e.*, list_min([
            l.rank,
            -- no other social assistance in the scheme's window (as the rule reads it)
            CASE WHEN NOT e.assisted THEN (
                SELECT min(rank) FROM tiers WHERE kind = 'no_other_social_assistance') END,
            n.rank]) AS tier
        FROM eligible e
        LEFT JOIN laid_off l ON l.nik_index = e.nik_index
        LEFT JOIN named n ON n.district = e.district_id
    ),
    ranked AS (
        SELECT id, regency_id, province_id,
               coalesce(left(sha256(kk_index || ':' || '{wave.pk}'), 16), 'a' || id::VARCHAR)
                   AS household,
               max_per_kk - kk_recipients AS household_places,
               row_number() OVER (ORDER BY coalesce(tier, {NO_TIER}),
                   sha256(seed_bytes() || encode(id::VARCHAR)), id::VARCHAR) AS lottery_rank
        FROM tiered
    )
    SELECT * FROM ranked ORDER BY lottery_rank
    """


def _walk(db: Any, wave: Any) -> set[tuple[int, int]]:
    """Down the lottery order, one at a time: selected if the family has a place left and
    the regency, the province and the nation have room (docs/selection.md, "The draw,
    exactly"); only the selected use a place. Written here again, not imported."""
    quotas = db.execute("SELECT province_id, regency_id, quota FROM quotas").fetchall()
    province_room = {p: int(q) for p, r, q in quotas if p is not None}
    regency_room = {r: int(q) for p, r, q in quotas if r is not None}
    family: dict[str, int] = {}
    selected: set[tuple[int, int]] = set()
    room = int(wave.national_quota)
    cursor = db.execute(
        "SELECT id, lottery_rank, household, household_places, regency_id, province_id"
        " FROM ranked ORDER BY lottery_rank"
    )
    while room > 0 and (batch := cursor.fetchmany(100_000)):
        for app_id, rank, household, places, regency, province in batch:
            if family.get(household, 0) >= places:
                continue
            if regency_room.get(regency, 1) <= 0 or province_room.get(province, 1) <= 0:
                continue
            family[household] = family.get(household, 0) + 1
            if regency in regency_room:
                regency_room[regency] -= 1
            if province in province_room:
                province_room[province] -= 1
            selected.add((int(app_id), int(rank)))
            room -= 1
            if room == 0:
                break
    return selected


def compute(*, wave: Any, seed_hex: str, day: str, memory_limit: str = "8GB") -> Reference:
    """Export, load and select; every phase timed."""
    import duckdb

    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bekal-bench-duckdb-") as tmp:
        directory = Path(tmp)
        start = time.perf_counter()
        columns, written = export(wave.pk, directory)
        seconds["export (PostgreSQL COPY to CSV)"] = time.perf_counter() - start

        db = duckdb.connect()
        db.execute(f"SET memory_limit = '{memory_limit}'")
        db.execute(f"SET temp_directory = '{directory / 'spill'}'")
        start = time.perf_counter()
        for name, cols in columns.items():
            if (directory / f"{name}.csv").stat().st_size == 0:  # DuckDB cannot sniff nothing
                db.execute(f"CREATE TABLE {name} ({cols})")
                continue
            spec = ", ".join(f"'{c.split()[0]}': '{c.split(maxsplit=1)[1]}'"
                             for c in cols.split(", "))  # fmt: skip
            db.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv('{directory / name}.csv',"
                f" header = false, columns = {{{spec}}})"
            )
        seconds["load (DuckDB reads the CSV)"] = time.perf_counter() - start

        start = time.perf_counter()
        db.execute(f"CREATE MACRO seed_bytes() AS unhex('{seed_hex}')")
        rules = _rules(wave.scheme)
        db.execute(_facts_sql(wave, day))
        failing = ", ".join(f"count(*) FILTER (WHERE coalesce({predicate}, false))"
                            for _, predicate in rules)  # fmt: skip
        any_failing = " OR ".join(f"coalesce({predicate}, false)" for _, predicate in rules)
        row = db.execute(
            f"SELECT count(*) FILTER (WHERE NOT ({any_failing})), {failing} FROM facts"
        ).fetchone()
        assert row is not None
        db.execute(_selection_sql(wave, day, rules))
        selected = _walk(db, wave)
        seconds["compute (facts, rules, tiers, order, quotas)"] = time.perf_counter() - start
        db.close()
    reasons = {code: int(n) for (code, _), n in zip(rules, row[1:], strict=True) if n}
    return Reference(
        eligible=int(row[0]),
        reasons=reasons,
        selected=selected,
        seconds=seconds,
        export_bytes=written,
    )
