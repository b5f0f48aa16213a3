"""A platform cancels a session over the partner API: its buyers are refunded, once, and
another platform's course does not exist for it."""

from __future__ import annotations

import pytest

from bekal.cards.selectors import get_card_balance
from bekal.marketplace.models import CourseSession, Purchase
from tests.api.partners import error_of, voucher

pytestmark = pytest.mark.django_db(transaction=True)

REASON = {"reason": "Instruktur berhalangan hadir."}


def cancel_path(purchase):
    session = purchase.session
    return f"/courses/{purchase.course.external_id}/sessions/{session.external_id}/cancel"


def test_a_signed_cancel_refunds_the_buyers_and_a_replay_acts_once(partner):
    # given a card holder who bought a webinar session of the platform
    purchase = voucher(partner.platform)
    card = purchase.card
    paid = get_card_balance(card=card)
    # when the platform cancels the session, and sends the same request again
    first = partner.api.post(cancel_path(purchase), json=REASON, idempotency_key="cancel-s1")
    again = partner.api.post(cancel_path(purchase), json=REASON, idempotency_key="cancel-s1")
    # then it sees the session cancelled with one refund, twice the same answer
    assert first.status_code == again.status_code == 200
    body = first.json()
    assert body["external_id"] == purchase.session.external_id
    assert body["is_cancelled"] is True
    assert body["refunded"] == 1
    assert body["sold"] == 0
    assert again.json() == body
    assert again.headers["Idempotent-Replay"] == "true"
    # and the buyer got the price back once
    assert get_card_balance(card=card) == paid + purchase.price
    # and the voucher reads as refunded and cannot be redeemed
    read = partner.api.get(f"/vouchers/{purchase.voucher_display}")
    assert read.json()["status"] == "refunded"
    assert read.json()["refunded_at"] is not None
    assert read.json()["refund_reason"] == REASON["reason"]
    redeemed = partner.api.post(f"/vouchers/{purchase.voucher_display}/redeem")
    assert redeemed.status_code == 409
    assert error_of(redeemed)["code"] == "voucher_refunded"


def test_another_platforms_course_is_not_found_and_its_session_stays(new_partner):
    mine, theirs = new_partner(), new_partner()
    purchase = voucher(theirs.platform)
    response = mine.api.post(cancel_path(purchase), json=REASON)
    assert response.status_code == 404
    assert error_of(response)["code"] == "course_not_found"
    assert not CourseSession.objects.get(pk=purchase.session_id).is_cancelled
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.PAID


def test_a_cancel_without_a_reason_is_refused(partner):
    purchase = voucher(partner.platform)
    response = partner.api.post(cancel_path(purchase), json={"reason": ""})
    assert response.status_code == 422
    assert error_of(response)["field"] == "reason"
    assert not CourseSession.objects.get(pk=purchase.session_id).is_cancelled
