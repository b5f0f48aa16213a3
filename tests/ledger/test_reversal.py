"""A correction is a reversing transaction, never an edit."""

from __future__ import annotations

import pytest

from bekal.core.models import AuditEvent
from bekal.ledger.errors import (
    IdempotencyConflictError,
    InsufficientBalanceError,
    TransactionAlreadyReversedError,
)
from bekal.ledger.models import Transaction
from bekal.ledger.selectors import get_balance, list_entries
from bekal.ledger.services import post_transaction, reverse_transaction
from tests.ledger.conftest import platform

pytestmark = pytest.mark.django_db


def purchase(card, amount=300_000, key="purchase:1"):
    return post_transaction(
        idempotency_key=key, kind="purchase", lines=[(card, -amount), (platform(), amount)]
    )


def test_a_reversal_gives_the_money_back_and_keeps_both_postings(card):
    original = purchase(card)

    reversal = reverse_transaction(
        transaction=original, idempotency_key="refund:1", reason="course withdrawn"
    )

    assert get_balance(account=card) == 1_000_000
    assert get_balance(account=platform()) == 0
    assert [e.amount for e in list_entries(account=card, limit=10)] == [
        300_000,
        -300_000,
        1_000_000,
    ]
    assert reversal.reversal_of == original
    assert reversal.kind == "reversal"
    assert reversal.metadata == {"reason": "course withdrawn", "reverses": "purchase:1"}
    event = AuditEvent.objects.get(action="ledger.transaction_reversed")
    assert event.object_id == str(original.pk)
    assert event.details == {"reversal": "refund:1", "reason": "course withdrawn"}


def test_a_reversal_sent_twice_acts_once(card):
    original = purchase(card)

    first = reverse_transaction(transaction=original, idempotency_key="refund:1", reason="x")
    again = reverse_transaction(transaction=original, idempotency_key="refund:1", reason="x")

    assert again.pk == first.pk
    assert get_balance(account=card) == 1_000_000
    assert AuditEvent.objects.filter(action="ledger.transaction_reversed").count() == 1


def test_a_transaction_is_reversed_only_once(card):
    original = purchase(card)
    reverse_transaction(transaction=original, idempotency_key="refund:1", reason="x")

    with pytest.raises(TransactionAlreadyReversedError) as refusal:
        reverse_transaction(transaction=original, idempotency_key="refund:2", reason="x")

    assert refusal.value.code == "transaction_already_reversed"
    assert get_balance(account=card) == 1_000_000
    assert not Transaction.objects.filter(idempotency_key="refund:2").exists()


def test_a_reversal_key_already_used_by_another_posting_is_refused(card):
    original = purchase(card)
    purchase(card, amount=100_000, key="purchase:2")

    with pytest.raises(IdempotencyConflictError):
        reverse_transaction(transaction=original, idempotency_key="purchase:2", reason="x")

    assert get_balance(account=card) == 600_000


def test_a_card_funding_cannot_be_reversed_once_the_money_is_spent(card):
    funding = Transaction.objects.get(idempotency_key="card_funding:1")
    purchase(card, amount=400_000)

    with pytest.raises(InsufficientBalanceError):
        reverse_transaction(transaction=funding, idempotency_key="revocation:1", reason="revoked")

    assert get_balance(account=card) == 600_000
