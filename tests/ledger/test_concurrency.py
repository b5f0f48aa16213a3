"""Postings racing each other on real, separate database connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from bekal.ledger.errors import InsufficientBalanceError
from bekal.ledger.models import Entry, Transaction
from bekal.ledger.selectors import get_balance, verify_balances
from bekal.ledger.services import post_transaction
from tests.ledger.conftest import funded_card, platform

pytestmark = pytest.mark.django_db(transaction=True)


def race(attempts: list[Callable[[], Any]]) -> list[Any]:
    """Run the attempts at once, each on its own thread and database connection; return
    what each returned or raised."""
    start = threading.Barrier(len(attempts))
    outcomes: list[Any] = [None] * len(attempts)

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            outcomes[index] = attempts[index]()
        except BaseException as exc:
            outcomes[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_eight_simultaneous_purchases_of_300000_from_1000000_three_succeed():
    card, receivable = funded_card(amount=1_000_000), platform()

    def buy(n: int) -> Callable[[], Any]:
        return lambda: post_transaction(
            idempotency_key=f"purchase:{n}",
            kind="purchase",
            lines=[(card, -300_000), (receivable, 300_000)],
        )

    outcomes = race([buy(n) for n in range(8)])

    posted = [o for o in outcomes if isinstance(o, Transaction)]
    refused = [o for o in outcomes if isinstance(o, InsufficientBalanceError)]
    assert (len(posted), len(refused)) == (3, 5), outcomes
    assert get_balance(account=card) == 100_000
    assert sum(Entry.objects.filter(account=card).values_list("amount", flat=True)) == 100_000
    assert get_balance(account=receivable) == 900_000
    assert verify_balances().ok


def test_the_same_purchase_sent_four_times_at_once_is_posted_once():
    card, receivable = funded_card(amount=1_000_000), platform()

    def buy() -> Transaction:
        return post_transaction(
            idempotency_key="purchase:1",
            kind="purchase",
            lines=[(card, -300_000), (receivable, 300_000)],
        )

    outcomes = race([buy] * 4)

    assert all(isinstance(o, Transaction) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert get_balance(account=card) == 700_000


def test_the_same_key_sent_at_once_to_other_accounts_is_posted_once_and_refused_after():
    card, other_card = funded_card("1"), funded_card("2")
    # No account in common, so no row lock orders them: the unique key does.
    receivable, other_receivable = platform("7"), platform("8")

    def buy(account: Any, receivable: Any) -> Callable[[], Any]:
        return lambda: post_transaction(
            idempotency_key="purchase:1",
            kind="purchase",
            lines=[(account, -300_000), (receivable, 300_000)],
        )

    outcomes = race([buy(card, receivable), buy(other_card, other_receivable)])

    assert sorted(type(o).__name__ for o in outcomes) == [
        "IdempotencyConflictError",
        "Transaction",
    ], outcomes
    assert get_balance(account=card) + get_balance(account=other_card) == 1_700_000
    assert get_balance(account=receivable) + get_balance(account=other_receivable) == 300_000
