"""Redeeming vouchers within their window, and reporting completions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bekal.marketplace import errors
from bekal.marketplace.models import Completion, Format, Purchase
from bekal.marketplace.services.purchases import purchase_course
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher
from bekal.notifications.models import OutboxMessage
from tests.marketplace.factories import card_holder, course, platform

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


def bought(format=Format.WEBINAR):
    person, _card = card_holder()
    c = course(format=format)
    session = c.sessions.first()
    return purchase_course(
        user=person,
        course_id=c.pk,
        session_id=session.pk if session else None,
        idempotency_key=f"voucher-test-{c.pk}",
    )


def starts(purchase):
    return purchase.session.starts_at


def test_a_session_voucher_is_redeemed_from_an_hour_before_to_an_hour_after_the_start():
    for offset in (-HOUR, dt.timedelta(0), HOUR):
        purchase = bought()
        redeemed = redeem_voucher(
            platform=purchase.platform,
            voucher_code=purchase.voucher_code,
            now=starts(purchase) + offset,
        )
        assert redeemed.status == Purchase.Status.REDEEMED


@pytest.mark.parametrize("offset", [-HOUR - MINUTE, HOUR + MINUTE, -dt.timedelta(days=2)])
def test_a_redeem_outside_the_window_is_refused_and_changes_nothing(offset):
    purchase = bought()
    with pytest.raises(errors.RedeemWindowError) as refused:
        redeem_voucher(
            platform=purchase.platform,
            voucher_code=purchase.voucher_code,
            now=starts(purchase) + offset,
        )
    assert refused.value.code == "redeem_outside_window"
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID


def test_a_voucher_is_redeemed_once():
    purchase = bought()
    redeem_voucher(
        platform=purchase.platform, voucher_code=purchase.voucher_code, now=starts(purchase)
    )
    with pytest.raises(errors.VoucherAlreadyRedeemedError):
        redeem_voucher(
            platform=purchase.platform, voucher_code=purchase.voucher_code, now=starts(purchase)
        )


def test_a_self_paced_voucher_is_redeemed_at_any_time_and_typed_loosely():
    purchase = bought(format=Format.SELF_PACED)
    typed = purchase.voucher_display.lower().replace("0", "o")
    redeemed = redeem_voucher(
        platform=purchase.platform, voucher_code=typed, now=timezone.now() + dt.timedelta(days=40)
    )
    assert redeemed.pk == purchase.pk and redeemed.status == Purchase.Status.REDEEMED


def test_another_platform_cannot_see_or_redeem_a_voucher():
    purchase = bought()
    with pytest.raises(errors.VoucherNotFoundError):
        redeem_voucher(
            platform=platform(), voucher_code=purchase.voucher_code, now=starts(purchase)
        )
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID


def test_a_completion_needs_a_redeemed_voucher():
    purchase = bought()
    with pytest.raises(errors.VoucherNotRedeemedError):
        record_completion(
            platform=purchase.platform,
            voucher_code=purchase.voucher_code,
            certificate_number="KT/2026/0001",
            evidence={"attended_minutes": 100},
            now=purchase.session.ends_at + HOUR,
        )


def test_a_completion_before_the_session_ended_is_refused():
    purchase = bought()
    redeem_voucher(
        platform=purchase.platform, voucher_code=purchase.voucher_code, now=starts(purchase)
    )
    with pytest.raises(errors.SessionNotEndedError):
        record_completion(
            platform=purchase.platform,
            voucher_code=purchase.voucher_code,
            certificate_number="KT/2026/0001",
            evidence={"attended_minutes": 100},
            now=purchase.session.ends_at - MINUTE,
        )
    assert not Completion.objects.exists()


def test_a_completion_after_the_session_issues_a_certificate_and_tells_the_participant():
    purchase = bought()
    redeem_voucher(
        platform=purchase.platform, voucher_code=purchase.voucher_code, now=starts(purchase)
    )
    completion = record_completion(
        platform=purchase.platform,
        voucher_code=purchase.voucher_code,
        certificate_number="KT/2026/0001",
        evidence={"attended_minutes": 110},
        now=purchase.session.ends_at + MINUTE,
    )
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.COMPLETED
    assert completion.evidence == {"attended_minutes": 110}
    assert len(completion.verification_token) == 32
    mail = OutboxMessage.objects.get(user=purchase.user, kind="training_completed")
    assert "KT/2026/0001" in mail.body
    with pytest.raises(errors.VoucherAlreadyCompletedError):
        record_completion(
            platform=purchase.platform,
            voucher_code=purchase.voucher_code,
            certificate_number="KT/2026/0002",
            evidence={"attended_minutes": 110},
            now=purchase.session.ends_at + HOUR,
        )


@pytest.mark.parametrize(
    "evidence",
    [
        {},
        {"attended_minutes": 0},
        {"attended_minutes": 100_000},
        {"attended_minutes": "110"},
        {"attended_minutes": 110, "other": 1},
    ],
)
def test_live_session_evidence_must_show_attendance(evidence):
    purchase = bought()
    redeem_voucher(
        platform=purchase.platform, voucher_code=purchase.voucher_code, now=starts(purchase)
    )
    with pytest.raises(errors.CompletionEvidenceError):
        record_completion(
            platform=purchase.platform,
            voucher_code=purchase.voucher_code,
            certificate_number="KT/2026/0001",
            evidence=evidence,
            now=purchase.session.ends_at + HOUR,
        )


def test_self_paced_evidence_is_full_progress_and_a_final_score():
    purchase = bought(format=Format.SELF_PACED)
    redeem_voucher(platform=purchase.platform, voucher_code=purchase.voucher_code)
    with pytest.raises(errors.CompletionEvidenceError):
        record_completion(
            platform=purchase.platform,
            voucher_code=purchase.voucher_code,
            certificate_number="MD-1",
            evidence={"progress_percent": 80, "final_test_score": 90},
        )
    completion = record_completion(
        platform=purchase.platform,
        voucher_code=purchase.voucher_code,
        certificate_number="MD-1",
        evidence={"progress_percent": 100, "final_test_score": 85},
    )
    assert completion.evidence == {"progress_percent": 100, "final_test_score": 85}


def test_a_certificate_number_is_used_once_per_platform():
    first = bought(format=Format.SELF_PACED)
    second_person, _ = card_holder()
    second = purchase_course(
        user=second_person, course_id=first.course_id, idempotency_key="second-buyer"
    )
    evidence = {"progress_percent": 100, "final_test_score": 70}
    for purchase in (first, second):
        redeem_voucher(platform=purchase.platform, voucher_code=purchase.voucher_code)
    record_completion(
        platform=first.platform,
        voucher_code=first.voucher_code,
        certificate_number="C-1",
        evidence=evidence,
    )
    with pytest.raises(errors.CertificateNumberTakenError):
        record_completion(
            platform=second.platform,
            voucher_code=second.voucher_code,
            certificate_number="C-1",
            evidence=evidence,
        )
