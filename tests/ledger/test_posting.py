"""Posting through the service: balanced, integer, idempotent, never below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from bekal.ledger.errors import (
    AccountConflictError,
    IdempotencyConflictError,
    InsufficientBalanceError,
    UnbalancedTransactionError,
)
from bekal.ledger.models import AccountKind, Entry, Transaction
from bekal.ledger.selectors import get_account, get_balance, list_entries
from bekal.ledger.services import open_account, post_transaction
from tests.ledger.conftest import funded_card, funded_fund, key, platform

pytestmark = pytest.mark.django_db


def test_a_purchase_moves_money_from_the_card_to_the_platform(card):
    receivable = platform()

    posted = post_transaction(
        idempotency_key="purchase:1",
        kind="purchase",
        lines=[(card, -300_000), (receivable, 300_000)],
        description="Kelas Excel",
        metadata={"voucher": "ABC"},
    )

    assert get_balance(account=card) == 700_000
    assert get_balance(account=receivable) == 300_000
    assert sorted(posted.entries.values_list("amount", flat=True)) == [-300_000, 300_000]
    assert posted.metadata == {"voucher": "ABC"}


@pytest.mark.parametrize(
    "amounts",
    [[-300_000, 200_000], [300_000, -300_001], [-1, 0, 1]],
    ids=["short", "over", "zero_line"],
)
def test_an_unbalanced_posting_is_refused_and_changes_nothing(card, amounts):
    receivable = platform()
    accounts = [card, receivable, receivable]

    with pytest.raises(UnbalancedTransactionError):
        post_transaction(
            idempotency_key="purchase:bad",
            kind="purchase",
            lines=list(zip(accounts, amounts, strict=False)),
        )

    assert get_balance(account=card) == 1_000_000
    assert not Transaction.objects.filter(idempotency_key="purchase:bad").exists()


@pytest.mark.parametrize("lines", [0, 1], ids=["no_line", "one_line"])
def test_a_posting_of_fewer_than_two_lines_is_refused(card, lines):
    with pytest.raises(UnbalancedTransactionError, match="at least two lines"):
        post_transaction(idempotency_key="odd", kind="purchase", lines=[(card, 5)][:lines])

    assert not Transaction.objects.filter(idempotency_key="odd").exists()


@pytest.mark.parametrize(
    "amount", [300_000.0, Decimal("300000"), True], ids=["float", "decimal", "bool"]
)
def test_amounts_that_are_not_integer_rupiah_are_refused(card, amount):
    receivable = platform()

    with pytest.raises(TypeError, match="integer rupiah"):
        post_transaction(
            idempotency_key=key(), kind="purchase", lines=[(card, -amount), (receivable, amount)]
        )

    assert get_balance(account=receivable) == 0


def test_the_same_posting_sent_twice_acts_once(card):
    receivable = platform()
    lines = [(card, -300_000), (receivable, 300_000)]

    first = post_transaction(idempotency_key="purchase:1", kind="purchase", lines=lines)
    second = post_transaction(
        idempotency_key="purchase:1", kind="purchase", lines=list(reversed(lines))
    )

    assert second.pk == first.pk
    assert get_balance(account=card) == 700_000
    assert Entry.objects.filter(account=card).count() == 2  # the funding and one purchase


def test_a_replay_is_answered_even_when_the_balance_has_since_run_short(card):
    receivable = platform()
    lines = [(card, -1_000_000), (receivable, 1_000_000)]
    first = post_transaction(idempotency_key="purchase:1", kind="purchase", lines=lines)

    again = post_transaction(idempotency_key="purchase:1", kind="purchase", lines=lines)

    assert again.pk == first.pk
    assert get_balance(account=card) == 0


@pytest.mark.parametrize(
    ("kind", "amount"), [("purchase", 250_000), ("refund", 300_000)], ids=["amount", "kind"]
)
def test_another_payload_under_a_used_key_is_refused(card, kind, amount):
    receivable = platform()
    post_transaction(
        idempotency_key="purchase:1",
        kind="purchase",
        lines=[(card, -300_000), (receivable, 300_000)],
    )

    with pytest.raises(IdempotencyConflictError) as refusal:
        post_transaction(
            idempotency_key="purchase:1", kind=kind, lines=[(card, -amount), (receivable, amount)]
        )

    assert refusal.value.code == "idempotency_key_reused"
    assert get_balance(account=card) == 700_000


def test_a_used_key_with_the_same_amounts_on_other_accounts_is_refused(card):
    post_transaction(
        idempotency_key="purchase:1",
        kind="purchase",
        lines=[(card, -300_000), (platform("7"), 300_000)],
    )

    with pytest.raises(IdempotencyConflictError):
        post_transaction(
            idempotency_key="purchase:1",
            kind="purchase",
            lines=[(card, -300_000), (platform("8"), 300_000)],
        )

    assert get_balance(account=platform("8")) == 0


def test_a_card_cannot_spend_more_than_its_balance(card):
    receivable = platform()

    with pytest.raises(InsufficientBalanceError) as refusal:
        post_transaction(
            idempotency_key="purchase:big",
            kind="purchase",
            lines=[(card, -1_000_001), (receivable, 1_000_001)],
        )

    assert refusal.value.code == "insufficient_balance"
    assert refusal.value.account_code == "card:1"
    with translation.override("en"):
        assert str(refusal.value) == (
            "Insufficient balance: Rp 1.000.000 available, Rp 1.000.001 needed."
        )
    assert get_balance(account=card) == 1_000_000
    assert get_balance(account=receivable) == 0
    assert not Transaction.objects.filter(idempotency_key="purchase:big").exists()


def test_the_refusal_reads_in_indonesian_for_an_indonesian_user(card):
    with pytest.raises(InsufficientBalanceError) as refusal:
        post_transaction(
            idempotency_key=key(),
            kind="purchase",
            lines=[(card, -2_000_000), (platform(), 2_000_000)],
        )

    with translation.override("id"):
        assert str(refusal.value) == (
            "Saldo tidak cukup: tersedia Rp 1.000.000, dibutuhkan Rp 2.000.000."
        )


def test_a_card_can_spend_its_whole_balance(card):
    post_transaction(
        idempotency_key=key(), kind="purchase", lines=[(card, -1_000_000), (platform(), 1_000_000)]
    )

    assert get_balance(account=card) == 0


def test_the_programme_fund_cannot_give_cards_more_than_it_was_allocated():
    fund = funded_fund(amount=1_500_000)
    funded_card("1", amount=1_000_000)  # tops the fund up by 100,000,000 more
    card = open_account(code="card:2", kind=AccountKind.CARD_BALANCE)

    with pytest.raises(InsufficientBalanceError):
        post_transaction(
            idempotency_key=key(),
            kind="card_funding",
            lines=[(fund, -200_000_000), (card, 200_000_000)],
        )

    assert get_balance(account=fund) == 1_500_000 + 100_000_000 - 1_000_000


def test_the_funding_source_goes_negative_by_what_it_allocated():
    funded_fund(amount=5_000_000)

    assert get_balance(account=get_account(code="budget:apbn:2020")) == -5_000_000


def test_opening_an_account_twice_returns_the_same_account():
    first = open_account(
        code="card:9", kind=AccountKind.CARD_BALANCE, owner_type="selection.card", owner_id="9"
    )

    again = open_account(
        code="card:9", kind="card_balance", owner_type="selection.card", owner_id="9"
    )

    assert again.pk == first.pk
    assert not again.allow_negative


def test_opening_a_known_code_as_another_kind_is_refused():
    open_account(code="card:9", kind=AccountKind.CARD_BALANCE)

    with pytest.raises(AccountConflictError):
        open_account(code="card:9", kind=AccountKind.PROGRAMME_FUND)


def test_entries_are_listed_newest_first_with_their_transaction(card):
    receivable = platform()
    post_transaction(
        idempotency_key="purchase:1",
        kind="purchase",
        lines=[(card, -100_000), (receivable, 100_000)],
    )
    post_transaction(
        idempotency_key="purchase:2",
        kind="purchase",
        lines=[(card, -200_000), (receivable, 200_000)],
    )

    entries = list_entries(account=card, limit=2)

    assert [(e.transaction.idempotency_key, e.amount) for e in entries] == [
        ("purchase:2", -200_000),
        ("purchase:1", -100_000),
    ]
