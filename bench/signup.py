"""Sign-up throughput, served the way production serves Bekal.

Starts gunicorn (several sync workers, DEBUG off, production settings) on loopback against
a database of its own (created on the embedded PostgreSQL, or on the server in
DATABASE_URL, and dropped afterwards), drives it with a bounded asyncio load generator for
DURATION seconds (each virtual user opens the sign-up form and submits it), and prints:
sign-ups per second, latency percentiles, errors, and this machine's Argon2id hashes per
second per core measured in the same run, with the ratio of throughput to that
hash-bound ceiling.

    make bench-signup                  # 20 s, 4 workers, 32 virtual users
    .venv/bin/python -m bench.signup --duration 60 --workers 4 --users 64
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import bench_database  # noqa: E402


@dataclass
class Results:
    signups: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    post_latencies: list[float] = field(default_factory=list)
    get_latencies: list[float] = field(default_factory=list)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


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


async def virtual_user(base: str, deadline: float, results: Results, measuring: list[bool]) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=30.0) as client:
        while time.perf_counter() < deadline:
            email = f"bench-{uuid.uuid4().hex[:16]}@contoh.id"
            try:
                started = time.perf_counter()
                form = await client.get("/daftar/")
                got = time.perf_counter()
                token = client.cookies.get("csrftoken", "")
                response = await client.post(
                    "/daftar/",
                    data={
                        "full_name": "Peserta Uji Beban",
                        "email": email,
                        "password": "kopi-tubruk-2020",
                        "csrfmiddlewaretoken": token,
                    },
                    headers={"Referer": f"{base}/daftar/"},
                )
                done = time.perf_counter()
            except httpx.HTTPError as exc:
                if measuring[0]:
                    results.error(type(exc).__name__)
                continue
            if not measuring[0]:
                continue
            if form.status_code != 200:
                results.error(f"GET {form.status_code}")
            elif response.status_code == 302 and "/daftar/cek-email/" in response.headers.get(
                "location", ""
            ):
                results.signups += 1
                results.get_latencies.append(got - started)
                results.post_latencies.append(done - got)
            else:
                results.error(f"POST {response.status_code}")


async def drive(base: str, *, users: int, duration: float, warmup: float) -> tuple[Results, float]:
    results = Results()
    measuring = [False]
    start = time.perf_counter()
    deadline = start + warmup + duration
    tasks = [
        asyncio.create_task(virtual_user(base, deadline, results, measuring)) for _ in range(users)
    ]
    await asyncio.sleep(warmup)
    measuring[0] = True
    measured_from = time.perf_counter()
    await asyncio.gather(*tasks)
    return results, time.perf_counter() - measured_from


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
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--users", type=int, default=32, help="concurrent virtual users")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    import psycopg

    base = f"http://127.0.0.1:{args.port}"
    with bench_database("signup") as db:
        env = {**os.environ, **db.settings_env(SECURE_COOKIES="false", SITE_URL=base)}
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
            print(
                f"Driving {base} with {args.users} virtual users for {args.duration:.0f} s "
                f"(+{args.warmup:.0f} s warm-up), gunicorn with {args.workers} sync workers..."
            )
            results, elapsed = asyncio.run(
                drive(base, users=args.users, duration=args.duration, warmup=args.warmup)
            )
            with psycopg.connect(db.url) as conn:
                users = conn.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
                jobs = conn.execute("SELECT count(*) FROM procrastinate_jobs").fetchone()[0]
        finally:
            if gunicorn is not None:
                gunicorn.terminate()
                gunicorn.wait(timeout=30)

    cores = os.cpu_count() or 1
    rate = results.signups / elapsed
    ceiling = per_core * cores
    ms = 1000
    print()
    print("Sign-up benchmark")
    print(f"  machine                 {cores} cores, gunicorn {args.workers} workers, DEBUG off")
    print(f"  measured                {elapsed:.1f} s, {args.users} virtual users")
    print(f"  sign-ups                {results.signups} ({users} accounts in the database)")
    print(f"  sign-ups per second     {rate:.1f}")
    print(
        "  sign-up POST latency    "
        f"p50 {percentile(results.post_latencies, 50) * ms:.0f} ms, "
        f"p95 {percentile(results.post_latencies, 95) * ms:.0f} ms, "
        f"p99 {percentile(results.post_latencies, 99) * ms:.0f} ms"
    )
    if results.get_latencies:
        print(
            "  form GET latency        "
            f"p50 {percentile(results.get_latencies, 50) * ms:.0f} ms, "
            f"mean {statistics.fmean(results.get_latencies) * ms:.0f} ms"
        )
    total_errors = sum(results.errors.values())
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(results.errors.items()))
    print(f"  errors                  {total_errors}{f' ({detail})' if detail else ''}")
    print(f"  jobs queued             {jobs} (confirmation emails for the worker)")
    print(f"  argon2id per core       {per_core:.1f} hashes/s (t=2, m=19 MiB, p=1)")
    print(f"  hash-bound ceiling      {ceiling:.1f} sign-ups/s ({cores} cores x {per_core:.1f})")
    print(f"  throughput / ceiling    {rate / ceiling:.2f}")
    print(
        "  cores for 1,333/s       "
        f"{1333 / (rate / cores):.0f} at this rate, {1333 / per_core:.0f} if hash-bound"
    )


if __name__ == "__main__":
    main()
