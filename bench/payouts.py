"""Incentive payouts at scale: instalments written, made due and posted, batches prepared,
approved, submitted to the simulated provider over HTTP, its callbacks received by
gunicorn, its statement reconciled.

Creates a database of its own (dropped afterwards unless --keep), migrates it, and
builds, not timed (bench.marketplace_data, bench.payouts_data): SIZE card holders of the
2023 scheme, each with a training completed and reviewed and a matched payout account.
Then it measures, each step on its own and printed as instalments per second:

1. create_instalments: the schedule of every card (3 rows each), one INSERT ... SELECT;
2. make_instalments_due: the first incentive of every card, posted fund -> payable in
   chunks of BEKAL_PAYOUT_BATCH_SIZE (one ledger transaction, many lines, each);
3. prepare_batch until nothing is left, then approve_batch for each (payable -> in flight,
   one posting per batch) by a second officer;
4. submit_batch for each batch on THREADS threads: every transfer is an HTTP call to the
   simulated provider (its own process), which calls back gunicorn (WORKERS workers);
5. waiting until every callback is applied (paid), polling what the callbacks missed;
6. the provider's CSV statement, fetched over HTTP and reconciled.

It prints the peak memory of this process and the number of instalments paid twice at
the provider (must be 0), and runs verify_payouts and verify_ledger. Everything shares the
machine's cores (Bekal, PostgreSQL, gunicorn, the simulated provider).

    make bench-payouts SIZE=100000
    .venv/bin/python -m bench.payouts --size 100000 --threads 8 --workers 4 [--keep]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import bench_database  # noqa: E402
from bench.selection import peak_mib  # noqa: E402

LINE = "-" * 84
SECRET = "bench-provider-secret"


def step(label: str, count: int, seconds: float) -> None:
    rate = count / seconds if seconds else float("inf")
    print(f"{label:<46} {count:>10,} in {seconds:8.1f} s  {rate:>10,.0f} /s", flush=True)


def run(
    size: int, threads: int, workers: int, port: int, provider_port: int, env: dict, http: bool
) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from bekal.disbursements import tasks
    from bekal.disbursements.errors import NothingToBatchError
    from bekal.disbursements.models import Attempt, Batch, Instalment
    from bekal.disbursements.reconciliation import fetch_and_match
    from bekal.disbursements.services import attempts, batches, entitlements
    from bekal.disbursements.simulator.control import list_transfers, register_holders
    from bekal.disbursements.verification import verify_payouts
    from bench.marketplace_data import build_catalogue, build_holders, programme_admin
    from bench.payouts_data import complete_and_review, link_accounts

    settings.DATABASES["default"]["OPTIONS"].pop("pool", None)
    token = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    maker = programme_admin(token)
    checker = programme_admin(token + "b")
    holders = build_holders(size=size, token=token, admin=maker)
    shop = build_catalogue(token=token, admin=maker, self_paced=1, webinars=0, providers=1)
    from bekal.cards.models import Card

    card_ids = list(Card.objects.filter(wave=holders.wave).values_list("pk", flat=True))
    complete_and_review(card_ids=card_ids, course=shop.courses[0], platform=shop.platform)
    names = link_accounts(users=[(u.pk, u.full_name) for u in holders.users])
    print(f"Built {size:,} card holders in {time.perf_counter() - started:.1f} s (not timed)")

    provider = subprocess.Popen(
        [
            sys.executable, "-m", "bekal.disbursements.simulator", "--port", str(provider_port),
            "--callback-url", f"http://127.0.0.1:{port}/api/payments/v1/callbacks/simulasi/",
            "--secret", SECRET, "--delay", "0.05",
        ],
        cwd=ROOT,
    )  # fmt: skip
    connections.close_all()
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
        _wait_for_callbacks_endpoint(port, gunicorn)
        settings.BEKAL_PAYOUT_PROVIDER_URL = f"http://127.0.0.1:{provider_port}"
        settings.BEKAL_PAYOUT_PROVIDER_SECRET = SECRET
        settings.BEKAL_PAYOUT_PROVIDER_TIMEOUT = 30.0
        register_holders(url=settings.BEKAL_PAYOUT_PROVIDER_URL, holders=names)
        print(LINE)

        t = time.perf_counter()
        written = entitlements.create_instalments()
        step("1. instalments written", written, time.perf_counter() - t)

        t = time.perf_counter()
        due = entitlements.make_instalments_due()
        step("2. made due, posted fund -> payable", due, time.perf_counter() - t)

        t = time.perf_counter()
        prepared = []
        while True:
            try:
                prepared.append(batches.prepare_batch(officer=maker))
            except NothingToBatchError:
                break
        count = sum(b.control_count for b in prepared)
        step(f"3a. prepared in {len(prepared):,} batches", count, time.perf_counter() - t)

        t = time.perf_counter()
        original_defer = tasks.submit_batch.defer
        tasks.submit_batch.defer = lambda **kw: None  # type: ignore[method-assign]
        for batch in prepared:
            batches.approve_batch(
                batch=batch,
                officer=checker,
                control_count=batch.control_count,
                control_sum=int(batch.control_sum),
            )
        tasks.submit_batch.defer = original_defer  # type: ignore[method-assign]
        step("3b. approved, posted payable -> in flight", count, time.perf_counter() - t)
        if not http:
            print(LINE)
            print(f"{'peak memory of this process':<46} {peak_mib():>10,.0f} MiB")
            print(f"{'verify_payouts disagreements':<46} {len(verify_payouts()):>10,}")
            call_command("verify_ledger")
            return

        def submit(batch_id: int) -> None:
            try:
                tasks.submit_batch(batch_id=batch_id)
            finally:
                connections.close_all()

        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(submit, [b.pk for b in prepared]))
        step(f"4. submitted over HTTP ({threads} threads)", count, time.perf_counter() - t)

        t = time.perf_counter()
        deadline = time.monotonic() + max(300, size / 20)
        last_poll = time.monotonic()
        while Instalment.objects.filter(status=Instalment.Status.IN_FLIGHT).exists():
            assert time.monotonic() < deadline, "instalments still in flight at the deadline"
            if time.monotonic() - last_poll > 30:
                # What the scheduled poll does every minute: ask about the silent ones.
                attempts.poll_open_attempts(limit=size)
                last_poll = time.monotonic()
            time.sleep(1)
        paid = Instalment.objects.filter(status=Instalment.Status.PAID).count()
        step("5. callbacks applied (paid)", paid, time.perf_counter() - t)
        by_callback = Attempt.objects.filter(settled_by="callback").count()
        from bekal.disbursements.models import ProviderEvent

        events = ProviderEvent.objects.count()

        t = time.perf_counter()
        statement = fetch_and_match(provider="simulasi", day=timezone.localdate(), format="csv")
        step("6. statement fetched and reconciled", statement.line_count, time.perf_counter() - t)
        print(LINE)

        transfers = list_transfers(url=settings.BEKAL_PAYOUT_PROVIDER_URL)
        executed_twice = sum(1 for x in transfers if x["executed"] > 1)
        success_ids = {x["external_id"] for x in transfers if x["status"] == "success"}
        per_instalment: dict[int, int] = {}
        for instalment_id, external_id in Attempt.objects.values_list(
            "instalment_id", "external_id"
        ):
            if external_id in success_ids:
                per_instalment[instalment_id] = per_instalment.get(instalment_id, 0) + 1
        paid_twice = executed_twice + sum(1 for n in per_instalment.values() if n > 1)
        breaks = statement.items.exclude(kind="matched").count()
        print(f"{'instalments paid twice at the provider':<46} {paid_twice:>10,}")
        print(f"{'settled by callback (rest: status inquiry)':<46} {by_callback:>10,}")
        print(f"{'callbacks stored (distinct events)':<46} {events:>10,}")
        print(f"{'reconciliation breaks':<46} {breaks:>10,}")
        print(f"{'batches submitted':<46} {Batch.objects.filter(status='submitted').count():>10,}")
        print(f"{'peak memory of this process':<46} {peak_mib():>10,.0f} MiB")
        problems = verify_payouts()
        print(f"{'verify_payouts disagreements':<46} {len(problems):>10,}")
        call_command("verify_ledger")
    finally:
        gunicorn.terminate()
        provider.terminate()
        gunicorn.wait(timeout=30)
        provider.wait(timeout=30)


def _wait_for_callbacks_endpoint(port: int, process: subprocess.Popen) -> None:
    """Until gunicorn answers on the callbacks' address (405 to a GET)."""
    import httpx

    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before serving; see its output above")
        try:
            url = f"http://127.0.0.1:{port}/api/payments/v1/callbacks/simulasi/"
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="card holders")
    parser.add_argument("--threads", type=int, default=8, help="submitting threads")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--provider-port", type=int, default=8768)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--no-http", action="store_true", help="stop after the approval (steps 1-3 only)"
    )
    args = parser.parse_args()
    with bench_database("payouts", keep=args.keep) as db:
        env = {
            **os.environ,
            **db.settings_env(
                SECURE_COOKIES="false",
                SSL_REDIRECT="false",  # plain HTTP on loopback; TLS ends at the load balancer
                SITE_URL=f"http://127.0.0.1:{args.port}",
                PAYOUT_PROVIDER_URL=f"http://127.0.0.1:{args.provider_port}",
                PAYOUT_PROVIDER_SECRET=SECRET,
            ),
        }
        os.environ.update(env)
        t = time.perf_counter()
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            check=True,
        )
        print(f"Created and migrated the database in {time.perf_counter() - t:.1f} s")
        run(
            args.size,
            args.threads,
            args.workers,
            args.port,
            args.provider_port,
            env,
            http=not args.no_http,
        )


if __name__ == "__main__":
    main()
