"""The dashboards at scale: pages over HTTP, exports, and the rollups' cost on sign-ups.

Generates SIZE synthetic registrants at every funnel stage over the real regions with the
selection benchmark's generator (bench.selection_data, a bulk load with triggers off, as a
migration from another system would be), counts the rollups from scratch, publishes a
selection of the wave with one set-based UPDATE (the triggers recount every applicant in
that statement), checks that the recount finds no drift, then serves Bekal with gunicorn
(production settings, DEBUG off) and times the national, a province and a regency page, a
wave page and an accepted list with Debian's wrk (p50/p95/p99), the exports (rows per
second, the worker's peak memory), and sign-up inserts per second with the rollup
triggers off, on with one counter row per cell, and on with the sign-up cell sharded.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.database import bench_database

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = Path(__file__).with_suffix(".lua")
RESULT = re.compile(
    r"RESULT p50=(\d+) p95=(\d+) p99=(\d+) requests=(\d+) non2xx=(\d+) seconds=([\d.]+)"
)


def timed(label: str, seconds: dict[str, float]) -> Any:
    class _Timer:
        def __enter__(self) -> None:
            self.start = time.perf_counter()
            print(f"  {label}...", flush=True)

        def __exit__(self, *exc: Any) -> None:
            seconds[label] = time.perf_counter() - self.start

    return _Timer()


def staff_session(user: Any) -> str:
    """A signed-in session of `user` (as after the login form and the second factor)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bekal.web import staff_sessions

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[staff_sessions.VERIFIED] = True
    store[staff_sessions.SINCE] = store[staff_sessions.SEEN] = time.time()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def run_wrk(url: str, cookie: str, seconds: float, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [WRK, "-t", "1", "-c", str(connections), "-d", f"{seconds:.0f}s", "-s", str(LUA), url],
        env={**os.environ, "COOKIE": cookie},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = RESULT.search(out)
    if found is None:
        raise SystemExit(f"wrk said:\n{out}")
    p50, p95, p99, requests, non2xx, duration = found.groups()
    return {
        "p50": int(p50) / 1000,
        "p95": int(p95) / 1000,
        "p99": int(p99) / 1000,
        "rps": int(requests) / float(duration),
        "non2xx": int(non2xx),
    }


def worker_peaks(master: int) -> dict[int, float]:
    """Peak resident memory (VmHWM, MiB) of each gunicorn worker."""
    peaks = {}
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        if found:
            peaks[int(pid)] = int(found.group(1)) / 1024
    return peaks


def download(url: str, cookie: str) -> tuple[int, float]:
    import httpx

    start = time.perf_counter()
    size = 0
    name, value = cookie.split("=", 1)
    with httpx.stream("GET", url, cookies={name: value}, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
    return size, time.perf_counter() - start


def signups(db_url: str, *, seconds: float, threads: int, tag: str) -> float:
    """Sign-up inserts (the account row, in its own transaction) per second."""
    import psycopg

    done = [0] * threads
    stop = time.perf_counter() + seconds

    def insert(n: int) -> None:
        with psycopg.connect(db_url, autocommit=True) as conn:
            i = 0
            while time.perf_counter() < stop:
                conn.execute(
                    "INSERT INTO accounts_user (password, is_superuser, email, full_name, role,"
                    " is_active, is_staff, date_joined, language) VALUES"
                    " ('!', false, %s, 'Peserta Uji', 'participant', true, false, now(), 'id')",
                    [f"{tag}-{n}-{i}@bench.bekal.id"],
                )
                i += 1
            done[n] = i

    workers = [threading.Thread(target=insert, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="registrants")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--signup-threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    import psycopg

    base = f"http://127.0.0.1:{args.port}"
    seconds: dict[str, float] = {}
    with bench_database("dashboards", keep=args.keep) as db:
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            bulk = bool(row.fetchone()[0])
        env = db.settings_env(
            SECURE_COOKIES="false", SSL_REDIRECT="false", SITE_URL=base,
            STAFF_SECOND_FACTOR_REQUIRED="false",
        )  # fmt: skip
        os.environ.update(env)
        print(f"Dashboards benchmark, {args.size:,} registrants, database {db.name}")
        with timed("migrate, collectstatic, regions", seconds):
            for command in (["migrate", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
                subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, check=True)
            import django

            django.setup()
            from bekal.regions.services import load_regions

            load_regions()
        from django.db import connection

        from bekal.reporting.services import find_drift
        from bench.selection_data import generate

        with timed("generation (bench.selection_data, bulk)", seconds):
            generated = generate(size=args.size, scheme_code="2020", bulk=bulk)
        with connection.cursor() as cursor:
            # The generator's accounts all joined at one moment: spread them over the last
            # 60 days, as a bulk load (triggers off where allowed; counted just below).
            if bulk:
                cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "UPDATE accounts_user SET date_joined = now()"
                " - (abs(hashint8extended(id, 3)) % (60 * 24 * 3600)) * interval '1 second'"
                " WHERE role = 'participant'"
            )
            if bulk:
                cursor.execute("SET session_replication_role = DEFAULT")
        with (
            timed("rollups counted from scratch (reporting_rebuild)", seconds),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT reporting_rebuild()")
            for table in ("stagecount", "signuphour", "signupday", "personfigures"):
                cursor.execute(f"ANALYZE reporting_{table}")
        wave = generated.wave
        quota = generated.counts.get("national_quota", 1000)
        publication = "publication: one UPDATE of the wave's applications, triggers on"
        with timed(publication, seconds), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE programmes_waveapplication SET selected ="
                " (hashint8extended(id, 7) %% 1000 < %s) WHERE wave_id = %s",
                [max(1, 1000 * quota // max(generated.counts["applicants"], 1)), wave.pk],
            )
            published = cursor.rowcount
        with timed("drift check (recount of every registrant)", seconds):
            drift = find_drift()
        from bekal.accounts.models import User
        from bekal.regions.models import Province, Regency

        admin = User.objects.create_user(
            email="pmo@bench.bekal.id", password=None, full_name="PMO",
            role=User.Role.PROGRAMME_ADMIN,
        )  # fmt: skip
        province = User.objects.create_user(
            email="prov32@bench.bekal.id", password=None, full_name="Disnaker Jawa Barat",
            role=User.Role.PROVINCE_OFFICER, province=Province.objects.get(code="32"),
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT regency_id FROM programmes_waveapplication WHERE wave_id = %s"
                " AND selected GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
                [wave.pk],
            )
            busiest = cursor.fetchone()[0]
        regency = User.objects.create_user(
            email="kab@bench.bekal.id", password=None, full_name="Disnaker",
            role=User.Role.REGIONAL_OFFICER, region=Regency.objects.get(code=busiest),
        )  # fmt: skip
        cookies = {who: staff_session(who) for who in (admin, province, regency)}
        pages = [
            ("national", f"{base}/kantor/dasbor/", admin),
            ("province (Jawa Barat)", f"{base}/kantor/dasbor/", province),
            (f"regency ({busiest})", f"{base}/kantor/dasbor/", regency),
            ("wave, national", f"{base}/kantor/dasbor/gelombang/{wave.number}/", admin),
            (
                "accepted list, page 1",
                f"{base}/kantor/dasbor/gelombang/{wave.number}/diterima/{busiest}/",
                regency,
            ),
        ]
        from django.db import connections

        connections.close_all()
        gunicorn = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--workers", str(args.workers), "--bind", f"127.0.0.1:{args.port}",
                "--log-level", "warning",
            ],
            cwd=ROOT,
        )  # fmt: skip
        results: dict[str, dict[str, float]] = {}
        exports: dict[str, tuple[int, int, float]] = {}
        try:
            import httpx

            for _ in range(100):
                try:
                    httpx.get(f"{base}/masuk/", timeout=2)
                    break
                except httpx.HTTPError:
                    time.sleep(0.3)
            for label, url, who in pages:
                run_wrk(url, cookies[who], 2, 1)  # warm-up
                results[label] = run_wrk(url, cookies[who], args.duration, args.connections)
                print(f"  {label}: {results[label]}", flush=True)
            before = max(worker_peaks(gunicorn.pid).values())
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM programmes_waveapplication WHERE wave_id = %s"
                    " AND regency_id = %s AND selected",
                    [wave.pk, busiest],
                )
                rows = cursor.fetchone()[0]
            for fmt in ("csv", "xlsx"):
                url = (
                    f"{base}/kantor/dasbor/gelombang/{wave.number}/diterima/{busiest}/ekspor.{fmt}"
                )
                size, took = download(url, cookies[regency])
                exports[f"accepted list {fmt}"] = (rows, size, took)
            size, took = download(f"{base}/kantor/dasbor/ekspor/angka.xlsx", cookies[admin])
            exports["national figures xlsx"] = (39, size, took)
            after = max(worker_peaks(gunicorn.pid).values())
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)

        print("  sign-up inserts...", flush=True)
        rates: dict[str, float] = {}
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE accounts_user DISABLE TRIGGER reporting_accounts_user_ins")
        rates["rollup triggers off"] = signups(
            db.url, seconds=args.duration, threads=args.signup_threads, tag="off"
        )
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE accounts_user ENABLE TRIGGER reporting_accounts_user_ins")
            cursor.execute("SELECT reporting_rebuild()")  # count the rows added meanwhile
            cursor.execute(
                "CREATE OR REPLACE FUNCTION reporting_shard(regency varchar, uid bigint)"
                " RETURNS smallint LANGUAGE sql IMMUTABLE AS $$ SELECT 0::smallint $$"
            )
            cursor.execute("SELECT reporting_rebuild()")
        rates["triggers on, one row per cell"] = signups(
            db.url, seconds=args.duration, threads=args.signup_threads, tag="one"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION reporting_shard(regency varchar, uid bigint)"
                " RETURNS smallint LANGUAGE sql IMMUTABLE AS $$"
                " SELECT CASE WHEN regency = '' THEN (uid % 16)::smallint"
                " ELSE 0::smallint END $$"
            )
            cursor.execute("SELECT reporting_rebuild()")
        rates["triggers on, sign-up cell over 16 shards"] = signups(
            db.url, seconds=args.duration, threads=args.signup_threads, tag="sharded"
        )
        final_drift = find_drift()
        users = User.objects.count()

    load = os.getloadavg()
    print()
    print("Dashboards benchmark (bench/dashboards.py)")
    print(f"  machine          {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f}"
          f" {load[2]:.1f} at the end (shared)")  # fmt: skip
    print(f"  registrants      {args.size:,} generated, {users:,} accounts at the end")
    for label, took in seconds.items():
        print(f"  {label:<62} {took:8.1f} s")
    print(f"  published applications recounted by the triggers: {published:,}")
    print(f"  drift after the publication: {len(drift)} cells; after the sign-ups:"
          f" {len(final_drift)} cells")  # fmt: skip
    print(f"  pages over HTTP (gunicorn {args.workers} workers, wrk {args.connections}"
          f" connections, {args.duration:.0f} s each), ms:")  # fmt: skip
    for label, r in results.items():
        print(f"    {label:<28} p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  p99 {r['p99']:7.1f}"
              f"  {r['rps']:6.1f} req/s  non-2xx {int(r['non2xx'])}")  # fmt: skip
    print("  exports:")
    for label, (rows, size, took) in exports.items():
        print(f"    {label:<28} {rows:>9,} rows  {size / 1024:9.1f} KiB  {took:6.2f} s"
              f"  {rows / took:9.0f} rows/s")  # fmt: skip
    print(f"  gunicorn worker peak memory: {before:.0f} MiB before the exports,"
          f" {after:.0f} MiB after")  # fmt: skip
    print(f"  sign-up inserts per second ({args.signup_threads} connections,"
          f" {args.duration:.0f} s each):")  # fmt: skip
    for label, rate in rates.items():
        print(f"    {label:<44} {rate:8.0f}/s")


if __name__ == "__main__":
    main()
