"""The selection run's state machine: each transition only from its source state."""

from __future__ import annotations

import hashlib

import pytest

from bekal.core.models import AuditEvent
from bekal.selection import publication, services
from bekal.selection.errors import (
    EligibilityFrozenError,
    RunExistsError,
    RunStateError,
    SeedTooLateError,
    WaveStillOpenError,
)
from bekal.selection.models import SelectionRun
from tests.selection.factories import Person, admin, close, join, wave

pytestmark = pytest.mark.django_db


def test_a_run_goes_from_draft_to_published_with_an_audit_event_at_each_step():
    # given a draft run of an open wave with applicants
    w, run = wave(commit=False, national_quota=2)
    join(w, [Person(), Person(), Person(age=17)])

    # when the office commits the seed, closes the wave, runs, reviews and publishes
    run = services.commit_seed(run=run, actor=admin())
    committed_hash = run.seed_hash
    close(w)
    run = services.run_selection(run=run, actor=admin())
    run = services.review_run(run=run, actor=admin(), note="Angka per daerah sesuai")
    run = services.publish_run(run=run, actor=admin())

    # then the published seed is the one whose hash was committed before closing
    assert run.status == SelectionRun.Status.PUBLISHED
    assert hashlib.sha256(bytes.fromhex(run.seed)).hexdigest() == committed_hash
    assert len(run.seed) == 64
    # and the counts and the inputs' digest are published
    assert run.counts["national"] == {"applicants": 3, "eligible": 2, "selected": 2}
    assert run.counts["regencies"]["17.71"]["selected"] == 2
    inputs = publication.read_file(run.inputs_file)
    assert hashlib.sha256(inputs).hexdigest() == run.inputs_digest
    actions = AuditEvent.objects.filter(
        object_type="selection.selectionrun", object_id=str(run.pk)
    ).order_by("id")
    assert list(actions.values_list("action", flat=True)) == [
        "selection.run_created",
        "selection.seed_committed",
        "selection.run",
        "selection.reviewed",
        "selection.published",
    ]


def test_the_seed_is_kept_secret_until_the_run():
    _w, run = wave()

    assert run.seed == ""
    assert run.seed_hash and run.seed_hash not in run.seed_encrypted


def test_running_before_the_wave_closes_is_refused():
    _w, run = wave()

    with pytest.raises(WaveStillOpenError):
        services.run_selection(run=run, actor=admin())

    assert SelectionRun.objects.get(pk=run.pk).status == SelectionRun.Status.SEED_COMMITTED


def test_committing_a_seed_after_the_wave_closed_is_refused():
    w, run = wave(commit=False)
    close(w)

    with pytest.raises(SeedTooLateError):
        services.commit_seed(run=run, actor=admin())

    assert SelectionRun.objects.get(pk=run.pk).seed_hash == ""


def test_running_without_a_committed_seed_is_refused():
    w, run = wave(commit=False)
    close(w)

    with pytest.raises(RunStateError) as refused:
        services.run_selection(run=run, actor=admin())

    assert refused.value.code == "selection_run_state"


def test_committing_a_second_seed_is_refused():
    _w, run = wave()
    first_hash = run.seed_hash

    with pytest.raises(RunStateError):
        services.commit_seed(run=run, actor=admin())

    assert SelectionRun.objects.get(pk=run.pk).seed_hash == first_hash


def test_publishing_before_the_review_is_refused():
    w, run = wave()
    join(w, [Person()])
    close(w)
    run = services.run_selection(run=run, actor=admin())

    with pytest.raises(RunStateError):
        services.publish_run(run=run, actor=admin())

    assert SelectionRun.objects.get(pk=run.pk).inputs_digest == ""


def test_reviewing_before_the_run_is_refused():
    _w, run = wave()

    with pytest.raises(RunStateError):
        services.review_run(run=run, actor=admin())


def test_running_twice_is_refused():
    w, run = wave()
    join(w, [Person()])
    close(w)
    services.run_selection(run=run, actor=admin())

    with pytest.raises(RunStateError):
        services.run_selection(run=run, actor=admin())


def test_a_wave_has_one_run():
    w, _ = wave()

    with pytest.raises(RunExistsError):
        services.create_run(wave=w, actor=admin())


def test_eligibility_cannot_be_changed_once_the_selection_ran():
    w, run = wave()
    join(w, [Person()])
    close(w)
    services.run_selection(run=run, actor=admin())

    with pytest.raises(EligibilityFrozenError):
        services.evaluate_eligibility(wave=w)
