"""Chaos over real processes: the worker is killed (SIGKILL) in the middle of submitting a
batch, the provider times out then succeeds, loses an answer, sends callbacks five times
and out of order, or none at all. Afterwards every instalment is paid exactly once at
the provider, and verify_payouts and verify_ledger agree."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import httpx
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bekal.core.tasks import retry_stalled_jobs_now
from bekal.disbursements.models import Attempt, Instalment
from bekal.disbursements.services import batches, entitlements
from bekal.disbursements.services.attempts import poll_open_attempts
from bekal.disbursements.verification import verify_payouts
from config.env import BASE_DIR
from tests.disbursements.factories import (
    link_account,
    officers,
    registered_name,
    trained_card_holder,
    with_phone,
)
from tests.disbursements.simulated_provider import SECRET, simulated_provider
from tests.disbursements.test_payout_flow import wait_for
from tests.registration.test_worker_killed import database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

#: The first holder's transfer answers after the worker's timeout: the worker is inside
#: that call when it is killed. Then: answers lost, callbacks 5x out of order, none.
ENDINGS = ["55", "00", "56", "58", "60", "00", "58", "00"]


@pytest.fixture
def empty_queue():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


def start_worker(*, provider_url: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "PAYOUT_PROVIDER_URL": provider_url,
        "PAYOUT_PROVIDER_SECRET": SECRET,
        "PAYOUT_PROVIDER_TIMEOUT": "30",
        "BEKAL_PROCESS": "payout-worker-to-kill",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "payouts"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def submissions(url: str) -> int:
    return int(httpx.get(f"{url}/_sim/transfers", timeout=10).json()["submissions"])


def test_a_batch_survives_a_killed_worker_timeouts_and_wild_callbacks(
    live_server, settings, worker, empty_queue, tmp_path
):
    callback = f"{live_server.url}/api/payments/v1/callbacks/simulasi/"
    with simulated_provider(callback_url=callback, slow=4.0, late=1.0) as provider:
        settings.BEKAL_PAYOUT_PROVIDER_URL = provider.url
        settings.BEKAL_PAYOUT_PROVIDER_SECRET = SECRET
        settings.BEKAL_PAYOUT_PROVIDER_TIMEOUT = 1.0
        for ending in ENDINGS:
            person, _card = trained_card_holder()
            number = with_phone(person, ending=ending)
            provider.register(**{number: registered_name(person).upper()})
            entitlements.create_instalments()
            entitlements.make_instalments_due()
            link_account(person, channel="ovo", number=number)
        maker, checker = officers()
        batch = batches.prepare_batch(officer=maker)
        batches.approve_batch(
            batch=batch, officer=checker, control_count=len(ENDINGS), control_sum=4_800_000
        )

        with (tmp_path / "worker.log").open("wb") as log:
            process = start_worker(provider_url=provider.url, log=log)
            try:
                deadline = time.monotonic() + 60
                while submissions(provider.url) == 0:
                    assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
                    time.sleep(0.05)
                process.kill()  # SIGKILL inside the first transfer call
                process.wait(timeout=10)
            finally:
                if process.poll() is None:
                    process.kill()
        assert Attempt.objects.filter(batch=batch).count() == len(ENDINGS)
        assert Attempt.objects.filter(batch=batch, sent_count=0).exists()  # mid-batch

        assert retry_stalled_jobs_now(queue="payouts", seconds_since_heartbeat=0) == 1
        worker()
        later = timezone.now() + dt.timedelta(minutes=5)

        def settled() -> bool:
            poll_open_attempts(now=later)
            return (
                not Instalment.objects.exclude(status=Instalment.Status.PAID)
                .filter(sequence=1)
                .exists()
            )

        wait_for(settled, timeout=60)
        time.sleep(1.5)  # late and repeated callbacks still arriving change nothing
        transfers = provider.transfers()

    assert len(transfers) == len(ENDINGS)
    assert all(t["executed"] == 1 for t in transfers)
    assert all(t["status"] == "success" for t in transfers)
    paid = list(
        Attempt.objects.filter(status=Attempt.Status.SUCCEEDED).values_list(
            "instalment_id", flat=True
        )
    )
    assert sorted(paid) == sorted(set(paid)) and len(paid) == len(ENDINGS)
    assert Attempt.objects.count() == len(ENDINGS)  # no new key was ever needed
    assert verify_payouts() == []
    call_command("verify_payouts")
    call_command("verify_ledger")
