"""The periodic job that scores the attempts whose time ran out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from bekal.assessment import services, tasks
from bekal.assessment.models import Attempt
from tests.assessment.support import items, person, right_option


@pytest.mark.django_db(transaction=True)
def test_the_minute_job_scores_an_abandoned_attempt_on_what_was_answered(worker):
    # Given an attempt started 20 minutes ago, 9 of 18 answered right, then abandoned
    started = timezone.now() - dt.timedelta(minutes=20)
    attempt = services.start_attempt(user=person(), now=started)
    for item in items(attempt)[:9]:
        services.answer_question(
            attempt=attempt, position=item.position, option_id=right_option(item).pk, now=started
        )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE queue_name = 'assessment'")

    # When the periodic job runs
    tasks.finish_expired_attempts.defer(timestamp=int(timezone.now().timestamp()))
    worker()

    # Then the attempt is scored as timed out
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    assert (attempt.score, attempt.passed) == (50, False)


def test_the_job_runs_every_minute_on_the_assessment_queue():
    from procrastinate.contrib.django import app

    periodic = [
        task
        for task in app.periodic_registry.periodic_tasks.values()
        if task.task.name == "assessment.finish_expired_attempts"
    ]

    assert [p.cron for p in periodic] == ["* * * * *"]
    assert tasks.finish_expired_attempts.queue == "assessment"
