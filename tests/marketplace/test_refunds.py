"""A platform cancels a session before it starts: every buyer gets exactly the price back
on the card, the vouchers become refunded, and the person can buy another session."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from bekal.cards.selectors import get_card_balance
from bekal.core.models import AuditEvent
from bekal.ledger.selectors import verify_balances
from bekal.marketplace import errors
from bekal.marketplace.models import Course, CourseSession, Purchase
from bekal.marketplace.selectors import get_incentive_readiness, get_training_overview
from bekal.marketplace.services.catalogue import add_session
from bekal.marketplace.services.purchases import purchase_course
from bekal.marketplace.services.refunds import cancel_session
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher
from bekal.notifications.models import OutboxMessage
from tests.marketplace.factories import card_holder, course, platform, session_input

pytestmark = pytest.mark.django_db

REASON = "Instruktur berhalangan hadir."


def buy(person, c, session):
    return purchase_course(
        user=person,
        course_id=c.pk,
        session_id=session.pk,
        idempotency_key=f"refund-test-{uuid.uuid4()}",
    )


def cancel(session, **options):
    options.setdefault("reason", REASON)
    return cancel_session(
        platform=options.pop("platform", session.course.platform),
        course_external_id=session.course.external_id,
        session_external_id=session.external_id,
        **options,
    )


def test_cancelling_a_session_gives_every_buyer_exactly_the_price_back():
    # given two card holders who bought the same session, and one who bought nothing
    c = course(price=750_000)
    session = c.sessions.get()
    buyers = [card_holder() for _ in range(2)]
    before = {card.pk: get_card_balance(card=card) for _person, card in buyers}
    for person, _card in buyers:
        buy(person, c, session)
    # when the platform cancels the session
    result = cancel(session)
    # then both are refunded, the balances are what they were, and the ledger verifies
    assert result.refunded == 2
    assert result.session.is_cancelled
    for _person, card in buyers:
        assert get_card_balance(card=card) == before[card.pk]
    assert set(Purchase.objects.filter(session=session).values_list("status", flat=True)) == {
        Purchase.Status.REFUNDED
    }
    verification = verify_balances()
    assert verification.discrepancies == [] and verification.negative == []


def test_the_places_and_the_course_count_go_back():
    c = course(sessions=[session_input(capacity=5)])
    session = c.sessions.get()
    for _ in range(2):
        person, _card = card_holder()
        buy(person, c, session)
    result = cancel(session)
    assert result.session.sold == 0
    assert CourseSession.objects.get(pk=session.pk).sold == 0
    assert Course.objects.get(pk=c.pk).purchase_count == 0


def test_a_refunded_buyer_can_buy_another_session_of_the_same_course():
    # given a buyer whose session was cancelled, and a later session of the course
    c = course()
    first = c.sessions.get()
    person, card = card_holder()
    refunded = buy(person, c, first)
    cancel(first)
    later = add_session(course=c, session=session_input(starts_in=dt.timedelta(days=10)))
    # when the person buys the later session
    again = buy(person, c, later)
    # then it is a new purchase, paid again from the card
    assert again.pk != refunded.pk
    assert again.status == Purchase.Status.PAID
    assert get_card_balance(card=card) == card.scheme.training_balance - c.price


def test_a_cancelled_session_is_no_longer_sold():
    c = course()
    session = c.sessions.get()
    cancel(session)
    person, _card = card_holder()
    with pytest.raises(errors.SessionClosedError):
        buy(person, c, session)


def test_cancelling_twice_refunds_once():
    # given a session with one buyer, cancelled once
    c = course()
    session = c.sessions.get()
    person, card = card_holder()
    buy(person, c, session)
    first = cancel(session)
    balance = get_card_balance(card=card)
    # when the platform cancels it again
    second = cancel(session, reason="Dikirim ulang.")
    # then the answer is the same and no money moved again
    assert second.refunded == first.refunded == 1
    assert get_card_balance(card=card) == balance
    assert OutboxMessage.objects.filter(user=person, kind="training_refunded").count() == 1
    assert verify_balances().discrepancies == []


def test_a_session_with_a_redeemed_voucher_cannot_be_cancelled():
    # given a session whose first buyer's voucher was redeemed, and a second buyer
    c = course()
    session = c.sessions.get()
    redeemed = buy(card_holder()[0], c, session)
    other_person, other_card = card_holder()
    other = buy(other_person, c, session)
    balance = get_card_balance(card=other_card)
    redeem_voucher(platform=c.platform, voucher_code=redeemed.voucher_code, now=session.starts_at)
    # when the platform tries to cancel it
    with pytest.raises(errors.SessionHasRedeemedVouchersError) as refused:
        cancel(session)
    # then it is refused and nothing changed
    assert refused.value.code == "session_has_redeemed_vouchers"
    assert refused.value.http_status == 409
    assert not CourseSession.objects.get(pk=session.pk).is_cancelled
    assert Purchase.objects.get(pk=other.pk).status == Purchase.Status.PAID
    assert get_card_balance(card=other_card) == balance


def test_a_session_that_started_cannot_be_cancelled():
    c = course()
    session = c.sessions.get()
    person, _card = card_holder()
    purchase = buy(person, c, session)
    with pytest.raises(errors.SessionAlreadyStartedError) as refused:
        cancel(session, now=session.starts_at + dt.timedelta(minutes=1))
    assert refused.value.code == "session_already_started"
    assert refused.value.http_status == 409
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.PAID


def test_another_platform_cannot_cancel_the_session():
    c = course()
    session = c.sessions.get()
    person, _card = card_holder()
    purchase = buy(person, c, session)
    with pytest.raises(errors.CourseNotFoundError):
        cancel(session, platform=platform())
    with pytest.raises(errors.SessionNotFoundError):
        cancel_session(
            platform=c.platform,
            course_external_id=c.external_id,
            session_external_id="not-a-session",
            reason=REASON,
        )
    assert not CourseSession.objects.get(pk=session.pk).is_cancelled
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.PAID


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_cancellation_needs_a_reason(reason):
    session = course().sessions.get()
    with pytest.raises(errors.CancelReasonInvalidError):
        cancel(session, reason=reason)
    assert not CourseSession.objects.get(pk=session.pk).is_cancelled


def test_a_refunded_voucher_cannot_be_redeemed_or_completed():
    c = course()
    session = c.sessions.get()
    purchase = buy(card_holder()[0], c, session)
    cancel(session)
    with pytest.raises(errors.VoucherRefundedError) as redeem_refused:
        redeem_voucher(
            platform=c.platform, voucher_code=purchase.voucher_code, now=session.starts_at
        )
    with pytest.raises(errors.VoucherRefundedError) as completion_refused:
        record_completion(
            platform=c.platform,
            voucher_code=purchase.voucher_code,
            certificate_number="KT/2026/0009",
            evidence={"attended_minutes": 60},
            now=session.ends_at + dt.timedelta(minutes=5),
        )
    assert redeem_refused.value.code == completion_refused.value.code == "voucher_refunded"
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.REFUNDED


def test_each_buyer_is_emailed_and_the_cancellation_is_audited():
    c = course(price=450_000, title="Excel untuk Administrasi Kantor")
    session = c.sessions.get()
    person, _card = card_holder()
    purchase = buy(person, c, session)
    cancel(session)
    mail = OutboxMessage.objects.get(user=person, kind="training_refunded")
    assert mail.recipient == person.email
    assert "Excel untuk Administrasi Kantor" in mail.subject
    assert "450.000" in mail.body
    assert REASON in mail.body
    assert f"/pelatihan/{c.pk}/" in mail.body
    assert AuditEvent.objects.filter(action="marketplace.session_cancelled").exists()
    assert AuditEvent.objects.filter(
        action="marketplace.purchase_refunded", object_id=str(purchase.pk)
    ).exists()


def test_a_refunded_purchase_is_not_a_training_bought_but_stays_listed():
    c = course()
    session = c.sessions.get()
    person, _card = card_holder()
    purchase = buy(person, c, session)
    cancel(session)
    readiness = get_incentive_readiness(user=person)
    overview = get_training_overview(user=person)
    assert readiness.next_step is not None and readiness.next_step.code == "buy"
    assert overview.upcoming == []
    assert [(p.pk, p.status) for p in overview.purchases] == [
        (purchase.pk, Purchase.Status.REFUNDED)
    ]
