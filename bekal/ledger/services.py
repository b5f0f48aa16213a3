"""Ledger writes: open an account, post a transaction, reverse one.

Other apps move money only through `post_transaction` (and `reverse_transaction` for a
correction). A posting is idempotent by its key, balanced (its amounts sum to zero) and
balance-protected: the accounts it touches are locked in id order, and a posting that
would take an account that holds money below zero is refused with
InsufficientBalanceError. The cached balances are updated under those locks.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection
from django.db import transaction as db_transaction

from bekal.core.audit import record_event
from bekal.ledger.errors import (
    AccountConflictError,
    IdempotencyConflictError,
    InsufficientBalanceError,
    TransactionAlreadyReversedError,
    UnbalancedTransactionError,
)
from bekal.ledger.models import NEGATIVE_ALLOWED, AccountKind, Entry, LedgerAccount, Transaction

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")
REVERSAL_KIND = "reversal"

Line = tuple[LedgerAccount, int]


@db_transaction.atomic
def open_account(
    *, code: str, kind: AccountKind | str, owner_type: str = "", owner_id: str = ""
) -> LedgerAccount:
    """The account with this code, created if new. Idempotent: opening it again with the
    same kind and owner returns it; another kind or owner raises AccountConflictError."""
    if not code or len(code) > 100:
        raise ValueError("an account code is 1 to 100 characters")
    kind = AccountKind(kind)
    account, _created = LedgerAccount.objects.get_or_create(
        code=code,
        defaults={
            "kind": kind,
            "owner_type": owner_type,
            "owner_id": owner_id,
            "allow_negative": kind in NEGATIVE_ALLOWED,
        },
    )
    if (account.kind, account.owner_type, account.owner_id) != (kind, owner_type, owner_id):
        raise AccountConflictError(
            f"account {code!r} exists as {account.kind} owned by "
            f"{account.owner_type}:{account.owner_id}"
        )
    return account


@db_transaction.atomic
def open_accounts(
    *, specs: Sequence[tuple[str, AccountKind | str, str, str]]
) -> list[LedgerAccount]:
    """Many accounts at once, as `open_account` opens one: (code, kind, owner type, owner
    id) each; new ones are inserted in one statement, existing ones must agree
    (AccountConflictError). For callers that open thousands at a time (payouts)."""
    wanted = {
        code: (AccountKind(kind), owner_type, owner_id)
        for code, kind, owner_type, owner_id in specs
    }
    LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(
                code=code,
                kind=kind,
                owner_type=owner_type,
                owner_id=owner_id,
                allow_negative=kind in NEGATIVE_ALLOWED,
            )
            for code, (kind, owner_type, owner_id) in wanted.items()
        ],
        ignore_conflicts=True,
    )
    accounts = list(LedgerAccount.objects.filter(code__in=wanted))
    for account in accounts:
        if (account.kind, account.owner_type, account.owner_id) != wanted[account.code]:
            raise AccountConflictError(
                f"account {account.code!r} exists as {account.kind} owned by "
                f"{account.owner_type}:{account.owner_id}"
            )
    return accounts


@db_transaction.atomic
def post_transaction(
    *,
    idempotency_key: str,
    kind: str,
    lines: Sequence[Line],
    description: str = "",
    metadata: dict[str, Any] | None = None,
) -> Transaction:
    """Post one balanced transaction, once.

    `lines` are (account, amount) pairs: signed integer rupiah, positive into the
    account, negative out of it, summing to zero, at least two. Posting again with the
    same key returns the transaction already posted when its kind and lines are the
    same (description and metadata are the first posting's); otherwise raises
    IdempotencyConflictError. Raises InsufficientBalanceError, and changes nothing, when
    an account that may not go negative would.
    """
    posted, _created = _post(
        idempotency_key=idempotency_key,
        kind=kind,
        lines=lines,
        description=description,
        metadata=metadata or {},
        reversal_of=None,
    )
    return posted


@db_transaction.atomic
def reverse_transaction(
    *, transaction: Transaction, idempotency_key: str, reason: str, actor: Any = None
) -> Transaction:
    """Post the mirror image of `transaction` (the ledger's only correction).

    Idempotent by key like any posting. A transaction is reversed at most once
    (TransactionAlreadyReversedError); a reversal that would take an account below zero
    (e.g. a card balance already spent) is refused with InsufficientBalanceError.
    """
    if not reason.strip():
        raise ValueError("a reversal states its reason")
    lines = [
        (entry.account, -entry.amount) for entry in transaction.entries.select_related("account")
    ]
    reversal, created = _post(
        idempotency_key=idempotency_key,
        kind=REVERSAL_KIND,
        lines=lines,
        description=f"Reversal of {transaction.idempotency_key}: {reason}"[:255],
        metadata={"reason": reason, "reverses": transaction.idempotency_key},
        reversal_of=transaction,
    )
    if created:
        record_event(
            action="ledger.transaction_reversed",
            actor=actor,
            target=transaction,
            reversal=reversal.idempotency_key,
            reason=reason,
        )
    return reversal


def _post(
    *,
    idempotency_key: str,
    kind: str,
    lines: Sequence[Line],
    description: str,
    metadata: dict[str, Any],
    reversal_of: Transaction | None,
) -> tuple[Transaction, bool]:
    """The posted transaction, and whether this call posted it (False: a replay)."""
    lines = list(lines)
    _check_posting(idempotency_key=idempotency_key, kind=kind, lines=lines)
    payload = _Payload(kind, lines, reversal_of)

    existing = Transaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return payload.replayed(existing), False

    deltas: dict[int, int] = defaultdict(int)
    for account, amount in lines:
        deltas[account.pk] += amount
    # Lock every account touched, always in id order so two postings never deadlock.
    # Under READ COMMITTED each statement below sees what committed while we waited.
    locked = list(
        LedgerAccount.objects.select_for_update()
        .filter(pk__in=deltas)
        .order_by("pk")
        .values_list("pk", "code", "balance", "allow_negative")
    )
    existing = Transaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:  # a concurrent posting with this key committed first
        return payload.replayed(existing), False
    if reversal_of is not None and Transaction.objects.filter(reversal_of=reversal_of).exists():
        raise TransactionAlreadyReversedError()
    for pk, code, balance, allow_negative in locked:
        if not allow_negative and balance + deltas[pk] < 0:
            raise InsufficientBalanceError(account_code=code, available=balance, needed=-deltas[pk])

    try:
        with db_transaction.atomic():
            posted = Transaction.objects.create(
                idempotency_key=idempotency_key,
                kind=kind,
                description=description,
                metadata=metadata,
                reversal_of=reversal_of,
            )
    except IntegrityError:
        # The same key (or a second reversal of one transaction) committed by a posting
        # that touched other accounts, so our locks did not serialise us.
        existing = Transaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return payload.replayed(existing), False
        raise TransactionAlreadyReversedError() from None
    Entry.objects.bulk_create(
        Entry(transaction=posted, account_id=account.pk, amount=amount) for account, amount in lines
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgeraccount AS a SET balance = a.balance + d.delta"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS d(id, delta) WHERE a.id = d.id",
            [list(deltas), list(deltas.values())],
        )
    return posted, True


def _check_posting(*, idempotency_key: str, kind: str, lines: Sequence[Line]) -> None:
    if not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= 200:
        raise ValueError("an idempotency key is a string of 1 to 200 characters")
    if not isinstance(kind, str) or not KIND_PATTERN.match(kind):
        raise ValueError(f"a transaction kind is a lower-case code like 'card_funding': {kind!r}")
    if len(lines) < 2:
        raise UnbalancedTransactionError("a transaction has at least two lines")
    for line in lines:
        account, amount = line
        if not isinstance(account, LedgerAccount) or account.pk is None:
            raise TypeError(f"a line's account is a saved LedgerAccount, not {account!r}")
        if type(amount) is not int:  # refuses bool, float, Decimal
            raise TypeError(f"amounts are integer rupiah, not {type(amount).__name__}")
        if amount == 0:
            raise UnbalancedTransactionError("a line moves a non-zero amount")
    total = sum(amount for _account, amount in lines)
    if total != 0:
        raise UnbalancedTransactionError(f"the lines sum to {total}, not zero")


class _Payload:
    """What an idempotent replay must match: kind, lines (as a multiset) and reversal."""

    def __init__(self, kind: str, lines: Sequence[Line], reversal_of: Transaction | None):
        self.kind = kind
        self.lines = Counter((account.pk, amount) for account, amount in lines)
        self.reversal_of_id = reversal_of.pk if reversal_of is not None else None

    def replayed(self, existing: Transaction) -> Transaction:
        posted_lines = Counter(existing.entries.values_list("account_id", "amount"))
        if (existing.kind, posted_lines, existing.reversal_of_id) != (
            self.kind,
            self.lines,
            self.reversal_of_id,
        ):
            raise IdempotencyConflictError(idempotency_key=existing.idempotency_key)
        return existing
