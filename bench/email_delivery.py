"""Confirmation emails per second per worker, over real SMTP to a local server.

Queues EMAILS confirmation emails (rendered as a sign-up renders them) in a database of
its own (on the embedded PostgreSQL, or on the server in DATABASE_URL; dropped after),
then starts one `manage.py procrastinate worker` on the notifications queue (production
settings, real SMTP to an aiosmtpd server on loopback) and measures, from the database's
sent_at times, how fast the worker empties the queue: once with a new SMTP connection
per email (SMTP_MESSAGES_PER_CONNECTION=1, how every email went before) and once with
the connection kept (the default, 100 emails a connection). Prints emails per second per
worker, the connections the server saw, and the workers the surge's peak (1,333
sign-ups a second) needs for its emails to leave as fast as they are queued.

    make bench-email                       # 2,000 emails per round
    .venv/bin/python -m bench.email_delivery --emails 5000 --concurrency 4
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEAK_SIGNUPS_PER_SECOND = 80_000 / 60

QUEUE_SCRIPT = """
from bekal.notifications.services import queue_templated_email
from django.db import transaction
for start in range(0, {count}, 500):
    with transaction.atomic():
        for n in range(start, min(start + 500, {count})):
            queue_templated_email(
                to=f"{prefix}{{n}}@contoh.id",
                kind="account_confirmation",
                template="accounts/email/confirmation",
                context={{"name": f"Peserta {{n}}", "link": f"http://127.0.0.1/konfirmasi/{{n}}/",
                          "days": 3}},
                language="id",
            )
"""


def with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def sent_times(bench_url: str, prefix: str) -> tuple[int, float | None, float | None]:
    import psycopg

    with psycopg.connect(bench_url) as conn:
        row = conn.execute(
            "SELECT count(*), extract(epoch FROM min(sent_at)), extract(epoch FROM max(sent_at))"
            " FROM notifications_outboxmessage WHERE status = 'sent' AND recipient LIKE %s",
            [f"{prefix}%"],
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1] and float(row[1]), row[2] and float(row[2])


def run_round(
    *, env: dict[str, str], bench_url: str, emails: int, per_connection: int, concurrency: int
) -> tuple[float, int, int]:
    """Queue `emails`, let one worker send them; (emails per second, sent, connections)."""
    from bench.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    prefix = f"r{per_connection}-{uuid.uuid4().hex[:6]}-"
    round_env = {
        **env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "EMAIL_USE_TLS": "false",
        "SMTP_MESSAGES_PER_CONNECTION": str(per_connection),
    }
    script = QUEUE_SCRIPT.format(count=emails, prefix=prefix)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], env=round_env, cwd=ROOT, check=True
    )
    worker = subprocess.Popen(
        [
            sys.executable, "manage.py", "procrastinate", "worker",
            "--queues", "notifications", "--concurrency", str(concurrency),
        ],
        env=round_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            sent, first, last = sent_times(bench_url, prefix)
            if sent >= emails:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        sink.stop()
    sent, first, last = sent_times(bench_url, prefix)
    if sent < 2 or first is None or last is None or last <= first:
        raise SystemExit(f"the worker sent {sent} of {emails} emails")
    return (sent - 1) / (last - first), len(sink.messages), sink.connections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=2000, help="emails per round")
    parser.add_argument("--concurrency", type=int, default=1, help="the worker's --concurrency")
    args = parser.parse_args()

    from config import database

    server_url = os.environ.get("DATABASE_URL") or database.start_embedded()
    bench_db = f"bekal_bench_email_{os.getpid()}"
    admin_url = with_database(server_url, "postgres")
    bench_url = with_database(server_url, bench_db)

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{bench_db}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": bench_url,
        "SECRET_KEY": "bench-secret-key-" + uuid.uuid4().hex,
        "PII_KEYS": "bench-pii-key-" + uuid.uuid4().hex,
        "BLIND_INDEX_KEY": "bench-blind-index-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "DEBUG": "false",
    }
    rounds = []
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True
        )
        for per_connection in (1, 100):
            print(
                f"Sending {args.emails} confirmation emails with one worker "
                f"(concurrency {args.concurrency}), {per_connection} per SMTP connection..."
            )
            rate, received, connections = run_round(
                env=env,
                bench_url=bench_url,
                emails=args.emails,
                per_connection=per_connection,
                concurrency=args.concurrency,
            )
            rounds.append((per_connection, rate, received, connections))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')

    print()
    print("Confirmation email delivery (one worker, real SMTP to aiosmtpd on loopback)")
    print(
        f"  machine                 {os.cpu_count()} cores, worker concurrency {args.concurrency}"
    )
    for per_connection, rate, received, connections in rounds:
        label = "a new connection per email" if per_connection == 1 else "connection kept"
        workers = math.ceil(PEAK_SIGNUPS_PER_SECOND / rate)
        print(
            f"  {label:<27} {rate:7.1f} emails/s per worker "
            f"({received} received over {connections} connections); "
            f"peak of {PEAK_SIGNUPS_PER_SECOND:,.0f}/s needs {workers} workers"
        )
    if len(rounds) == 2:
        print(f"  speed-up                {rounds[1][1] / rounds[0][1]:.1f}x")


if __name__ == "__main__":
    main()
