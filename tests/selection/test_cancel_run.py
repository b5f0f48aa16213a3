"""An abandoned run, its seed committed but never to be published, can be cancelled: the
proof log says so, later waves are no longer blocked, and a published run stays."""

from __future__ import annotations

import pytest
from django.utils import translation

from bekal.core.models import AuditEvent
from bekal.selection import proof_log, services
from bekal.selection.errors import (
    CancelReasonMissingError,
    EarlierRunUnpublishedError,
    RunAlreadyPublishedError,
    RunNotCancellableError,
)
from bekal.selection.models import ProofLogEntry, SelectionRun
from tests.selection.factories import Person, admin, close, join, publish, rejoin, wave

pytestmark = pytest.mark.django_db

REASON = "Gelombang dibatalkan: data kuota salah"


def two_closed_waves():
    """Two waves of one scheme year, both closed with a committed seed, the same people."""
    first, first_run = wave(national_quota=10)
    second, second_run = wave(national_quota=10)
    applications = join(first, [Person() for _ in range(4)])
    rejoin(second, applications)
    close(first)
    close(second)
    return first_run, second_run


def test_cancelling_an_abandoned_earlier_run_lets_the_later_wave_run():
    # given an earlier wave whose seed was committed and that will never be run
    first_run, second_run = two_closed_waves()
    with pytest.raises(EarlierRunUnpublishedError):
        services.run_selection(run=second_run, actor=admin())

    # when the office cancels it
    cancelled = services.cancel_run(run=first_run, actor=admin(), reason=REASON)

    # then it is cancelled, the log records it after its commitment, and the later wave runs
    assert cancelled.status == SelectionRun.Status.CANCELLED
    assert cancelled.cancel_reason == REASON
    committed, withdrawn = proof_log.list_wave_entries(wave=first_run.wave.number)
    assert (committed.kind, withdrawn.kind) == ("seed_committed", "run_cancelled")
    assert withdrawn.payload == {
        "seed_hash": first_run.seed_hash,
        "cancelled_from": "seed_committed",
    }
    assert withdrawn.previous_hash == proof_log.get_head().previous_hash
    assert proof_log.check_log() == []
    second = services.run_selection(run=second_run, actor=admin())
    assert second.outcomes.filter(selected=True).count() == 4


def test_the_cancellation_is_audited_with_its_reason():
    first_run, _ = two_closed_waves()

    services.cancel_run(run=first_run, actor=admin(), reason=REASON)

    event = AuditEvent.objects.get(action="selection.run_cancelled")
    assert event.details["reason"] == REASON
    assert event.details["cancelled_from"] == "seed_committed"


def test_a_cancelled_run_s_selections_count_nowhere():
    # given a run that drew (everyone selected) and was then abandoned unpublished
    first_run, second_run = two_closed_waves()
    services.run_selection(run=first_run, actor=admin())
    services.cancel_run(run=first_run, actor=admin(), reason=REASON)

    # when the later wave with the same people runs
    second = services.run_selection(run=second_run, actor=admin())

    # then nobody is "already selected" by the cancelled draw
    assert second.outcomes.filter(selected=True).count() == 4
    assert proof_log.get_head().payload["cancelled_from"] == "run"


def test_a_published_run_cannot_be_cancelled():
    # given a published wave
    w, run = wave(national_quota=3)
    join(w, [Person() for _ in range(2)])
    run = publish(run)
    head = proof_log.get_head()

    # when the office tries to cancel it, then it is refused, in Indonesian; nothing changes
    with pytest.raises(RunAlreadyPublishedError) as refused:
        services.cancel_run(run=run, actor=admin(), reason=REASON)
    assert refused.value.code == "selection_run_published"
    with translation.override("id"):
        assert str(refused.value) == (
            "Seleksi gelombang ini sudah diumumkan: seleksi yang sudah diumumkan tidak dapat "
            "dibatalkan."
        )
    run.refresh_from_db()
    assert run.status == SelectionRun.Status.PUBLISHED
    assert proof_log.get_head() == head
    assert not AuditEvent.objects.filter(action="selection.run_cancelled").exists()


def test_a_draft_run_without_a_seed_cannot_be_cancelled():
    _w, run = wave(commit=False)

    with pytest.raises(RunNotCancellableError) as refused:
        services.cancel_run(run=run, actor=admin(), reason=REASON)

    assert refused.value.code == "selection_run_not_cancellable"
    assert not ProofLogEntry.objects.filter(kind="run_cancelled").exists()


def test_a_cancellation_without_a_reason_is_refused_and_changes_nothing():
    first_run, _ = two_closed_waves()

    with pytest.raises(CancelReasonMissingError):
        services.cancel_run(run=first_run, actor=admin(), reason="   ")

    first_run.refresh_from_db()
    assert first_run.status == SelectionRun.Status.SEED_COMMITTED


def test_cancelling_twice_gives_one_cancellation():
    first_run, _ = two_closed_waves()
    services.cancel_run(run=first_run, actor=admin(), reason=REASON)

    with pytest.raises(RunNotCancellableError):
        services.cancel_run(run=first_run, actor=admin(), reason=REASON)

    assert ProofLogEntry.objects.filter(kind="run_cancelled").count() == 1
