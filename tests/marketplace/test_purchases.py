"""Buying a training with the card's balance."""

from __future__ import annotations

import datetime as dt

import pytest

from bekal.cards import selectors as card_selectors
from bekal.cards.services import revoke_unused_cards
from bekal.ledger.errors import IdempotencyConflictError
from bekal.ledger.selectors import get_account, verify_balances
from bekal.marketplace import errors
from bekal.marketplace.models import Format, Purchase
from bekal.marketplace.services.catalogue import withdraw_course
from bekal.marketplace.services.purchases import purchase_course
from bekal.marketplace.vouchers import ALPHABET
from bekal.notifications.models import OutboxMessage
from tests.marketplace.factories import card_holder, course, session_input
from tests.selection.factories import admin

pytestmark = pytest.mark.django_db


def buy(user, c, key="key-00000001", session=None):
    if session is None and c.format != Format.SELF_PACED:
        session = c.sessions.first()
    return purchase_course(
        user=user, course_id=c.pk, session_id=session.pk if session else None, idempotency_key=key
    )


def test_buying_moves_the_price_from_the_card_to_the_platform_and_issues_a_voucher():
    # given a 2023 card holder (Rp 3.500.000) and a published webinar at Rp 500.000
    person, card = card_holder()
    webinar = course(price=500_000)
    # when they buy it
    purchase = buy(person, webinar)
    # then the card holds Rp 3.000.000, the platform is owed Rp 500.000
    assert card_selectors.get_card_balance(card=card) == 3_000_000
    assert get_account(code=webinar.platform.receivable_account_code).balance == 500_000
    assert len(purchase.voucher_code) == 12 and set(purchase.voucher_code) <= set(ALPHABET)
    assert purchase.status == Purchase.Status.PAID
    # and they are emailed the voucher
    mail = OutboxMessage.objects.get(user=person, kind="training_voucher")
    assert purchase.voucher_display in mail.body
    assert verify_balances().ok


def test_the_same_key_buys_once():
    person, card = card_holder()
    webinar = course(price=500_000)
    first = buy(person, webinar, key="same-key-123")
    second = buy(person, webinar, key="same-key-123")
    assert first.pk == second.pk
    assert card_selectors.get_card_balance(card=card) == 3_000_000


def test_the_same_key_for_another_course_is_refused():
    person, _card = card_holder()
    buy(person, course(), key="same-key-123")
    with pytest.raises(IdempotencyConflictError):
        buy(person, course(), key="same-key-123")


def test_a_short_balance_is_refused_with_both_amounts_and_changes_nothing():
    person, card = card_holder(scheme="2020")  # Rp 1.000.000
    buy(person, course(price=800_000), key="first-key-1")
    with pytest.raises(errors.BalanceTooLowError) as refused:
        buy(person, course(price=300_000), key="second-key-2")
    assert refused.value.code == "balance_insufficient"
    assert "Rp 200.000" in str(refused.value) and "Rp 300.000" in str(refused.value)
    assert Purchase.objects.filter(user=person).count() == 1
    assert card_selectors.get_card_balance(card=card) == 200_000


def test_a_withdrawn_course_cannot_be_bought():
    person, _card = card_holder()
    c = course()
    withdraw_course(course=c, note="Materi tidak sesuai", actor=admin())
    with pytest.raises(errors.CourseNotAvailableError):
        buy(person, c)


def test_a_course_is_bought_once_per_card():
    person, _card = card_holder()
    c = course()
    buy(person, c, key="first-key-1")
    with pytest.raises(errors.CourseAlreadyBoughtError):
        buy(person, c, key="second-key-2")


def test_a_full_session_is_refused():
    first, _ = card_holder()
    second, _ = card_holder()
    c = course(sessions=[session_input(capacity=1)])
    buy(first, c)
    with pytest.raises(errors.SessionFullError):
        buy(second, c, key="other-key-2")


def test_a_session_that_started_cannot_be_bought():
    person, _card = card_holder()
    c = course()
    s = c.sessions.get()
    s.starts_at = s.starts_at - dt.timedelta(days=4)
    s.ends_at = s.starts_at + dt.timedelta(hours=2)
    s.save()
    with pytest.raises(errors.SessionClosedError):
        buy(person, c)


def test_the_first_purchase_stops_the_revocation_clock():
    person, card = card_holder()
    buy(person, course(format=Format.SELF_PACED))
    later = card.first_purchase_deadline + dt.timedelta(days=1)
    assert revoke_unused_cards(now=later) == 0
    card.refresh_from_db()
    assert card.status == "active"


def test_a_revoked_card_cannot_buy():
    person, card = card_holder()
    revoke_unused_cards(now=card.first_purchase_deadline + dt.timedelta(seconds=1))
    with pytest.raises(Exception) as refused:
        buy(person, course())
    assert refused.value.code == "card_revoked"


def test_the_voucher_email_is_plain_text_with_the_title_as_written():
    person, _card = card_holder()
    c = course(title='Ekspor & Impor untuk UMKM "Go Global"', format=Format.SELF_PACED)
    buy(person, c)
    mail = OutboxMessage.objects.get(user=person, kind="training_voucher")
    assert 'Ekspor & Impor untuk UMKM "Go Global"' in mail.subject
    assert 'Ekspor & Impor untuk UMKM "Go Global"' in mail.body
    assert "&amp;" not in mail.body and "&quot;" not in mail.body
