"""Refusals of the ledger.

`InsufficientBalanceError`, `IdempotencyConflictError` and
`TransactionAlreadyReversedError` are DomainErrors: a user or a partner may meet them and
interfaces map them to HTTP. The others are programming errors (a caller built a bad
posting) and are plain Python exceptions.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError
from bekal.core.money import format_rupiah


class InsufficientBalanceError(DomainError):
    code = "insufficient_balance"
    http_status = 409
    message = _("Insufficient balance: %(available)s available, %(needed)s needed.")

    def __init__(self, *, account_code: str, available: int, needed: int) -> None:
        super().__init__(available=format_rupiah(available), needed=format_rupiah(needed))
        self.account_code = account_code
        self.available = available
        self.needed = needed


class IdempotencyConflictError(DomainError):
    code = "idempotency_key_reused"
    http_status = 409
    message = _("This idempotency key was already used for a different request.")

    def __init__(self, *, idempotency_key: str) -> None:
        super().__init__()
        self.idempotency_key = idempotency_key


class TransactionAlreadyReversedError(DomainError):
    code = "transaction_already_reversed"
    http_status = 409
    message = _("This transaction has already been reversed.")


class UnbalancedTransactionError(ValueError):
    """The lines of a posting do not sum to zero, or there are fewer than two."""


class AccountConflictError(ValueError):
    """An account with this code exists with another kind or owner."""


class AppendOnlyError(RuntimeError):
    """Ledger transactions and entries are never updated or deleted: post a reversal."""
