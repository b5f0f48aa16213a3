"""A worker killed (kill -9) in the middle of an identity check loses nothing.

The real worker runs as its own process (`manage.py procrastinate worker`) on the test
database; the population registry, simulated on 127.0.0.1 behind the production HTTP
client, never answers, so the job is inside its registry call when the worker is killed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.db import connection

from bekal.core.tasks import retry_stalled_jobs_now
from bekal.registration import selectors
from bekal.registration.models import IdentityCheck
from config.env import BASE_DIR
from tests.registration.factories import SITI_NIK, identity_jobs, participant, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_queue")]


def database_url() -> str:
    """The URL of the test database, for a process of its own."""
    db = connection.settings_dict
    auth = quote(db["USER"]) + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    if db["HOST"].startswith("/"):
        return f"postgresql://{auth}@/{quote(db['NAME'])}?host={quote(db['HOST'])}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{auth}@{db['HOST']}{port}/{quote(db['NAME'])}"


def start_worker(*, registry_url: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "REGISTRY_URL": registry_url,
        "REGISTRY_API_KEY": "kunci-uji",
        "REGISTRY_TIMEOUT": "60",
        "BEKAL_PROCESS": "worker-to-kill",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "identity"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_a_profile_survives_a_worker_killed_mid_check_and_a_new_worker_completes_it(
    worker, registry_stub, tmp_path
):
    siti = participant()
    submit(siti)
    registry_stub.hang()
    with (tmp_path / "worker.log").open("wb") as log:
        process = start_worker(registry_url=registry_stub.url, log=log)
        try:
            arrived = registry_stub.request_arrived.wait(timeout=60)
            assert arrived, (tmp_path / "worker.log").read_text()
            check = selectors.get_identity_check(user=siti)
            assert [job["status"] for job in identity_jobs(check.pk)] == ["doing"]

            process.kill()  # SIGKILL: no clean-up, no goodbye to the database
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()

    profile = selectors.get_profile(user=siti)
    assert profile is not None
    assert selectors.get_own_nik(user=siti) == SITI_NIK
    assert (profile.full_name, profile.birth_place) == ("Siti Aminah", "Bengkulu")
    check = selectors.get_identity_check(user=siti)
    assert (check.status, check.attempts) == (IdentityCheck.Status.PENDING, 1)

    registry_stub.answer({"result": "match", "citizenship": "WNI"})
    retried = retry_stalled_jobs_now(queue="identity", seconds_since_heartbeat=0)
    worker()

    assert retried == 1
    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.VERIFIED
    assert [job["status"] for job in identity_jobs(check.pk)] == ["succeeded"]
