"""Ledger reads: balances, entries, and the reconciliation of cached balances."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from bekal.core.errors import NotFoundError
from bekal.ledger.models import Entry, LedgerAccount


def get_account(*, code: str) -> LedgerAccount:
    try:
        return LedgerAccount.objects.get(code=code)
    except LedgerAccount.DoesNotExist:
        raise NotFoundError(code="ledger_account_not_found") from None


def get_balance(*, account: LedgerAccount) -> int:
    """The account's balance in rupiah, as of now (the cached sum of its entries)."""
    return LedgerAccount.objects.values_list("balance", flat=True).get(pk=account.pk)


def list_entries(*, account: LedgerAccount, limit: int = 50) -> list[Entry]:
    """The account's entries, newest first, each with its transaction."""
    return list(
        Entry.objects.filter(account=account).select_related("transaction").order_by("-id")[:limit]
    )


@dataclass(frozen=True, slots=True)
class BalanceDiscrepancy:
    code: str
    cached: int
    computed: int


@dataclass(frozen=True, slots=True)
class LedgerVerification:
    accounts_checked: int
    #: Accounts whose cached balance differs from the sum of their entries.
    discrepancies: list[BalanceDiscrepancy] = field(default_factory=list)
    #: Accounts that may not go negative whose entries sum below zero.
    negative: list[BalanceDiscrepancy] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.discrepancies and not self.negative


def verify_balances() -> LedgerVerification:
    """Recompute every account's balance from its entries in one set-based query and
    report the accounts whose cached balance differs, or that went below zero."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger_ledgeraccount")
        (accounts_checked,) = cursor.fetchone()
        cursor.execute(
            """
            SELECT a.code, a.balance, coalesce(s.total, 0), a.allow_negative
            FROM ledger_ledgeraccount AS a
            LEFT JOIN (
                SELECT account_id, sum(amount) AS total FROM ledger_entry GROUP BY account_id
            ) AS s ON s.account_id = a.id
            WHERE a.balance <> coalesce(s.total, 0)
               OR (NOT a.allow_negative AND coalesce(s.total, 0) < 0)
            ORDER BY a.code
            """
        )
        rows = cursor.fetchall()
    found = [
        (BalanceDiscrepancy(code, cached, int(total)), allow) for code, cached, total, allow in rows
    ]
    return LedgerVerification(
        accounts_checked=accounts_checked,
        discrepancies=[d for d, _allow in found if d.cached != d.computed],
        negative=[d for d, allow in found if not allow and d.computed < 0],
    )
