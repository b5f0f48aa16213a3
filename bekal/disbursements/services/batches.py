"""Batches in the back office: prepared by one officer with a control count and sum,
approved by another (maker-checker), cancellable until submitted, submitted by a job.

Each item keeps its own outcome (bekal.disbursements.services.attempts): a batch is never
all-or-nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.disbursements import postings
from bekal.disbursements.errors import (
    BatchStateError,
    ControlTotalsError,
    NothingToBatchError,
    SameOfficerError,
)
from bekal.disbursements.models import Batch, Instalment, PayoutAccount
from bekal.ledger.services import reverse_transaction


def _payable_instalments() -> object:
    active = PayoutAccount.objects.filter(user=OuterRef("user"), status=PayoutAccount.Status.ACTIVE)
    return (
        Instalment.objects.filter(status=Instalment.Status.DUE, batch__isnull=True)
        .filter(Exists(active))
        .order_by("pk")
    )


@transaction.atomic
def prepare_batch(*, officer: User | None, provider: str | None = None) -> Batch:
    """A batch of the due instalments whose holder has an account in use (at most
    BEKAL_PAYOUT_BATCH_SIZE of them, oldest first). NothingToBatchError when none."""
    provider = provider or settings.BEKAL_PAYOUT_PROVIDER_CODE
    ids = list(
        _payable_instalments()  # type: ignore[attr-defined]
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)[: settings.BEKAL_PAYOUT_BATCH_SIZE]
    )
    if not ids:
        raise NothingToBatchError()
    totals = Instalment.objects.filter(pk__in=ids).aggregate(n=Count("pk"), s=Sum("amount"))
    batch = Batch.objects.create(
        provider=provider,
        control_count=totals["n"],
        control_sum=totals["s"],
        prepared_by=officer,
    )
    Instalment.objects.filter(pk__in=ids).update(batch=batch, updated_at=timezone.now())
    record_event(
        action="disbursements.batch_prepared",
        actor=officer,
        target=batch,
        count=batch.control_count,
        total=batch.control_sum,
    )
    return batch


@transaction.atomic
def approve_batch(*, batch: Batch, officer: User, control_count: int, control_sum: int) -> Batch:
    """The second officer approves with the control totals they checked: payable -> in
    flight is posted for the whole batch, and its submission is enqueued."""
    from bekal.disbursements import tasks

    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == Batch.Status.APPROVED and batch.approved_by_id == officer.pk:
        return batch  # a repeated submission
    if batch.status != Batch.Status.PREPARED:
        raise BatchStateError(status=batch.get_status_display())
    if batch.prepared_by_id == officer.pk:
        raise SameOfficerError()
    items = list(
        Instalment.objects.select_for_update()
        .filter(batch=batch, status=Instalment.Status.DUE)
        .values_list("pk", "card_id", "amount")
    )
    count, total = len(items), sum(a for _i, _c, a in items)
    if (count, total) != (batch.control_count, batch.control_sum) or (
        control_count,
        control_sum,
    ) != (count, total):
        raise ControlTotalsError(count=count, total=f"{total:,}".replace(",", "."))
    posting = postings.post_approval(batch_id=batch.pk, provider=batch.provider, items=items)
    Instalment.objects.filter(pk__in=[i for i, _c, _a in items]).update(
        status=Instalment.Status.IN_FLIGHT, updated_at=timezone.now()
    )
    batch.status = Batch.Status.APPROVED
    batch.approved_by = officer
    batch.approved_at = timezone.now()
    batch.approval_posting = posting
    batch.save(
        update_fields=["status", "approved_by", "approved_at", "approval_posting", "updated_at"]
    )
    record_event(
        action="disbursements.batch_approved",
        actor=officer,
        target=batch,
        count=count,
        total=total,
    )
    tasks.submit_batch.defer(batch_id=batch.pk)
    return batch


@transaction.atomic
def cancel_batch(*, batch: Batch, officer: User, reason: str = "") -> Batch:
    """Cancel a batch not yet submitted: its instalments are due again (an approved one's
    posting is reversed)."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == Batch.Status.CANCELLED:
        return batch
    if batch.status == Batch.Status.SUBMITTED or batch.attempts.exists():
        raise BatchStateError(status=batch.get_status_display())
    if batch.approval_posting is not None:
        reverse_transaction(
            transaction=batch.approval_posting,
            idempotency_key=f"payout-batch-cancelled:{batch.pk}",
            reason=reason or "batch cancelled before submission",
            actor=officer,
        )
    now = timezone.now()
    Instalment.objects.filter(batch=batch).update(
        status=Instalment.Status.DUE, batch=None, updated_at=now
    )
    batch.status = Batch.Status.CANCELLED
    batch.cancelled_by = officer
    batch.cancelled_at = now
    batch.save(update_fields=["status", "cancelled_by", "cancelled_at", "updated_at"])
    record_event(action="disbursements.batch_cancelled", actor=officer, target=batch, reason=reason)
    return batch
