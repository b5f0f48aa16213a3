"""Purchases racing each other on real, separate database connections."""

from __future__ import annotations

import pytest

from bekal.cards.selectors import get_card_balance
from bekal.cards.services import revoke_unused_cards
from bekal.ledger.selectors import verify_balances
from bekal.marketplace.errors import BalanceTooLowError, SessionFullError
from bekal.marketplace.models import Format, Purchase
from bekal.marketplace.services.purchases import purchase_course
from tests.ledger.test_concurrency import race
from tests.marketplace.factories import card_holder, course, session_input

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_purchases_never_take_the_card_below_zero():
    # given a 2020 card (Rp 1.000.000) and eight self-paced courses at Rp 300.000
    person, card = card_holder(scheme="2020")
    courses = [course(format=Format.SELF_PACED, price=300_000) for _ in range(8)]

    # when the holder buys all eight at the same moment
    outcomes = race(
        [
            lambda c=c: purchase_course(
                user=person, course_id=c.pk, idempotency_key=f"race-key-{c.pk}"
            )
            for c in courses
        ]
    )

    # then three are bought and five refused for the balance; Rp 100.000 is left
    bought = [o for o in outcomes if isinstance(o, Purchase)]
    refused = [o for o in outcomes if isinstance(o, BalanceTooLowError)]
    assert (len(bought), len(refused)) == (3, 5), outcomes
    assert get_card_balance(card=card) == 100_000
    assert Purchase.objects.filter(user=person).count() == 3
    assert verify_balances().ok


def test_the_same_purchase_sent_four_times_at_once_buys_once():
    person, card = card_holder()
    c = course(format=Format.SELF_PACED, price=400_000)

    outcomes = race(
        [lambda: purchase_course(user=person, course_id=c.pk, idempotency_key="one-key-for-all")]
        * 4
    )

    assert all(isinstance(o, Purchase) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert get_card_balance(card=card) == 3_100_000


def test_the_last_place_of_a_session_goes_to_one_of_two_buyers():
    (first, _), (second, _) = card_holder(), card_holder()
    c = course(sessions=[session_input(capacity=1)])
    session = c.sessions.get()

    outcomes = race(
        [
            lambda person=person: purchase_course(
                user=person,
                course_id=c.pk,
                session_id=session.pk,
                idempotency_key=f"last-seat-{person.pk}",
            )
            for person in (first, second)
        ]
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Purchase", "SessionFullError"], outcomes
    session.refresh_from_db()
    assert session.sold == 1
    assert isinstance(next(o for o in outcomes if not isinstance(o, Purchase)), SessionFullError)


def test_a_purchase_racing_the_revocation_either_keeps_the_card_or_is_refused():
    # given a card whose first-purchase deadline has passed
    person, card = card_holder()
    c = course(format=Format.SELF_PACED, price=400_000)
    late = card.first_purchase_deadline

    outcomes = race(
        [
            lambda: purchase_course(user=person, course_id=c.pk, idempotency_key="late-buyer"),
            lambda: revoke_unused_cards(now=late),
        ]
    )

    card.refresh_from_db()
    bought = isinstance(outcomes[0], Purchase)
    # Either the purchase came first (the card is used and stays active) or the
    # revocation did (the purchase is refused as card_revoked): never both, never money lost.
    if bought:
        assert card.status == "active" and outcomes[1] == 0
        assert get_card_balance(card=card) == 3_100_000
    else:
        assert outcomes[0].code == "card_revoked" and card.status == "revoked"
        assert get_card_balance(card=card) == 0
    assert verify_balances().ok
