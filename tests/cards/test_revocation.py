"""Revoking cards with no training bought within the scheme's days."""

from __future__ import annotations

import datetime as dt

import pytest

from bekal.cards import selectors, services, tasks
from bekal.cards.models import Card
from bekal.cards.terms import TERMS_VERSION
from bekal.core.models import AuditEvent
from bekal.ledger.models import AccountKind, Transaction
from bekal.ledger.selectors import get_account, get_balance, verify_balances
from bekal.ledger.services import open_account, post_transaction
from bekal.notifications.models import OutboxMessage
from bekal.selection.models import RevokedRecipient
from tests.cards.factories import give_phone, published_run

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)


def active_card(*, scheme="2023", accepted_at=None):
    published = published_run(scheme=scheme, selected=1)
    [chosen] = published.selected
    give_phone(chosen, "+6281234567890")
    card = services.accept_card_terms(user=chosen, terms_version=TERMS_VERSION, now=accepted_at)
    return chosen, card


def buy_training(card, amount=500_000):
    """What the marketplace will do: money out of the card to a platform."""
    platform = open_account(code="platform:uji", kind=AccountKind.PLATFORM_RECEIVABLE)
    post_transaction(
        idempotency_key=f"purchase:uji:{card.pk}",
        kind="purchase",
        lines=[(card.ledger_account, -amount), (platform, amount)],
    )


def test_an_unused_card_past_its_deadline_is_revoked_and_its_balance_returned():
    # given an active 2023 card, 15 days to buy a first training
    chosen, card = active_card()
    assert card.first_purchase_deadline == card.accepted_at + dt.timedelta(days=15)

    # when the sweep runs just after the deadline
    revoked = services.revoke_unused_cards(now=card.first_purchase_deadline + SECOND)

    # then the card is revoked with its reason and holds nothing; the fund has it back
    card.refresh_from_db()
    assert revoked == 1
    assert card.status == Card.Status.REVOKED
    assert card.revoke_reason == "no_training_bought"
    assert selectors.get_card_balance(card=card) == 0
    assert get_balance(account=get_account(code="programme:fund:2023")) == 3_500_000
    assert verify_balances().ok
    # and the person is never selected again, and is told by email and SMS
    assert RevokedRecipient.objects.get(user=chosen).wave_id == card.wave_id
    assert (
        OutboxMessage.objects.filter(user=chosen, kind="card_revoked", channel="email").count() == 1
    )
    [sms] = OutboxMessage.objects.filter(user=chosen, kind="card_revoked", channel="sms")
    assert card.number[-4:] in sms.body and sms.address == "+6281234567890"
    assert AuditEvent.objects.filter(action="cards.revoked", object_id=str(card.pk)).exists()


def test_a_2020_card_has_30_days():
    _chosen, card = active_card(scheme="2020")

    assert services.revoke_unused_cards(now=card.accepted_at + dt.timedelta(days=29)) == 0
    assert services.revoke_unused_cards(now=card.accepted_at + dt.timedelta(days=30)) == 1


def test_a_card_is_not_revoked_before_its_deadline():
    chosen, card = active_card()

    revoked = services.revoke_unused_cards(now=card.first_purchase_deadline - SECOND)

    card.refresh_from_db()
    assert revoked == 0
    assert card.status == Card.Status.ACTIVE
    assert selectors.get_card_balance(card=card) == 3_500_000
    assert not RevokedRecipient.objects.filter(user=chosen).exists()


def test_a_card_that_bought_a_training_is_not_revoked():
    _chosen, card = active_card()
    buy_training(card)

    revoked = services.revoke_unused_cards(now=card.first_purchase_deadline + dt.timedelta(days=9))

    card.refresh_from_db()
    assert revoked == 0
    assert card.status == Card.Status.ACTIVE
    assert selectors.get_card_balance(card=card) == 3_000_000
    assert not OutboxMessage.objects.filter(kind="card_revoked").exists()


def test_revoking_again_changes_nothing():
    _chosen, card = active_card()
    later = card.first_purchase_deadline + SECOND
    services.revoke_unused_cards(now=later)

    again = services.revoke_unused_cards(now=later + dt.timedelta(hours=1))

    assert again == 0
    assert Transaction.objects.filter(kind="card_revocation").count() == 1
    assert OutboxMessage.objects.filter(kind="card_revoked", channel="email").count() == 1
    assert get_balance(account=get_account(code="programme:fund:2023")) == 3_500_000


def test_the_sweep_pages_through_many_cards():
    published = published_run(selected=5)
    cards = [
        services.accept_card_terms(user=u, terms_version=TERMS_VERSION) for u in published.selected
    ]
    buy_training(cards[2])

    revoked = services.revoke_unused_cards(
        now=cards[-1].first_purchase_deadline + SECOND, page_size=2
    )

    assert revoked == 4
    assert [Card.objects.get(pk=c.pk).status for c in cards] == [
        "revoked",
        "revoked",
        "active",
        "revoked",
        "revoked",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_hourly_job_revokes_a_card_whose_days_have_passed(worker):
    # given a card accepted 16 days ago under 2023 (15 days)
    from django.utils import timezone

    chosen, card = active_card(accepted_at=timezone.now() - dt.timedelta(days=16))

    # when the scheduled job runs on the worker
    tasks.revoke_unused_cards.defer(timestamp=0)
    worker()

    # then the card is revoked and the person told
    card.refresh_from_db()
    assert card.status == Card.Status.REVOKED
    assert RevokedRecipient.objects.filter(user=chosen).exists()
    assert OutboxMessage.objects.filter(user=chosen, kind="card_revoked").count() == 2
