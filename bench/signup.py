"""Sign-up throughput, served the way production serves Bekal.

Starts gunicorn (several sync workers, DEBUG off, production settings) on loopback against
a database of its own (created on the embedded PostgreSQL, or on the server in
DATABASE_URL, and dropped afterwards), drives it with Debian's wrk (a C load generator,
script bench/signup.lua) for DURATION seconds at saturation, then at 80% of the rate
found, and prints: sign-ups per second, this machine's Argon2id hashes per second per
core measured in the same run and the ratio to that hash-bound ceiling, latency
percentiles, and the cores the 1,333 sign-ups/s surge needs at this rate.

With OVERLOAD=1 it then sends ten times the saturating connections, each a person going
through the waiting room as a browser does, and prints those admitted, the waiting pages
served, the posts refused with Retry-After, 5xx (must be 0), whether people were let in
in arrival order (within a second), and lost sign-ups: every address answered with the
check-your-email redirect must have its user row and its queued email, checked in the
database afterwards.

    make bench-signup DURATION=10            # 4 workers
    make bench-signup DURATION=60 OVERLOAD=1
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.database import bench_database  # noqa: E402

LUA = ROOT / "bench" / "signup.lua"
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def argon2_hashes_per_second(seconds: float = 3.0) -> float:
    """Hashes per second on one core with Bekal's own hasher and parameters."""
    from argon2 import PasswordHasher, Type

    from bekal.accounts.hashers import Argon2idHasher

    hasher = PasswordHasher(
        time_cost=Argon2idHasher.time_cost,
        memory_cost=Argon2idHasher.memory_cost,
        parallelism=Argon2idHasher.parallelism,
        type=Type.ID,
    )
    hasher.hash("warm-up-password")
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        hasher.hash(f"bench-password-{count}")
        count += 1
    return count / (time.perf_counter() - start)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Run:
    """What one wrk run saw: its own latency figures and the log of every connection."""

    seconds: float
    latency_ms: tuple[float, float, float, float]  # p50, p95, p99, mean
    waiting_pages: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    # (address, arrived ms, admitted ms) of every sign-up answered with its 302
    signed_up: list[tuple[str, float, float]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.signed_up) / self.seconds


def start_wrk(
    base: str, *, mode: str, connections: int, seconds: float, pace_ms: int = 0
) -> tuple[subprocess.Popen, Path]:
    """Debian's wrk, one connection per thread (each connection is one person at a time)."""
    with tempfile.NamedTemporaryFile(suffix=".log", delete=False) as out:
        out_path = Path(out.name)
    env = {
        **os.environ,
        "BENCH_MODE": mode,
        "BENCH_PACE_MS": str(pace_ms),
        "BENCH_OUT": str(out_path),
        "BENCH_RUN": uuid.uuid4().hex[:8],  # addresses of their own in every run
    }
    process = subprocess.Popen(
        [
            WRK, "-t", str(connections), "-c", str(connections), "-d", f"{seconds:.0f}s",
            "--timeout", "30s", "-s", str(LUA), base,
        ],
        env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return process, out_path


def read_wrk(out_path: Path, seconds: float) -> Run:
    run = Run(seconds=seconds, latency_ms=(0, 0, 0, 0))
    for line in out_path.read_text().splitlines():
        kind, *fields = line.split()
        if kind == "latency":
            run.latency_ms = tuple(float(f) / 1000 for f in fields)  # type: ignore[assignment]
        elif kind == "waits":
            run.waiting_pages += int(fields[0])
        elif kind == "status":
            run.statuses[int(fields[0])] = run.statuses.get(int(fields[0]), 0) + int(fields[1])
        elif kind == "signup":
            run.signed_up.append((fields[0], float(fields[1]), float(fields[2])))
    out_path.unlink()
    return run


def run_wrk(base: str, *, mode: str, connections: int, seconds: float, pace_ms: int = 0) -> Run:
    process, out_path = start_wrk(
        base, mode=mode, connections=connections, seconds=seconds, pace_ms=pace_ms
    )
    if process.wait() != 0:
        raise SystemExit("wrk failed")
    return read_wrk(out_path, seconds)


def out_of_order(signed_up: list[tuple[str, float, float]], tolerance_ms: float) -> int:
    """People let in more than `tolerance_ms` before someone who arrived before them."""
    latest_admission = float("-inf")
    late = 0
    for _, _, admitted in sorted(signed_up, key=lambda row: row[1]):
        if admitted < latest_admission - tolerance_ms:
            late += 1
        latest_admission = max(latest_admission, admitted)
    return late


def lost(bench_url: str, emails: list[str]) -> tuple[int, int]:
    """Answered sign-ups without their user row, and without their queued email."""
    import psycopg

    with psycopg.connect(bench_url) as conn:
        conn.execute("CREATE TEMP TABLE answered (email text PRIMARY KEY)")
        with conn.cursor().copy("COPY answered (email) FROM STDIN") as copy:
            for email in emails:
                copy.write_row((email,))
        no_user = conn.execute(
            "SELECT count(*) FROM answered a"
            " WHERE NOT EXISTS (SELECT 1 FROM accounts_user u WHERE u.email = a.email)"
        ).fetchone()[0]
        no_email = conn.execute(
            "SELECT count(*) FROM answered a WHERE NOT EXISTS ("
            " SELECT 1 FROM notifications_outboxmessage m"
            " JOIN procrastinate_jobs j ON j.args->>'message_id' = m.id::text"
            " WHERE m.recipient = a.email AND m.kind = 'account_confirmation')"
        ).fetchone()[0]
    return no_user, no_email


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    import httpx

    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before serving; see its output above")
        try:
            if httpx.get(f"{base}/daftar/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--overload",
        action="store_true",
        default=os.environ.get("OVERLOAD", "") not in ("", "0"),
        help="also run 10x the measured load through the waiting room (OVERLOAD=1)",
    )
    args = parser.parse_args()

    base = f"http://127.0.0.1:{args.port}"
    # Saturation: a few more connections than workers keep every worker busy. The waiting
    # room's capacity is the production default: all other workers busy (config/env.py).
    connections = 2 * args.workers
    with bench_database("signup") as db:
        env = {
            **os.environ,
            **db.settings_env(
                SECURE_COOKIES="false",
                SSL_REDIRECT="false",  # plain HTTP on loopback; TLS ends at the load balancer
                SITE_URL=base,
                WAITING_ROOM_CAPACITY=str(max(1, args.workers - 1)),
            ),
        }
        gunicorn = None
        try:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True
            )
            # The sign-up page links its CSS by the cache-busted name collectstatic records.
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                env=env,
                cwd=ROOT,
                check=True,
            )
            print(f"Measuring Argon2id hashes per second on one core ({os.cpu_count()} cores)...")
            per_core = argon2_hashes_per_second()
            gunicorn = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "config.wsgi:application",
                    "--workers", str(args.workers), "--bind", f"127.0.0.1:{args.port}",
                    "--log-level", "warning", "--backlog", "2048",
                ],
                env=env,
                cwd=ROOT,
            )  # fmt: skip
            wait_until_up(base, gunicorn)
            load = os.getloadavg()[0]
            print(f"Saturating: wrk, {connections} connections, {args.duration:.0f} s...")
            run_wrk(base, mode="load", connections=connections, seconds=3)  # warm-up
            full = run_wrk(base, mode="load", connections=connections, seconds=args.duration)
            # 80% of that: each connection pauses so that together they offer 0.8 x the rate.
            pace = int(connections / (0.8 * max(full.rate, 0.1)) * 1000 - full.latency_ms[3])
            print(f"At 80% load: {connections} connections pausing {pace} ms between sign-ups...")
            eighty = run_wrk(
                base,
                mode="load",
                connections=connections,
                seconds=args.duration,
                pace_ms=max(pace, 0),
            )
            over = None
            if args.overload:
                print(f"Overload: {10 * connections} people at once through the waiting room...")
                over = run_wrk(
                    base, mode="queue", connections=10 * connections, seconds=args.duration
                )
            load_after = os.getloadavg()[0]
            everyone = [row[0] for run in (full, eighty, over) if run for row in run.signed_up]
            no_user, no_email = lost(db.url, everyone)
        finally:
            if gunicorn is not None:
                gunicorn.terminate()
                gunicorn.wait(timeout=30)

    cores = os.cpu_count() or 1
    ceiling = per_core * cores
    print()
    print("Sign-up benchmark (wrk, Lua: bench/signup.lua)")
    print(f"  machine                 {cores} cores, gunicorn {args.workers} workers, DEBUG off")
    print(f"  load average            {load:.1f} before, {load_after:.1f} after (1 min)")
    print(f"  saturated               {full.rate:.1f} sign-ups/s over {args.duration:.0f} s")
    print(f"  argon2id per core       {per_core:.1f} hashes/s (t=2, m=19 MiB, p=1)")
    print(f"  hash-bound ceiling      {ceiling:.1f} sign-ups/s ({cores} cores x {per_core:.1f})")
    print(f"  throughput / ceiling    {full.rate / ceiling:.2f}")
    p50, p95, p99, _ = full.latency_ms
    print(f"  latency saturated       p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    p50, p95, p99, _ = eighty.latency_ms
    print(
        f"  latency at 80% load     p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms "
        f"({eighty.rate:.1f} sign-ups/s)"
    )
    print(
        "  cores for 1,333/s       "
        f"{1333 / (full.rate / cores):.0f} at this rate, {1333 / per_core:.0f} if hash-bound"
    )
    if over is not None:
        fives = sum(n for code, n in over.statuses.items() if code >= 500)
        print(f"Overload: {10 * connections} connections (10x), {args.duration:.0f} s")
        print(f"  admitted and signed up  {len(over.signed_up)} ({over.rate:.1f}/s)")
        print(f"  waiting pages served    {over.waiting_pages} (places in line, with Retry-After)")
        print(f"  refused, Retry-After    {over.statuses.get(429, 0)}")
        print(f"  5xx                     {fives}")
        print(
            "  admitted out of order   "
            f"{out_of_order(over.signed_up, 1000)} (let in over 1 s before an earlier arrival)"
        )
        print(f"  statuses                {dict(sorted(over.statuses.items()))}")
    print(
        f"  lost                    {no_user} without a user row, {no_email} without a queued email"
    )


if __name__ == "__main__":
    main()
