"""The office asks for the run; a background job runs it (at national scale it takes
minutes, more than a request may)."""

from __future__ import annotations

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from bekal.core import crypto
from bekal.core.models import AuditEvent
from bekal.selection import services
from bekal.selection.errors import WaveStillOpenError
from bekal.selection.models import SelectionRun
from tests.selection.factories import Person, admin, close, join, wave

pytestmark = pytest.mark.django_db


def queued_runs():
    return list(
        ProcrastinateJob.objects.filter(
            task_name="selection.run_requested_selection", status="todo"
        ).values_list("args", flat=True)
    )


def test_asking_twice_queues_one_run_and_the_job_runs_it_once():
    w, run = wave(national_quota=1)
    join(w, [Person(), Person()])
    close(w)

    services.request_run(run=run, actor=admin())
    services.request_run(run=run, actor=admin())

    assert queued_runs() == [{"run_id": run.pk}]
    run.refresh_from_db()
    assert run.working_on == "run" and run.status == SelectionRun.Status.SEED_COMMITTED

    done = services.run_requested(run_id=run.pk)
    again = services.run_requested(run_id=run.pk)

    assert done is not None and done.status == SelectionRun.Status.RUN
    assert again is None
    assert done.counts["national"]["selected"] == 1
    assert AuditEvent.objects.filter(action="selection.run").count() == 1
    assert AuditEvent.objects.get(action="selection.run").actor == admin()


def test_a_run_cannot_be_asked_for_while_the_wave_is_open():
    _w, run = wave()
    with pytest.raises(WaveStillOpenError):
        services.request_run(run=run, actor=admin())
    assert queued_runs() == []


def test_a_refused_run_is_shown_to_the_office_and_can_be_asked_for_again():
    w, run = wave()
    join(w, [Person()])
    close(w)
    services.request_run(run=run, actor=admin())
    # the stored seed no longer matches its published commitment
    SelectionRun.objects.filter(pk=run.pk).update(seed_encrypted=crypto.encrypt("00" * 32))

    assert services.run_requested(run_id=run.pk) is None

    run.refresh_from_db()
    assert run.status == SelectionRun.Status.SEED_COMMITTED
    assert run.working_on == ""
    assert run.step_failure
    services.request_run(run=run, actor=admin())
    assert len(queued_runs()) == 2
