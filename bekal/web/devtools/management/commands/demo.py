"""`make demo`: migrate, load regions and demo data, collect the static files, run the web
server and the worker, as production runs them (gunicorn, DEBUG off, WhiteNoise).

This process holds the embedded PostgreSQL (when DATABASE_URL is unset); Ctrl-C stops
the web server, the worker and then PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from bekal.programmes.selectors import get_open_waves
from bekal.web.devtools.demo_catalogue import CREDENTIALS
from bekal.web.devtools.demo_data import CARD_HOLDER, load_demo_data
from bekal.web.devtools.demo_desk import DESK_TOTP_NOTE


class Command(BaseCommand):
    help = "Run Bekal with demo data: web server and worker, until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default=os.environ.get("DEMO_ADDR", "127.0.0.1:8000"))

    def handle(self, *args: Any, addr: str, **options: Any) -> None:
        self.stdout.write("Migrating the database...")
        call_command("migrate", verbosity=0)
        call_command("load_regions")
        provider = _start_simulated_provider(addr)
        logins = load_demo_data()
        open_waves = list(get_open_waves())
        connection.close()
        call_command("collectstatic", interactive=False, verbosity=0)

        env = {
            **os.environ,
            "DATABASE_URL": _url(settings.DATABASES["default"]),
            # Links in the demo's emails and SMS point at this server.
            "SITE_URL": os.environ.get("SITE_URL", f"http://{addr}"),
            "PAYOUT_PROVIDER_URL": settings.BEKAL_PAYOUT_PROVIDER_URL,
            "PAYOUT_PROVIDER_SECRET": settings.BEKAL_PAYOUT_PROVIDER_SECRET,
        }
        manage = [sys.executable, "manage.py"]
        children = [
            provider,
            subprocess.Popen(_web_server(addr), env=env),
            subprocess.Popen([*manage, "procrastinate", "worker"], env=env),
        ]
        time.sleep(1.5)
        self.stdout.write(self.style.SUCCESS(f"\nBekal is running at http://{addr}/"))
        self.stdout.write(f"Emails and SMS of the demo: http://{addr}/dev/outbox/")
        self.stdout.write(
            f"Back office: http://{addr}/kantor/ (catalogue: /kantor/katalog/, "
            "platforms and their credentials: /kantor/platform/)"
        )
        self.stdout.write(
            f"Incentive payouts: http://{addr}/kantor/pembayaran/ (break queue: "
            f"/kantor/pembayaran/selisih/); simulated payment provider: "
            f"{settings.BEKAL_PAYOUT_PROVIDER_URL}"
        )
        self.stdout.write(f"Django admin: http://{addr}/admin/")
        self.stdout.write(f"Training catalogue: http://{addr}/pelatihan/")
        self.stdout.write("Demo logins:")
        for login in logins:
            self.stdout.write(f"  {login.role:<34} {login.email:<40} {login.password}")
        self.stdout.write(DESK_TOTP_NOTE)
        self.stdout.write(
            "To register as the demo participant, type: NIK 1771015508950001, "
            "KK 1771010101200001, Siti Aminah, born 15-08-1995 (woman), a village of "
            "Selebar, Kota Bengkulu."
        )
        for wave in open_waves:
            self.stdout.write(
                f"{wave.name} is open until {timezone.localtime(wave.closes_at):%d-%m-%Y}: "
                f"join it at http://{addr}/gelombang/ once you pass the test."
            )
        self.stdout.write(
            f"{CARD_HOLDER.email} holds an active card with a balance: log in and buy a "
            "training right away."
        )
        self.stdout.write("Partner API credentials of the demo platforms (key id, secret):")
        for credential in CREDENTIALS:
            self.stdout.write(
                f"  {credential.platform:<34} {credential.key_id:<40} {credential.secret}"
            )
        self.stdout.write(f"Partner API docs: http://{addr}/api/partners/v1/docs")
        self.stdout.write("Partner guide with curl examples: docs/partners.md")
        self.stdout.write("Press Ctrl-C to stop everything (PostgreSQL included).\n")
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("Stopped.")


def _start_simulated_provider(addr: str) -> subprocess.Popen[bytes]:
    """The simulated payment provider, its own process, calling back the demo's server
    (unless PAYOUT_PROVIDER_URL names a provider already)."""
    port = int(os.environ.get("DEMO_PROVIDER_PORT", "8765"))
    if not settings.BEKAL_PAYOUT_PROVIDER_URL:
        settings.BEKAL_PAYOUT_PROVIDER_URL = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "bekal.disbursements.simulator", "--port", str(port),
            "--callback-url", f"http://{addr}/api/payments/v1/callbacks/simulasi/",
            "--secret", settings.BEKAL_PAYOUT_PROVIDER_SECRET,
        ]
    )  # fmt: skip
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    return process


def _web_server(addr: str) -> list[str]:
    """gunicorn, as in production; with DEBUG=1, Django's runserver (errors in detail)."""
    if settings.DEBUG:
        return [sys.executable, "manage.py", "runserver", addr, "--noreload"]
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", addr, "--workers", "2", "--threads", "4", "--access-logfile", "-",
        "--no-control-socket",
    ]  # fmt: skip


def _url(db: dict) -> str:
    """The URL of the database this process uses, for the child processes."""
    from urllib.parse import quote

    auth = quote(db["USER"]) + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    host = db["HOST"]
    if host.startswith("/"):
        return f"postgresql://{auth}@/{db['NAME']}?host={quote(host)}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{auth}@{host}{port}/{db['NAME']}"
