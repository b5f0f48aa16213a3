"""The training marketplace under load: purchases with the card's balance, and the partner
API that redeems the vouchers.

Creates a database of its own (on the server in DATABASE_URL, or on the embedded
PostgreSQL; dropped afterwards unless --keep), migrates it, and builds, not timed
(bench.marketplace_data): HOLDERS people with an active 2023 card (Rp 3.500.000 each, in
the ledger), one platform with a partner API credential, 50 approved self-paced courses
and 20 webinars with sessions. Then it measures (bench.marketplace_load):

1. purchase_course, the service itself, on THREADS threads of this process, each with its
   own database connection: (a) every card holder buys one course; (b) THREADS threads
   try to buy every course with one card at once (the card's row lock serialises them
   and the ledger refuses what the balance cannot pay), card after card. Then the
   ledger: verify_balances, every card's balance against the prices it paid, and the
   lowest balance any raced card ever had.
2. The partner API over real HTTP: gunicorn (WORKERS sync workers, production settings,
   DEBUG off) on loopback, CLIENTS threads with an httpx client each sending signed
   GET /vouchers/{code}, then POST /vouchers/{code}/redeem for as many different
   self-paced vouchers, each with its Idempotency-Key. The per-client request limit is
   raised for the run (PARTNER_API_REQUESTS_PER_MINUTE).

Figures are printed, not asserted (tests/bench/test_marketplace_bench.py checks that the
same code still buys, refuses, redeems and keeps the ledger whole). The purchases share
this one Python process (its GIL) and the machine's cores with PostgreSQL.

    make bench-marketplace
    .venv/bin/python -m bench.marketplace --holders 20000 --threads 8 --clients 16 [--keep]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import bench_database  # noqa: E402
from bench.selection import peak_mib  # noqa: E402
from bench.signup import wait_until_up  # noqa: E402

LINE = "-" * 84


@dataclass
class Results:
    holders: Any
    catalogue: Any
    threads: int
    spread: Any
    raced: Any
    raced_cards: int
    ledger: Any
    clients: int = 0
    workers: int = 0
    reads: Any = None
    redeems: Any = None
    redeemed_in_database: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    peak_mib: float = 0.0


def measure_purchases(
    *, holders: int, threads: int, raced_cards: int, token: str, seconds: dict[str, float]
) -> Results:
    """Build the card holders and the catalogue, then buy (the core of the benchmark)."""
    from bench.marketplace_data import build_catalogue, build_holders, programme_admin
    from bench.marketplace_load import check_ledger, contention_purchases, spread_purchases

    admin = programme_admin(token)
    print(f"Building {holders:,} card holders...", flush=True)
    start = time.perf_counter()
    built = build_holders(size=holders, token=token, admin=admin)
    seconds["card holders: users, wave, cards, ledger (set-based)"] = time.perf_counter() - start
    start = time.perf_counter()
    catalogue = build_catalogue(token=token, admin=admin)
    seconds["catalogue: platform, credential, courses (services)"] = time.perf_counter() - start
    raced_users, spread_users = built.users[:raced_cards], built.users[raced_cards:]
    print(f"Buying: {len(spread_users):,} purchases on {threads} threads...", flush=True)
    spread = spread_purchases(spread_users, catalogue, threads=threads, token=token)
    print(f"Racing {threads} threads on each of {len(raced_users)} cards...", flush=True)
    raced = contention_purchases(raced_users, catalogue, threads=threads, token=token)
    ledger = check_ledger(holders=built, raced=raced_users)
    return Results(
        holders=built,
        catalogue=catalogue,
        threads=threads,
        spread=spread,
        raced=raced,
        raced_cards=len(raced_users),
        ledger=ledger,
        seconds=seconds,
    )


def measure_partner_api(
    results: Results, *, env: dict[str, str], workers: int, clients: int, requests: int, port: int
) -> None:
    from django.db import connections

    from bekal.marketplace.models import Purchase
    from bench.marketplace_load import partner_calls, self_paced_vouchers

    codes = self_paced_vouchers(results.catalogue, limit=requests)
    connections.close_all()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", "--backlog", "2048",
        ],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    try:
        wait_until_up(base, gunicorn)
        print(
            f"Calling the partner API at {base}: {len(codes):,} GETs, then {len(codes):,}"
            f" redeems, {clients} clients, gunicorn with {workers} sync workers...",
            flush=True,
        )
        results.reads, results.redeems = partner_calls(
            base, results.catalogue, codes, clients=clients, warmup=2 * clients
        )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    results.clients, results.workers = clients, workers
    results.redeemed_in_database = Purchase.objects.filter(
        platform=results.catalogue.platform, status=Purchase.Status.REDEEMED
    ).count()


def _row(label: str, value: str) -> None:
    print(f"  {label:<52}{value:>30}")


def _latency(phase: Any) -> str:
    return f"{phase.ms(50):,.0f} / {phase.ms(95):,.0f} / {phase.ms(99):,.0f} ms"


def _others(phase: Any, expected: set[str]) -> str:
    other = {k: v for k, v in phase.outcomes.items() if k not in expected}
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(other.items())) or "none"


def _shares(phase: Any) -> str:
    total = phase.attempts or 1
    return ", ".join(f"{k}: {v / total:.1%}" for k, v in sorted(phase.outcomes.items()))


def report(results: Results) -> None:
    from bekal.core.money import format_rupiah
    from bench.marketplace_load import BALANCE_REFUSED, BOUGHT

    holders, spread, raced, ledger = results.holders, results.spread, results.raced, results.ledger
    courses = results.catalogue.courses
    print(LINE)
    print(
        f"Marketplace benchmark: {len(holders.users):,} card holders"
        f" (scheme {holders.scheme.code}, {format_rupiah(holders.balance)} each),"
        f" {len(courses)} courses ({len(results.catalogue.sessions)} webinars)"
    )
    print(LINE)
    print("Setup (not measured below)")
    for label, seconds in results.seconds.items():
        _row(label, f"{seconds:,.1f} s")
    print(f"Purchases: purchase_course on {results.threads} threads, a connection each")
    print(" (a) one purchase per card holder, each a different card")
    _row("attempts / purchases", f"{spread.attempts:,} / {spread.outcomes[BOUGHT]:,}")
    _row("purchases per second", f"{spread.per_second(BOUGHT):,.1f}")
    _row("latency p50 / p95 / p99", _latency(spread))
    _row("refusals and failures", _others(spread, {BOUGHT}))
    print(f" (b) {results.threads} threads buying different courses with one card,"
          f" {results.raced_cards} cards in turn")  # fmt: skip
    _row("attempts / purchases", f"{raced.attempts:,} / {raced.outcomes[BOUGHT]:,}")
    _row("refused for the balance", f"{raced.outcomes[BALANCE_REFUSED]:,}")
    _row("other refusals and failures", _others(raced, {BOUGHT, BALANCE_REFUSED}))
    _row("attempts per second", f"{raced.per_second():,.1f}")
    _row("purchases per second", f"{raced.per_second(BOUGHT):,.1f}")
    _row("latency p50 / p95 / p99 (every attempt)", _latency(raced))
    low = ledger.lowest_raced_balance
    _row("lowest balance a raced card ever had", format_rupiah(low))
    _row("a raced card's balance went below zero", "never" if low >= 0 else "YES")
    for outcome, message in {**spread.examples, **raced.examples}.items():
        print(f"    {outcome}: {message}")
    print("Ledger after the purchases")
    verified = ledger.verification
    outcome = "ok" if verified.ok else "FAILED"
    _row("verify_balances (accounts checked)", f"{outcome} ({verified.accounts_checked:,})")
    _row("purchases in the database", f"{ledger.purchases:,}")
    _row("cards whose balance is not opening - prices paid", f"{ledger.cards_not_matching:,}")
    _row("lowest card balance now", format_rupiah(ledger.lowest_balance))
    phases = [spread, raced]
    if results.reads is not None:
        print(
            f"Partner API over HTTP: gunicorn {results.workers} sync workers, DEBUG off,"
            f" {results.clients} clients"
        )
        for phase in (results.reads, results.redeems):
            print(f" {phase.label}")
            _row("requests", f"{phase.attempts:,}")
            _row("requests per second", f"{phase.per_second():,.1f}")
            _row("latency p50 / p95 / p99", _latency(phase))
            _row("status codes", _shares(phase))
            for outcome, message in phase.examples.items():
                print(f"    {outcome}: {message}")
            phases.append(phase)
        _row("vouchers redeemed in the database", f"{results.redeemed_in_database:,}")
    print("Memory")
    _row("peak resident memory (RSS) of this process", f"{results.peak_mib:,.0f} MiB")
    print("Summary")
    print(f"  {'phase':<34}{'attempts':>10}{'succeeded':>11}{'per s':>9}"
          f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")  # fmt: skip
    for phase in phases:
        ok = phase.outcomes[BOUGHT] + phase.outcomes["200"]
        print(
            f"  {phase.label:<34}{phase.attempts:>10,}{ok:>11,}{ok / (phase.seconds or 1):>9,.1f}"
            f"{phase.ms(50):>8,.0f}{phase.ms(95):>8,.0f}{phase.ms(99):>8,.0f}"
        )
    print(LINE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holders", type=int, default=5_000, help="card holders")
    parser.add_argument("--threads", type=int, default=8, help="purchase threads")
    parser.add_argument(
        "--raced-cards", type=int, default=20, help="cards raced by every thread, in turn"
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument(
        "--requests", type=int, default=2_000, help="GETs, and redeems, at most (one a voucher)"
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--no-http", action="store_true", help="skip the partner API part")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.holders <= args.raced_cards:
        parser.error("--holders must be more than --raced-cards")

    with bench_database("marketplace", keep=args.keep) as db:
        env = {
            **os.environ,
            **db.settings_env(
                SECURE_COOKIES="false",
                SITE_URL=f"http://127.0.0.1:{args.port}",
                PARTNER_API_REQUESTS_PER_MINUTE=str(10**9),
            ),
        }
        os.environ.update(env)
        seconds: dict[str, float] = {}
        start = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
        seconds["create the database, migrate"] = time.perf_counter() - start
        import django

        django.setup()
        from django.conf import settings

        # One connection per thread, as the threads stand for separate app workers.
        settings.DATABASES["default"]["OPTIONS"].pop("pool", None)
        results = measure_purchases(
            holders=args.holders,
            threads=args.threads,
            raced_cards=args.raced_cards,
            token=uuid.uuid4().hex[:8],
            seconds=seconds,
        )
        if not args.no_http:
            measure_partner_api(
                results,
                env=env,
                workers=args.workers,
                clients=args.clients,
                requests=args.requests,
                port=args.port,
            )
        results.peak_mib = peak_mib()
        report(results)


if __name__ == "__main__":
    main()
