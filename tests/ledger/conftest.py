"""Accounts as the programme opens them: the state budget, a year's fund, cards, platforms."""

from __future__ import annotations

import itertools

import pytest

from bekal.ledger.models import AccountKind, LedgerAccount
from bekal.ledger.services import open_account, post_transaction

_keys = itertools.count(1)


def key(prefix: str = "test") -> str:
    return f"{prefix}:{next(_keys)}"


def funded_fund(amount: int = 100_000_000) -> LedgerAccount:
    budget = open_account(code="budget:apbn:2020", kind=AccountKind.FUNDING_SOURCE)
    fund = open_account(code="programme:training_fund:2020", kind=AccountKind.PROGRAMME_FUND)
    post_transaction(
        idempotency_key=key("allocation"),
        kind="budget_allocation",
        lines=[(budget, -amount), (fund, amount)],
    )
    return fund


def funded_card(card_id: str = "1", amount: int = 1_000_000) -> LedgerAccount:
    fund = funded_fund()
    card = open_account(
        code=f"card:{card_id}",
        kind=AccountKind.CARD_BALANCE,
        owner_type="selection.card",
        owner_id=card_id,
    )
    post_transaction(
        idempotency_key=f"card_funding:{card_id}",
        kind="card_funding",
        lines=[(fund, -amount), (card, amount)],
    )
    return card


def platform(platform_id: str = "7") -> LedgerAccount:
    return open_account(
        code=f"platform:{platform_id}:receivable",
        kind=AccountKind.PLATFORM_RECEIVABLE,
        owner_type="marketplace.platform",
        owner_id=platform_id,
    )


@pytest.fixture
def card() -> LedgerAccount:
    return funded_card()
