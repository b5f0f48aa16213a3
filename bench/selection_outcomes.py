"""What the foreign-key checks of the selection's outcome rows cost, three ways.

`run_selection` writes one SelectionOutcome per applicant in one INSERT; the table has
three foreign keys (run, application, regency/city), which Django declares DEFERRABLE
INITIALLY DEFERRED: PostgreSQL queues three checks per row and runs them, one index
lookup each, at COMMIT. On a generated wave (bench.selection_data) this runs the very
`run_selection` three times, each in a transaction rolled back afterwards:

  deferred   as today; the queued checks are then forced (SET CONSTRAINTS ALL
             IMMEDIATE) and timed on their own: what COMMIT would spend on them
  immediate  SET CONSTRAINTS ALL IMMEDIATE first: every check runs at the end of the
             statement that queued it (the queue is emptied statement by statement)
  no checks  the outcome table's three foreign keys dropped inside the transaction
             (restored by the rollback): the INSERT alone, what dropping them would save

    .venv/bin/python -m bench.selection_outcomes --size 1000000

Figures are printed, not asserted; the machine is shared, so compare within one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import bench_database  # noqa: E402

OUTCOME_TABLE = "selection_selectionoutcome"


def _outcome_foreign_keys() -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [OUTCOME_TABLE],
        )
        return list(cursor.fetchall())


class _Rollback(Exception):
    pass


def time_variant(generated: Any, variant: str) -> dict[str, float]:
    """run_selection once, `variant` as above, rolled back; the seconds of each part."""
    from django.db import connection, transaction

    from bekal.selection import services

    seconds: dict[str, float] = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if variant == "immediate":
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                if variant == "no checks":
                    for name, _definition in _outcome_foreign_keys():
                        cursor.execute(f'ALTER TABLE {OUTCOME_TABLE} DROP CONSTRAINT "{name}"')
            start = time.perf_counter()
            services.run_selection(run=generated.run, actor=generated.staff)
            seconds["run_selection"] = time.perf_counter() - start
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check
            seconds["checks left for COMMIT"] = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    seconds["total"] = sum(seconds.values())
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="registrants")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each variant")
    args = parser.parse_args()
    import psycopg

    with bench_database("outcomes") as db:
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            bulk = bool(superuser.fetchone()[0])
        os.environ.update(db.settings_env())
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
        import django

        django.setup()
        from bekal.regions.services import load_regions
        from bekal.selection import services
        from bench.selection_data import generate

        load_regions()
        print(f"Generating {args.size:,} registrants...", flush=True)
        generated = generate(size=args.size, bulk=bulk)
        services.evaluate_eligibility(wave=generated.wave)  # decisions fresh, as the office does
        applicants = generated.counts["applicants"]
        print(f"Outcome rows per run: {applicants:,} ({3 * applicants:,} foreign-key checks)")
        print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores, shared)")
        results: dict[str, list[dict[str, float]]] = {}
        for _ in range(args.rounds):  # interleaved, so the machine's load hits all alike
            for variant in ("deferred", "immediate", "no checks"):
                results.setdefault(variant, []).append(time_variant(generated, variant))
        for variant, runs in results.items():
            best = min(runs, key=lambda r: r["total"])
            parts = ", ".join(f"{k} {v:.2f} s" for k, v in best.items())
            print(f"  {variant:10s} best of {len(runs)}: {parts}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
