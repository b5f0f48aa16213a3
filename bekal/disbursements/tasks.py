"""Jobs of the payouts: each loads what it needs and calls one service."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from bekal.disbursements.models import Batch


@app.task(queue="payouts", retry=3)
def sweep_instalments() -> None:
    """Write new card holders' instalments, cancel revoked cards' and make due what is."""
    from bekal.disbursements.services import entitlements

    entitlements.create_instalments()
    entitlements.cancel_for_revoked_cards()
    entitlements.make_instalments_due()


def request_sweep() -> None:
    """Run the sweep soon (after a review: the first incentive may be due). One queued
    sweep at a time: a request while one waits is the same request."""
    with contextlib.suppress(AlreadyEnqueued):
        sweep_instalments.configure(queueing_lock="sweep_instalments_now").defer()


@app.periodic(cron="* * * * *", periodic_id="sweep_instalments")
@app.task(queue="payouts", queueing_lock="sweep_instalments")
def sweep_instalments_periodically(timestamp: int) -> None:
    sweep_instalments()


@app.task(queue="payouts", retry=5)
def submit_batch(batch_id: int) -> None:
    """Create the batch's attempts (keys committed first) and send each. Run again after
    a crash, it sends only what is still open, under the same keys."""
    from bekal.disbursements.services import attempts

    batch = Batch.objects.get(pk=batch_id)
    attempts.create_attempts(batch=batch)
    open_ids = list(
        batch.attempts.filter(status__in=attempts.OPEN).order_by("pk").values_list("pk", flat=True)
    )
    for attempt_id in open_ids:
        attempts.send_attempt(attempt_id=attempt_id)
    Batch.objects.filter(pk=batch_id, status=Batch.Status.APPROVED).update(
        status=Batch.Status.SUBMITTED, submitted_at=timezone.now()
    )


@app.periodic(cron="* * * * *", periodic_id="poll_open_attempts")
@app.task(queue="payouts", queueing_lock="poll_open_attempts")
def poll_open_attempts(timestamp: int) -> None:
    from bekal.disbursements.services import attempts

    attempts.poll_open_attempts()


@app.task(queue="payouts", retry=3)
def import_statement(provider: str, day: str, format: str = "csv") -> None:
    from bekal.disbursements import reconciliation

    reconciliation.fetch_and_match(provider=provider, day=dt.date.fromisoformat(day), format=format)
