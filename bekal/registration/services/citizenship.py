"""Asking the population registry again about identity checks recorded before it stated
citizenship (docs/registry.md, "Checks recorded before citizenship").

Such a check is verified with `citizenship` "": the eligibility rule `not_citizen` refuses
its holder until the registry has answered again. `start_citizenship_recheck` queues the
first batch; each batch job (`bekal.registration.tasks.recheck_citizenship`) reads the next
`batch_size` checks in id order with one statement, asks the registry about each outside
any transaction, records every answer of the batch with one UPDATE in one transaction
(with its audit rows, the eligibility facts refreshed, and the next batch queued), so a
single chain walks the whole table once, one batch at a time. The queueing lock keeps at
most one chain queued.

An answer is recorded only for a check still verified, in the same round and still
without citizenship: a profile resubmitted meanwhile is checked afresh by its own job.
A registry that no longer confirms the identity (mismatch, not found) leaves the check
as it was and is audited for the office; an unavailable registry records what was
answered, then fails the job, which is retried with the same batch (the answered checks
are no longer in it).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued

from bekal.accounts.models import User
from bekal.core import crypto, fact_keepers
from bekal.core.audit import record_event
from bekal.identity.registry import Outcome, get_registry
from bekal.registration.errors import RegistryUnavailableError
from bekal.registration.models import IdentityCheck

logger = logging.getLogger(__name__)

#: Checks asked about per job: each job is one read, one registry call a check, one write.
RECHECK_BATCH_SIZE = 500
RECHECK_LOCK = "citizenship-recheck"


def missing_citizenship() -> int:
    """How many verified checks have no citizenship recorded."""
    return IdentityCheck.objects.filter(
        status=IdentityCheck.Status.VERIFIED, citizenship=""
    ).count()


def _defer_batch(*, after_id: int, batch_size: int) -> bool:
    from bekal.registration.tasks import recheck_citizenship

    try:
        with transaction.atomic():  # a refused insert must not abort the caller's transaction
            recheck_citizenship.configure(queueing_lock=RECHECK_LOCK).defer(
                after_id=after_id, batch_size=batch_size
            )
    except AlreadyEnqueued:
        return False
    return True


@transaction.atomic
def start_citizenship_recheck(
    *, actor: User | None = None, batch_size: int = RECHECK_BATCH_SIZE
) -> int:
    """Queue the re-check of every verified check without citizenship, in batches of
    `batch_size`; returns how many checks are waiting (0: nothing queued). Starting it
    again while a batch is queued changes nothing."""
    waiting = missing_citizenship()
    if waiting:
        queued = _defer_batch(after_id=0, batch_size=batch_size)
        record_event(
            action="registration.citizenship_recheck_started",
            actor=actor,
            checks=waiting,
            batch_size=batch_size,
            queued=queued,
        )
    return waiting


@dataclass(frozen=True, slots=True)
class _Asked:
    check_id: int
    round: int
    user_id: int
    nik: str
    full_name: str
    birth_date: dt.date


@dataclass
class RecheckBatch:
    """What one batch did."""

    asked: int = 0
    recorded: dict[str, int] = field(default_factory=dict)
    unconfirmed: int = 0
    unavailable: int = 0
    #: The last check id of the batch (the next batch starts after it); None when empty.
    last_id: int | None = None


_BATCH = """
    SELECT c.id, c.round, p.user_id, p.nik_encrypted, p.full_name, p.birth_date
    FROM registration_identitycheck c JOIN registration_profile p ON p.id = c.profile_id
    WHERE c.status = 'verified' AND c.citizenship = '' AND c.id > %s
    ORDER BY c.id LIMIT %s
"""

_RECORD = """
    UPDATE registration_identitycheck c
    SET citizenship = a.citizenship, checked_at = %s, updated_at = %s
    FROM unnest(%s::bigint[], %s::integer[], %s::text[]) AS a(id, round, citizenship)
    WHERE c.id = a.id AND c.round = a.round AND c.status = 'verified' AND c.citizenship = ''
    RETURNING c.id
"""


def _read_batch(after_id: int, batch_size: int) -> list[_Asked]:
    with connection.cursor() as cursor:
        cursor.execute(_BATCH, [after_id, batch_size])
        rows = cursor.fetchall()
    return [
        _Asked(check_id, round_, user_id, crypto.decrypt(nik), full_name, birth_date)
        for check_id, round_, user_id, nik, full_name, birth_date in rows
    ]


def recheck_citizenship_batch(
    *, after_id: int, batch_size: int = RECHECK_BATCH_SIZE
) -> RecheckBatch:
    """The job's work: ask the registry about the next batch after `after_id` and record
    the citizenship it states; queue the batch after it. Raises RegistryUnavailableError
    (after recording the answers it got) when the registry did not answer about some."""
    batch = _read_batch(after_id, batch_size)
    result = RecheckBatch(asked=len(batch), last_id=batch[-1].check_id if batch else None)
    registry = get_registry()
    answered: list[tuple[_Asked, str]] = []
    unconfirmed: list[tuple[_Asked, str]] = []
    for asked in batch:
        answer = registry.verify(
            nik=asked.nik, full_name=asked.full_name, birth_date=asked.birth_date
        )
        if answer.outcome is Outcome.MATCH and answer.citizenship is not None:
            answered.append((asked, str(answer.citizenship)))
        elif answer.outcome is Outcome.UNAVAILABLE:
            result.unavailable += 1
        else:
            unconfirmed.append((asked, str(answer.outcome)))
    _record(answered, unconfirmed, result)
    if result.unavailable:
        raise RegistryUnavailableError(
            f"{result.unavailable} of {result.asked} citizenship re-checks unanswered"
        )
    if result.last_id is not None and len(batch) == batch_size:
        _defer_batch(after_id=result.last_id, batch_size=batch_size)
    logger.info(
        "citizenship re-check after %s: %s asked, %s recorded, %s unconfirmed",
        after_id,
        result.asked,
        result.recorded,
        result.unconfirmed,
    )
    return result


@transaction.atomic
def _record(
    answered: list[tuple[_Asked, str]],
    unconfirmed: list[tuple[_Asked, str]],
    result: RecheckBatch,
) -> None:
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD,
            [
                now,
                now,
                [a.check_id for a, _ in answered],
                [a.round for a, _ in answered],
                [citizenship for _, citizenship in answered],
            ],
        )
        recorded = {row[0] for row in cursor.fetchall()}
    users: list[int] = []
    for asked, citizenship in answered:
        if asked.check_id not in recorded:
            continue  # resubmitted or answered meanwhile
        users.append(asked.user_id)
        result.recorded[citizenship] = result.recorded.get(citizenship, 0) + 1
        record_event(
            action="registration.citizenship_rechecked",
            subject_user=User(pk=asked.user_id),
            target=IdentityCheck(pk=asked.check_id),
            citizenship=citizenship,
            round=asked.round,
        )
    for asked, outcome in unconfirmed:
        result.unconfirmed += 1
        record_event(
            action="registration.citizenship_recheck_unconfirmed",
            subject_user=User(pk=asked.user_id),
            target=IdentityCheck(pk=asked.check_id),
            outcome=outcome,
            round=asked.round,
        )
    fact_keepers.registrants_changed(user_ids=users)
