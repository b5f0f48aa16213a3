"""The office asks to publish a reviewed run; a background job publishes it and starts
the announcement."""

from __future__ import annotations

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from bekal.cards import services
from bekal.cards.models import RunAnnouncement
from bekal.selection.errors import RunStateError
from bekal.selection.models import SelectionRun
from tests.cards.factories import published_run
from tests.selection.factories import admin

pytestmark = pytest.mark.django_db


def queued(task_name):
    return list(
        ProcrastinateJob.objects.filter(task_name=task_name, status="todo").values_list(
            "args", flat=True
        )
    )


def test_asking_twice_publishes_once_in_the_background():
    # given a run that has been reviewed
    run = published_run(selected=1, not_selected=1, publish_it=False).run

    # when the office asks to publish it twice
    services.request_publish(run=run, actor=admin())
    services.request_publish(run=run, actor=admin())

    # then one job is queued, and nothing is published yet
    assert queued("cards.publish_requested_results") == [{"run_id": run.pk}]
    run.refresh_from_db()
    assert (run.status, run.working_on) == (SelectionRun.Status.REVIEWED, "publish")

    # when the job runs (twice, as a redelivery would)
    published = services.publish_requested(run_id=run.pk)
    again = services.publish_requested(run_id=run.pk)

    # then the run is published once, by the person who asked, and the announcement started
    assert published is not None and published.status == SelectionRun.Status.PUBLISHED
    assert again is None
    assert RunAnnouncement.objects.filter(run=run).count() == 1
    assert queued("cards.announce_results_batch") == [{"run_id": run.pk, "after": 0}]


def test_a_run_not_reviewed_cannot_be_asked_to_publish():
    run = published_run(selected=1).run  # already published
    with pytest.raises(RunStateError):
        services.request_publish(run=run, actor=admin())
    assert queued("cards.publish_requested_results") == []
