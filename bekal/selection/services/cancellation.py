"""Cancelling a run that will never be published (docs/selection.md, "Cancelling a run")."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.selection import proof_log
from bekal.selection.errors import (
    CancelReasonMissingError,
    RunAlreadyPublishedError,
    RunNotCancellableError,
)
from bekal.selection.models import ProofLogEntry, SelectionRun

Status = SelectionRun.Status

#: The states a run may be cancelled from: its seed is committed, it is not published.
CANCELLABLE = (Status.SEED_COMMITTED, Status.RUN, Status.REVIEWED)


@transaction.atomic
def cancel_run(*, run: SelectionRun, actor: User, reason: str) -> SelectionRun:
    """Abandon a run whose seed was committed and that will never be published (the wave
    was given up, the run cannot be finished): recorded in the proof log, so everyone
    sees the commitment was withdrawn and not silently dropped. A cancelled run counts
    nowhere and no longer keeps later waves from running (_refuse_out_of_order); its
    wave gets no other run, so a draw nobody liked cannot be drawn again. The seed stays
    secret. Refused once published."""
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise CancelReasonMissingError(field="reason")
    run = SelectionRun.objects.select_for_update().select_related("wave").get(pk=run.pk)
    if run.status == Status.PUBLISHED:
        raise RunAlreadyPublishedError()
    if run.status not in CANCELLABLE:
        raise RunNotCancellableError()
    cancelled_from = run.status
    run.status = Status.CANCELLED
    run.cancelled_at, run.cancelled_by, run.cancel_reason = timezone.now(), actor, reason
    run.requested_step = ""
    run.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "requested_step",
            "updated_at",
        ]
    )
    entry = proof_log.append_entry(
        kind=ProofLogEntry.Kind.RUN_CANCELLED,
        wave=run.wave.number,
        payload={"seed_hash": run.seed_hash, "cancelled_from": cancelled_from},
    )
    record_event(
        action="selection.run_cancelled",
        actor=actor,
        target=run,
        wave=run.wave.number,
        cancelled_from=cancelled_from,
        reason=reason,
        log_entry=entry.entry_hash,
    )
    return run
