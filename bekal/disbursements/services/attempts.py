"""Attempts: paying each instalment exactly once.

An attempt's external id (the idempotency key) is committed before the provider is
called. A retry of the same attempt sends the same id (the provider refuses a second
transfer under it); a timeout leaves the attempt UNKNOWN until a status inquiry settles
it; a new attempt (a new id) is made only after a definitive failure and a new account.
Outcomes arrive from the submission's answer, callbacks, status inquiries and
statements, in any order and any number of times: `apply_outcome` applies only legal
transitions, each once, with its posting keyed.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from bekal.core import fact_keepers
from bekal.core.crypto import decrypt
from bekal.disbursements import notices, postings
from bekal.disbursements.models import Attempt, Batch, Instalment, PayoutAccount, ProviderEvent
from bekal.disbursements.providers import get_provider
from bekal.disbursements.providers.base import (
    CallbackEvent,
    ProviderUnavailableError,
    TransferRequest,
    TransferResult,
    TransferStatus,
)
from bekal.ledger.services import reverse_transaction

logger = logging.getLogger(__name__)

OPEN = (Attempt.Status.CREATED, Attempt.Status.PENDING, Attempt.Status.UNKNOWN)
#: An open attempt not heard of for this long is asked about.
POLL_AFTER = dt.timedelta(seconds=30)


def _external_id(instalment_id: int, number: int) -> str:
    """16 characters: the most an MT940 statement line keeps of a reference."""
    return f"BK{instalment_id:012d}{number:02d}"


@transaction.atomic
def create_attempts(*, batch: Batch) -> list[int]:
    """An attempt (its key committed) for every item of the batch without a live one."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (Batch.Status.APPROVED, Batch.Status.SUBMITTED):
        return []
    items = list(
        Instalment.objects.filter(batch=batch, status=Instalment.Status.IN_FLIGHT)
        .exclude(attempts__status__in=[*OPEN, Attempt.Status.SUCCEEDED])
        .values_list("pk", "user_id", "amount")
    )
    accounts = {
        a.user_id: a
        for a in PayoutAccount.objects.filter(
            user_id__in=[u for _i, u, _a in items], status=PayoutAccount.Status.ACTIVE
        )
    }
    counts: dict[int, int] = {}
    for instalment_id in Attempt.objects.filter(
        instalment_id__in=[i for i, _u, _a in items]
    ).values_list("instalment_id", flat=True):
        counts[instalment_id] = counts.get(instalment_id, 0) + 1
    attempts = [
        Attempt(
            instalment_id=instalment_id,
            batch=batch,
            account=accounts[user_id],
            provider=batch.provider,
            external_id=_external_id(instalment_id, counts.get(instalment_id, 0) + 1),
            amount=amount,
        )
        for instalment_id, user_id, amount in items
        if user_id in accounts
    ]
    Attempt.objects.bulk_create(attempts)
    return list(
        Attempt.objects.filter(batch=batch, status=Attempt.Status.CREATED).values_list(
            "pk", flat=True
        )
    )


def send_attempt(*, attempt_id: int) -> Attempt:
    """Send (or re-send under the same key) an attempt not yet settled. Safe to call
    again at any point: an attempt that may have reached the provider is asked about
    first, and the provider refuses a second transfer under the same key."""
    attempt = Attempt.objects.select_related("account").get(pk=attempt_id)
    if attempt.status not in OPEN:
        return attempt
    provider = get_provider()
    value_date = timezone.localdate(attempt.created_at)
    if attempt.sent_count > 0:
        try:
            known = provider.get_status(external_id=attempt.external_id, value_date=value_date)
        except ProviderUnavailableError:
            return _mark_unknown(attempt)
        if known.status != TransferStatus.NOT_FOUND:
            return apply_outcome(attempt_id=attempt.pk, result=known, via="status")
    # The count is committed before the call: after a crash we know it may have gone.
    Attempt.objects.filter(pk=attempt.pk).update(
        sent_count=attempt.sent_count + 1, updated_at=timezone.now()
    )
    request = TransferRequest(
        external_id=attempt.external_id,
        channel=attempt.account.channel,
        account_number=decrypt(attempt.account.number_encrypted),
        amount=int(attempt.amount),
        value_date=value_date,
    )
    try:
        result = provider.submit_transfer(request)
    except ProviderUnavailableError:
        return _mark_unknown(attempt)
    if result.duplicate:
        try:
            result = provider.get_status(external_id=attempt.external_id, value_date=value_date)
        except ProviderUnavailableError:
            return _mark_unknown(attempt)
    return apply_outcome(attempt_id=attempt.pk, result=result, via="submit")


def _mark_unknown(attempt: Attempt) -> Attempt:
    Attempt.objects.filter(pk=attempt.pk, status__in=OPEN).update(
        status=Attempt.Status.UNKNOWN, last_checked_at=timezone.now(), updated_at=timezone.now()
    )
    attempt.refresh_from_db()
    return attempt


@transaction.atomic
def apply_outcome(*, attempt_id: int, result: TransferResult, via: str) -> Attempt:
    """Apply what the provider says of an attempt, if it is a legal transition."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    instalment = Instalment.objects.select_for_update().get(pk=attempt.instalment_id)
    now = timezone.now()
    status = result.status
    if status == TransferStatus.RETURNED and attempt.status in OPEN:
        # The return overtook the success: the success happened first.
        _succeed(attempt, instalment, result, via, now)
    if status == TransferStatus.SUCCESS and attempt.status in OPEN:
        _succeed(attempt, instalment, result, via, now)
    elif status == TransferStatus.RETURNED and attempt.status == Attempt.Status.SUCCEEDED:
        _return(attempt, instalment, via, now)
    elif status == TransferStatus.FAILED and attempt.status in OPEN:
        _fail(attempt, instalment, result.failure_code or "rejected", via, now)
    elif status == TransferStatus.PENDING and attempt.status in (
        Attempt.Status.CREATED,
        Attempt.Status.UNKNOWN,
    ):
        attempt.status = Attempt.Status.PENDING
        attempt.provider_reference = result.provider_reference or attempt.provider_reference
        attempt.last_checked_at = now
        attempt.save(
            update_fields=["status", "provider_reference", "last_checked_at", "updated_at"]
        )
    elif attempt.status in OPEN:
        attempt.last_checked_at = now
        attempt.save(update_fields=["last_checked_at", "updated_at"])
    return attempt


def _succeed(
    attempt: Attempt, instalment: Instalment, result: TransferResult, via: str, now: dt.datetime
) -> None:
    attempt.confirm_posting = postings.post_confirmation(
        external_id=attempt.external_id,
        provider=attempt.provider,
        instalment_id=instalment.pk,
        amount=int(attempt.amount),
    )
    attempt.status = Attempt.Status.SUCCEEDED
    attempt.provider_reference = result.provider_reference or attempt.provider_reference
    attempt.settled_by, attempt.settled_at, attempt.last_checked_at = via, now, now
    attempt.save()
    instalment.status = Instalment.Status.PAID
    instalment.paid_at = now
    instalment.failure_code = ""
    instalment.save(update_fields=["status", "paid_at", "failure_code", "updated_at"])
    # "Received the incentive" is an eligibility fact of later waves (decision 0013).
    fact_keepers.registrants_changed(user_ids=[instalment.user_id])
    notices.tell_paid(instalment=instalment, account=attempt.account)


def _fail(attempt: Attempt, instalment: Instalment, code: str, via: str, now: dt.datetime) -> None:
    attempt.failure_posting = postings.post_failure(
        external_id=attempt.external_id,
        provider=attempt.provider,
        instalment_id=instalment.pk,
        card_id=instalment.card_id,
        amount=int(attempt.amount),
    )
    attempt.status = Attempt.Status.FAILED
    attempt.failure_code = code
    attempt.settled_by, attempt.settled_at, attempt.last_checked_at = via, now, now
    attempt.save()
    instalment.status = Instalment.Status.FAILED
    instalment.failure_code = code
    instalment.save(update_fields=["status", "failure_code", "updated_at"])
    notices.tell_failed(instalment=instalment, account=attempt.account)


def _return(attempt: Attempt, instalment: Instalment, via: str, now: dt.datetime) -> None:
    assert attempt.confirm_posting is not None
    reverse_transaction(
        transaction=attempt.confirm_posting,
        idempotency_key=f"payout-return-reversal:{attempt.external_id}",
        reason=f"returned by the provider after success ({via})",
    )
    attempt.failure_posting = postings.post_failure(
        external_id=attempt.external_id,
        provider=attempt.provider,
        instalment_id=instalment.pk,
        card_id=instalment.card_id,
        amount=int(attempt.amount),
        returned=True,
    )
    attempt.status = Attempt.Status.RETURNED
    attempt.failure_code = "returned"
    attempt.last_checked_at = now
    attempt.save()
    instalment.status = Instalment.Status.FAILED
    instalment.failure_code = "returned"
    instalment.paid_at = None
    instalment.save(update_fields=["status", "failure_code", "paid_at", "updated_at"])
    fact_keepers.registrants_changed(user_ids=[instalment.user_id])  # no longer paid
    notices.tell_failed(instalment=instalment, account=attempt.account)


def receive_callback(*, provider_code: str, headers: dict[str, str], body: bytes) -> str:
    """A provider's signed callback: stored raw, deduplicated by event id, applied if
    legal. Raises CallbackSignatureError (nothing stored) on a bad signature. Returns
    what was done: "applied", "duplicate" or "unknown_attempt"."""
    event: CallbackEvent = get_provider().parse_callback(headers=headers, body=body)
    with transaction.atomic():
        stored, created = ProviderEvent.objects.get_or_create(
            provider=provider_code,
            event_id=event.event_id,
            defaults={
                "external_id": event.external_id,
                "status": event.status.value,
                "raw_body": body.decode(errors="replace"),
            },
        )
        if not created:
            return "duplicate"
        attempt = Attempt.objects.filter(external_id=event.external_id).first()
        if attempt is None:
            stored.outcome = "unknown_attempt"
            stored.save(update_fields=["outcome"])
            return "unknown_attempt"
        before = attempt.status
        after = apply_outcome(
            attempt_id=attempt.pk,
            result=TransferResult(event.status, event.failure_code, event.provider_reference),
            via="callback",
        ).status
        stored.outcome = "applied" if after != before else f"ignored:{before}"
        stored.save(update_fields=["outcome"])
        return "applied"


def poll_open_attempts(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Ask the provider about attempts still open after a while (a timeout, a lost
    callback, a worker killed after it sent); the number asked about."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(status__in=OPEN, updated_at__lt=now - POLL_AFTER)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    for attempt_id in ids:
        send_attempt(attempt_id=attempt_id)
    return len(ids)
