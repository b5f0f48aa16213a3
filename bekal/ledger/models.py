"""Double-entry ledger: accounts, transactions (postings) and their entries.

Sign convention: an entry's `amount` is signed integer rupiah; positive moves money into
the account, negative moves it out. The entries of a transaction sum to zero and an
account's balance is the sum of its entries. Only a funding source (the state budget the
programme draws on) may go below zero; every other account holds money and may not.

Transactions and entries are append-only: the model refuses to save an existing row or
delete one, and PostgreSQL triggers refuse UPDATE and DELETE from any code path (see
migration 0002). A deferred constraint trigger checks at commit that every transaction's
entries sum to zero. docs/decisions/0004-ledger.md explains the choices.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from bekal.ledger.errors import AppendOnlyError

CURRENCY = "IDR"


class AccountKind(models.TextChoices):
    #: The state budget allocation the programme draws on; the only kind that may go
    #: negative (its balance is minus what it has allocated).
    FUNDING_SOURCE = "funding_source", _("Funding source")
    #: A programme year's money not yet given to cards or incentives.
    PROGRAMME_FUND = "programme_fund", _("Programme fund")
    #: A card holder's training balance.
    CARD_BALANCE = "card_balance", _("Card balance")
    #: What the programme owes a digital platform for trainings bought.
    PLATFORM_RECEIVABLE = "platform_receivable", _("Platform receivable")
    #: Incentives owed to a participant, not yet paid out.
    INCENTIVE_PAYABLE = "incentive_payable", _("Incentive payable")
    #: Money that has left the programme through a payment partner.
    PAID_OUT = "paid_out", _("Paid out")


#: Kinds whose balance may go below zero. Everything else holds money.
NEGATIVE_ALLOWED = frozenset({AccountKind.FUNDING_SOURCE})


class LedgerAccount(models.Model):
    """One bucket of money, e.g. "card:123", "programme:training_fund:2020".

    `balance` is a cache of the sum of the account's entries, updated in the same
    database transaction as each posting under the account's row lock; `verify_balances`
    recomputes it from the entries. The owner is a (type, id) pair of strings so the
    ledger imports no other app.
    """

    code = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=32, choices=AccountKind.choices)
    currency = models.CharField(max_length=3, default=CURRENCY, editable=False)
    owner_type = models.CharField(max_length=64, blank=True)
    owner_id = models.CharField(max_length=64, blank=True)
    allow_negative = models.BooleanField(default=False)
    balance = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(currency=CURRENCY), name="ledger_account_currency_idr"
            ),
            models.CheckConstraint(
                condition=models.Q(allow_negative=True) | models.Q(balance__gte=0),
                name="ledger_account_balance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("ledger rows are never updated: post a reversal")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("ledger rows are never deleted: post a reversal")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("ledger rows are never updated: post a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("ledger rows are never deleted: post a reversal")


class Transaction(AppendOnlyModel):
    """One posting: entries that move money between accounts and sum to zero."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=64)
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    metadata = models.JSONField(default=dict, blank=True)
    #: The transaction this one reverses (a correction); a transaction is reversed once.
    reversal_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class Entry(AppendOnlyModel):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    #: Signed rupiah: positive into the account, negative out of it; never zero.
    amount = models.BigIntegerField()

    class Meta:
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["account", "id"], name="ledger_entry_account_id")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="ledger_entry_amount_not_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"
