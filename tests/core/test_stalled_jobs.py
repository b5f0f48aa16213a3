"""Jobs of a dead worker are queued again within a minute, and a live worker's are not."""

from __future__ import annotations

import datetime as dt
import itertools

import croniter
import pytest
from django.db import connection
from procrastinate.contrib.django import app

from bekal.core.tasks import STALLED_AFTER, retry_stalled_jobs_now

pytestmark = [pytest.mark.django_db(transaction=True)]

#: Procrastinate's worker heartbeat interval (its default, which Bekal keeps).
HEARTBEAT_EVERY = 10


@pytest.fixture
def empty_queue():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")
        cursor.execute("DELETE FROM procrastinate_workers")


def job_taken_by_worker_silent_for(seconds: int) -> int:
    """A queued job now being done by a worker whose last heartbeat is `seconds` old."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat)"
            " VALUES (NOW() - make_interval(secs => %s)) RETURNING id",
            [seconds],
        )
        [worker_id] = cursor.fetchone()
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
            " VALUES ('notifications', 'notifications.deliver', '{\"message_id\": 1}')"
        )
        cursor.execute(
            "SELECT id FROM procrastinate_fetch_job_v2(ARRAY['notifications'], %s)", [worker_id]
        )
        [job_id] = cursor.fetchone()
    return int(job_id)


def status_of(job_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id])
        return str(cursor.fetchone()[0])


def test_the_job_of_a_worker_silent_for_three_heartbeats_is_queued_again(empty_queue):
    job = job_taken_by_worker_silent_for(STALLED_AFTER + 5)

    retried = retry_stalled_jobs_now()

    assert retried == 1
    assert status_of(job) == "todo"


def test_the_job_of_a_worker_that_missed_one_heartbeat_is_left_to_it(empty_queue):
    job = job_taken_by_worker_silent_for(2 * HEARTBEAT_EVERY - 5)

    retried = retry_stalled_jobs_now()

    assert retried == 0
    assert status_of(job) == "doing"


def test_the_sweep_runs_often_enough_to_requeue_a_dead_workers_job_within_a_minute():
    [sweep] = [
        task
        for task in app.periodic_registry.periodic_tasks.values()
        if task.task.name == "core.retry_stalled_jobs"
    ]
    runs = croniter.croniter(sweep.cron, dt.datetime(2026, 12, 7, 9, 0, 0))
    times = [runs.get_next(dt.datetime) for _ in range(9)]
    longest_gap = max((b - a).total_seconds() for a, b in itertools.pairwise(times))

    # Killed just after a heartbeat: taken for dead STALLED_AFTER later, then swept at
    # the next run at the latest.
    assert STALLED_AFTER >= 2 * HEARTBEAT_EVERY  # one late heartbeat is not a death
    assert STALLED_AFTER + longest_gap < 60
