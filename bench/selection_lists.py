"""The selection benchmark's exclusion lists, and the helpers of a bulk load.

Split from bench.selection_people (which re-exports these names): the lists hit the
registrants of its temporary table `bench_registrant`; a bulk load drops the tables'
secondary indexes and unique constraints first and rebuilds them after.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from bench.selection_people import (
    LIST_MISSES,
    LIST_RATES,
    NIK_PURPOSE,
    blind_sql,
    execute,
    hmac_pads,
    scalar,
    u,
)


def load_exclusion_lists(*, staff: Any, now: dt.datetime, closing: dt.date) -> dict[str, Any]:
    """One imported list per kind: the registrants it hits and people who never
    registered. The hits of every kind are written by one INSERT (one scan of the
    registrants, each row joined to the kinds whose list holds it); the misses, which
    are generated, by one INSERT a kind."""
    from bekal.programmes.models import ExclusionList

    nik_in, nik_out = hmac_pads(NIK_PURPOSE)
    lists = {}
    for kind in LIST_RATES:
        lists[kind] = ExclusionList.objects.create(
            kind=kind,
            name=f"{ExclusionList.Kind(kind).label} (bench)",
            source="bench",
            uploaded_by=staff,
            uploaded_at=now,
            status=ExclusionList.Status.IMPORTED,
            import_runs=1,
            imported_at=now,
        )
    kinds = ", ".join(
        f"({listed.pk}, r.on_{kind}, {'true' if kind == 'social_assistance' else 'false'})"
        for kind, listed in lists.items()
    )
    # Social assistance is the dated list: 5% of its entries expired, 2% not yet valid.
    execute(
        f"""
        INSERT INTO programmes_exclusionentry (exclusion_list_id, nik_index, valid_from,
            valid_to)
        SELECT k.list_id, r.nik_index,
               CASE WHEN k.dated AND r.entry_roll >= 0.05 AND r.entry_roll < 0.07
                    THEN %(closing)s::date + 10 END,
               CASE WHEN k.dated AND r.entry_roll < 0.05 THEN %(closing)s::date - 30 END
        FROM bench_registrant r
        CROSS JOIN LATERAL (VALUES {kinds}) k(list_id, hit, dated)
        WHERE r.profile AND k.hit
        """,
        {"closing": closing},
    )
    hits = _hits_by_kind()
    for n, (kind, listed) in enumerate(lists.items()):
        misses = execute(
            f"""
            INSERT INTO programmes_exclusionentry (exclusion_list_id, nik_index)
            SELECT %(list)s, {blind_sql("nik", "nik")}
            FROM (
                SELECT replace(left(s.village, 8), '.', '')
                       || to_char(date '1960-01-01' + floor({u("k", 60 + n)} * 16000)::int,
                                  'DDMMYY')
                       || (5000 + mod(k, 5000))::text AS nik
                FROM generate_series(1::bigint, %(misses)s) k
                JOIN bench_slot s ON s.slot = floor({u("k", 80 + n)} * 1048576)::int
            ) m
            ON CONFLICT DO NOTHING
            """,
            {
                "list": listed.pk,
                "misses": round(hits[kind] * LIST_MISSES),
                "nik_in": nik_in,
                "nik_out": nik_out,
            },
        )
        listed.rows_total = listed.rows_accepted = hits[kind] + misses
        listed.rows_processed, listed.rows_refused = hits[kind] + misses, 0
        listed.save()
    return lists


def _hits_by_kind() -> dict[str, int]:
    """Registrants with a profile on each list, counted in one scan."""
    counts = ", ".join(f"count(*) FILTER (WHERE on_{kind})" for kind in LIST_RATES)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts} FROM bench_registrant WHERE profile")
        row = cursor.fetchone()
    return dict(zip(LIST_RATES, (int(n) for n in row), strict=True))


def hits_expected(kind: str) -> int:
    return int(scalar(f"SELECT count(*) FROM bench_registrant WHERE profile AND on_{kind}"))


#: The tables that receive a row per registrant (or per list entry).
BULK_TABLES = (
    "accounts_user",
    "registration_profile",
    "registration_identitycheck",
    "assessment_attempt",
    "programmes_waveapplication",
    "programmes_exclusionentry",
)


def drop_secondary_indexes(tables: tuple[str, ...] = BULK_TABLES) -> list[str]:
    """Drop the tables' unique constraints and indexes (not the primary keys), as a bulk
    load does, and return the statements that rebuild them exactly."""
    rebuild, drop = [], []
    with connection.cursor() as cursor:
        # Pending foreign-key checks (rows written earlier in this transaction) first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype = 'u'
            """,
            [list(tables)],
        )
        for table, name, definition in cursor.fetchall():
            drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [list(tables)],
        )
        for name, definition in cursor.fetchall():
            drop.append(f"DROP INDEX {name}")
            rebuild.append(definition)
        for statement in drop:
            cursor.execute(statement)
    return rebuild


def rebuild_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("RESET maintenance_work_mem")
