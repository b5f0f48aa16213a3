"""Eligibility and selection of one wave at scale: Bekal against a DuckDB reference.

Creates a database of its own (on the server in DATABASE_URL, or on the embedded
PostgreSQL; dropped afterwards unless --keep), migrates it, loads the official regions,
generates SIZE synthetic registrants in a closed wave (bench.selection_data describes the
funnel, lists, quotas and tiers), then, in this process:

1. Bekal: the real services and selectors, timed one by one: preview_eligibility (a
   draft rule over every registrant's facts, by regency: timed on its own),
   evaluate_eligibility (the wave's decisions written), run_selection (reveals the seed,
   decides eligibility again and selects: the figure that counts), review_run,
   publish_run (the canonical inputs and their digest) and verify_published_run (what
   `manage.py verify_selection` does).
2. DuckDB: the same selection recomputed from the exported inputs
   (bench.selection_reference), timed as export, load and compute.
3. Both lists compared (application ids and lottery ranks of the selected), with the
   eligible counts and the applicants failing each rule, and the ratio of the times.

Figures are printed, not asserted (tests/bench/test_selection_bench.py checks agreement).

    make bench-selection SIZE=1000000
    .venv/bin/python -m bench.selection --size 100000 [--scheme 2023] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import bench_database  # noqa: E402


def peak_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class BekalRun:
    seconds: dict[str, float] = field(default_factory=dict)
    eligible: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    selected: set[tuple[int, int]] = field(default_factory=set)
    verified: bool | None = None
    #: (region code, quota, eligible applicants there, selected there) per regional quota.
    quotas: list[tuple[str, int, int, int]] = field(default_factory=list)
    #: Selected per tier rank (None: no tier).
    tiers: dict[int | None, int] = field(default_factory=dict)
    peak_mib: float = 0.0
    postgres: dict[str, Any] = field(default_factory=dict)
    #: selectors.check_applicant: milliseconds per check of a sample of applicants.
    check_ms: list[float] = field(default_factory=list)
    #: Rows one check read per table, of the table's rows (EXPLAIN ANALYZE).
    check_reads: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: preview_eligibility: registrants (facts rows) scanned and admitted, best of 3 runs.
    preview_registrants: int = 0
    preview_eligible: int = 0
    preview_seconds: list[float] = field(default_factory=list)


def _backend() -> tuple[int, int]:
    """The PostgreSQL backend serving this process, and its database's temp bytes so far."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT pg_backend_pid(), temp_bytes FROM pg_stat_database"
            " WHERE datname = current_database()"
        )
        pid, temp = cursor.fetchone()
    return pid, temp


def _backend_peak_mib(pid: int) -> float | None:
    """The backend's peak resident memory (VmHWM, includes the shared buffers it touched);
    None when the server is on another machine or its /proc is not readable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_bekal(generated: Any, *, preview: bool = True, publish: bool = True) -> BekalRun:
    """Bekal's own services on the generated wave, each timed."""
    from django.db import connection

    from bekal.selection import selectors
    from bekal.selection import services as selection

    result = BekalRun()
    wave, run, staff = generated.wave, generated.run, generated.staff
    pid, temp_before = _backend()

    if preview:
        # The preview of the wave's scheme over every registrant, three times (the first
        # reads the facts table from disk into the cache, as a first preview would).
        for _ in range(3):
            start = time.perf_counter()
            shown = selectors.preview_eligibility(
                scheme=wave.scheme, closing=generated.closing_date
            )
            result.preview_seconds.append(time.perf_counter() - start)
        result.preview_registrants, result.preview_eligible = shown.registrants, shown.eligible
        start = time.perf_counter()
        selection.evaluate_eligibility(wave=wave, actor=staff)
        result.seconds["evaluate_eligibility (the wave's decisions)"] = time.perf_counter() - start

    start = time.perf_counter()
    run = selection.run_selection(run=run, actor=staff)
    result.seconds["run_selection (eligibility + selection)"] = time.perf_counter() - start

    start = time.perf_counter()
    run = selection.review_run(run=run, actor=staff, note="bench")
    result.seconds["review_run"] = time.perf_counter() - start
    if publish:
        start = time.perf_counter()
        run = selection.publish_run(run=run, actor=staff)
        result.seconds["publish_run (canonical inputs, digest)"] = time.perf_counter() - start
        start = time.perf_counter()
        result.verified = selectors.verify_published_run(wave=wave).matches
        result.seconds["verify_published_run"] = time.perf_counter() - start
    result.check_ms, result.check_reads = check_applicants(wave)
    result.peak_mib = peak_mib()
    _, temp_after = _backend()
    result.postgres = {
        "peak_mib": _backend_peak_mib(pid),
        "temp_mib": (temp_after - temp_before) / 2**20,
    }

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE eligible) FROM selection_eligibilitydecision"
            " WHERE wave_id = %s",
            [wave.pk],
        )
        result.eligible = cursor.fetchone()[0]
        cursor.execute(
            "SELECT reason, count(*) FROM selection_eligibilitydecision, unnest(reasons) reason"
            " WHERE wave_id = %s GROUP BY reason",
            [wave.pk],
        )
        result.reasons = dict(cursor.fetchall())
        cursor.execute(
            "SELECT application_id, lottery_rank FROM selection_selectionoutcome"
            " WHERE run_id = %s AND selected",
            [run.pk],
        )
        result.selected = {(a, b) for a, b in cursor.fetchall()}
        cursor.execute(
            """
            SELECT coalesce(q.province_id, q.regency_id), q.quota,
                   count(o.id) FILTER (WHERE o.eligible), count(o.id) FILTER (WHERE o.selected)
            FROM programmes_wavequota q
            LEFT JOIN regions_regency r ON r.province_id = q.province_id
                OR r.code = q.regency_id
            LEFT JOIN selection_selectionoutcome o ON o.run_id = %s AND o.regency_id = r.code
            WHERE q.wave_id = %s
            GROUP BY 1, 2 ORDER BY 1
            """,
            [run.pk, wave.pk],
        )
        result.quotas = [tuple(row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT tier, count(*) FROM selection_selectionoutcome WHERE run_id = %s"
            " AND selected GROUP BY tier ORDER BY tier",
            [run.pk],
        )
        result.tiers = dict(cursor.fetchall())
    generated.run = run
    return result


#: The tables whose rows a check of one applicant should read only a few of.
WIDE_TABLES = (
    "programmes_exclusionentry",
    "selection_selectionoutcome",
    "registration_profile",
    "assessment_attempt",
)


def _rows_read(plan: dict[str, Any], reads: dict[str, int]) -> None:
    """Add up, per table, the rows each scan of `plan` read (returned or filtered out)."""
    table = plan.get("Relation Name")
    if table is not None:
        per_loop = plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)
        reads[table] = reads.get(table, 0) + per_loop * plan.get("Actual Loops", 1)
    for child in plan.get("Plans", []):
        _rows_read(child, reads)


def check_applicants(wave: Any, samples: int = 50) -> tuple[list[float], dict[str, Any]]:
    """selectors.check_applicant (the wave's statement narrowed to one applicant) for a
    sample of applicants, timed; and, for one applicant on an exclusion list, the rows its
    statement read from the wide tables (EXPLAIN ANALYZE), against each table's size."""
    from django.db import connection

    from bekal.accounts.models import User
    from bekal.selection import selectors
    from bekal.selection.eligibility import decisions_sql, rules_of

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id FROM programmes_waveapplication WHERE wave_id = %s"
            " ORDER BY md5(id::text) LIMIT %s",
            [wave.pk, samples],
        )
        users = User.objects.filter(pk__in=[row[0] for row in cursor.fetchall()])
    times = []
    for user in users:
        start = time.perf_counter()
        selectors.check_applicant(wave=wave, user=user)
        times.append((time.perf_counter() - start) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.user_id FROM programmes_waveapplication a"
            " JOIN registration_profile p ON p.user_id = a.user_id"
            " JOIN programmes_exclusionentry e ON e.nik_index = p.nik_index"
            " WHERE a.wave_id = %s ORDER BY a.id LIMIT 1",
            [wave.pk],
        )
        listed = cursor.fetchone()
        if listed is None:
            return times, {}
        sql, params = decisions_sql(wave, rules_of(wave), user_id=listed[0])
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        document = cursor.fetchone()[0]
        plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
        reads: dict[str, int] = {}
        _rows_read(plan, reads)
        sizes = {}
        for table in WIDE_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    return times, {table: (reads.get(table, 0), sizes[table]) for table in WIDE_TABLES}


def run_reference(generated: Any) -> Any:
    from bench.selection_reference import compute

    return compute(
        wave=generated.wave, seed_hex=generated.run.seed, day=generated.closing_date.isoformat()
    )


def agreement(bekal: BekalRun, reference: Any) -> list[str]:
    """What differs between the two (empty: they agree)."""
    problems = []
    if bekal.eligible != reference.eligible:
        problems.append(f"eligible: Bekal {bekal.eligible:,}, DuckDB {reference.eligible:,}")
    for code in sorted(set(bekal.reasons) | set(reference.reasons)):
        ours, theirs = bekal.reasons.get(code, 0), reference.reasons.get(code, 0)
        if ours != theirs:
            problems.append(f"rule {code}: Bekal {ours:,}, DuckDB {theirs:,}")
    if bekal.selected != reference.selected:
        only_bekal = len(bekal.selected - reference.selected)
        only_duckdb = len(reference.selected - bekal.selected)
        problems.append(
            f"selected: Bekal {len(bekal.selected):,}, DuckDB {len(reference.selected):,}"
            f" ({only_bekal:,} (id, rank) pairs only in Bekal, {only_duckdb:,} only in DuckDB)"
        )
    return problems


def report(generated: Any, bekal: BekalRun, reference: Any, setup: dict[str, float]) -> None:
    counts = generated.counts
    applicants = counts["applicants"]
    line = "-" * 72

    def row(label: str, value: str) -> None:
        print(f"  {label:<50}{value:>20}")

    print(line)
    print(f"Selection benchmark: {generated.size:,} registrants, scheme {generated.scheme_code},"
          f" wave {generated.wave.number}")  # fmt: skip
    print(line)
    for label in ("registrants", "profiles", "facts", "verified", "test_passed", "applicants",
                  "exclusion_entries", "earlier_recipients", "revoked",
                  "national_quota"):  # fmt: skip
        row(label.replace("_", " "), f"{counts.get(label, 0):,}")
    print("Setup and generation (not timed below)")
    for label, seconds in {**setup, **generated.seconds}.items():
        row(label, f"{seconds:,.1f} s")
    print("Bekal (PostgreSQL, this process)")
    for label, seconds in bekal.seconds.items():
        row(label, f"{seconds:,.2f} s")
    bekal_time = bekal.seconds["run_selection (eligibility + selection)"]
    row("applicants per second (run_selection)", f"{applicants / bekal_time:,.0f}")
    row("registrants per second (run_selection)", f"{generated.size / bekal_time:,.0f}")
    load = os.getloadavg()[0]
    row("load average (1 min) when reported", f"{load:,.1f} on {os.cpu_count()} cores")
    row("43.8 million registrants, run_selection (linear)",
        f"{bekal_time * 43_800_000 / generated.size / 60:,.1f} min")  # fmt: skip
    if bekal.preview_seconds:
        print("Preview (selectors.preview_eligibility: every registrant, by regency)")
        first, best = bekal.preview_seconds[0], min(bekal.preview_seconds)
        row("registrants with facts scanned / admitted",
            f"{bekal.preview_registrants:,} / {bekal.preview_eligible:,}")  # fmt: skip
        row("preview, first / best of 3", f"{first:,.2f} s / {best:,.2f} s")
        row("registrants (facts rows) per second, best", f"{bekal.preview_registrants / best:,.0f}")
        row("registrants (SIZE) per second, best", f"{generated.size / best:,.0f}")
    row("peak memory, this process", f"{bekal.peak_mib:,.0f} MiB")
    backend = bekal.postgres.get("peak_mib")
    row("peak memory, PostgreSQL backend (VmHWM)",
        "n/a" if backend is None else f"{backend:,.0f} MiB")  # fmt: skip
    row("PostgreSQL temporary files written", f"{bekal.postgres['temp_mib']:,.0f} MiB")
    if bekal.verified is not None:
        row("verify_published_run matches", str(bekal.verified))
    if bekal.check_ms:
        times = sorted(bekal.check_ms)
        print("One applicant (selectors.check_applicant, the statement narrowed)")
        row(f"one check, median of {len(times)}", f"{times[len(times) // 2]:,.1f} ms")
        row("one check, slowest", f"{times[-1]:,.1f} ms")
        for table, (read, size) in bekal.check_reads.items():
            row(f"rows read from {table}", f"{read:,} of {size:,}")
    print("DuckDB reference (same process)")
    for label, seconds in reference.seconds.items():
        row(label, f"{seconds:,.2f} s")
    row("CSV exported", f"{reference.export_bytes / 2**20:,.0f} MiB")
    duck_compute = reference.seconds["compute (facts, rules, tiers, order, quotas)"]
    duck_total = sum(reference.seconds.values())
    row("applicants per second (compute)", f"{applicants / duck_compute:,.0f}")
    row("peak memory, this process (after DuckDB)", f"{peak_mib():,.0f} MiB")
    print("Comparison")
    row("eligible (Bekal / DuckDB)", f"{bekal.eligible:,} / {reference.eligible:,}")
    row("selected (Bekal / DuckDB)", f"{len(bekal.selected):,} / {len(reference.selected):,}")
    problems = agreement(bekal, reference)
    row("selected set and lottery ranks", "MATCH" if not problems else "MISMATCH")
    for problem in problems:
        print(f"    {problem}")
    row("Bekal run_selection / DuckDB compute", f"{bekal_time / duck_compute:,.1f} x")
    row("Bekal run_selection / DuckDB export+load+compute", f"{bekal_time / duck_total:,.1f} x")
    print("Regional quotas (Bekal): quota / eligible there / selected")
    for code, quota, eligible, selected in bekal.quotas:
        row(code, f"{quota:,} / {eligible:,} / {selected:,}")
    respected = all(selected <= quota for _, quota, _, selected in bekal.quotas)
    respected = respected and len(bekal.selected) <= counts["national_quota"]
    row("every quota respected", "yes" if respected else "NO")
    print("Selected per priority tier (Bekal)")
    for tier, n in bekal.tiers.items():
        row("no tier" if tier is None else f"tier {tier}", f"{n:,}")
    print("Applicants failing each rule (Bekal)")
    for code, n in sorted(bekal.reasons.items(), key=lambda item: -item[1]):
        row(code, f"{n:,}")
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="registrants")
    parser.add_argument("--scheme", default="2020", choices=["2020", "2023"])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--no-preview",
        action="store_true",
        help="skip preview_eligibility and evaluate_eligibility before the run",
    )
    parser.add_argument(
        "--no-publish", action="store_true", help="skip publish_run and verify_published_run"
    )
    args = parser.parse_args()

    import psycopg

    with bench_database("selection", keep=args.keep) as db:
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            bulk = bool(superuser.fetchone()[0])
        os.environ.update(db.settings_env())
        bench_db = db.name
        setup: dict[str, float] = {}
        start = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
        import django

        django.setup()
        from bekal.regions.services import load_regions

        load_regions()
        setup["migrate, load regions"] = time.perf_counter() - start
        from bench.selection_data import generate

        print(f"Generating {args.size:,} registrants in {bench_db}...", flush=True)
        start = time.perf_counter()
        generated = generate(size=args.size, scheme_code=args.scheme, bulk=bulk)
        setup["generation, total"] = time.perf_counter() - start
        print("Running Bekal's selection...", flush=True)
        bekal = run_bekal(generated, preview=not args.no_preview, publish=not args.no_publish)
        print("Running the DuckDB reference...", flush=True)
        reference = run_reference(generated)
        report(generated, bekal, reference, setup)


if __name__ == "__main__":
    main()
