"""The provider redeems a voucher when the training starts, within the window and once;
the platform reports completion after it ended; another platform's voucher does not
exist for it. Redeems are idempotent under their Idempotency-Key, also when raced."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest

from bekal.core.models import AuditEvent
from bekal.marketplace.models import Completion, Format, Purchase
from tests.api.partners import error_of, move_session, voucher

pytestmark = pytest.mark.django_db(transaction=True)

SOON = dt.timedelta(minutes=30)


def redeem(partner, purchase, **options):
    return partner.api.post(f"/vouchers/{purchase.voucher_display}/redeem", **options)


def completion(partner, purchase, number="SERT-2026-0001", evidence=None, **options):
    return partner.api.post(
        f"/vouchers/{purchase.voucher_display}/completion",
        json={"certificate_number": number, "evidence": evidence or {"attended_minutes": 110}},
        **options,
    )


def test_a_voucher_shows_its_course_session_window_and_a_pseudonymous_participant(partner):
    # given a card holder who bought a webinar of the platform
    purchase = voucher(partner.platform)
    # when the platform reads the voucher
    response = partner.api.get(f"/vouchers/{purchase.voucher_display}")
    # then it sees the course, the session, when it may redeem, and who is attending
    assert response.status_code == 200
    body = response.json()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", body["code"])
    assert body["status"] == "paid"
    assert body["course"] == {
        "external_id": purchase.course.external_id,
        "title": purchase.course.title,
    }
    assert body["session"]["external_id"] == purchase.session.external_id
    assert set(body["redeem_window"]) == {"opens", "closes"}
    assert body["participant"]["full_name"] == purchase.user.full_name
    assert re.fullmatch(r"[0-9a-f]{24}", body["participant"]["reference"])
    # and nothing that identifies the person beyond the name
    assert purchase.user.email not in response.text
    assert str(purchase.user.pk) != body["participant"]["reference"]
    assert body["certificate"] is None


def test_a_participant_has_one_reference_per_platform(new_partner):
    first, second = new_partner(), new_partner()
    purchase = voucher(first.platform)
    again = first.api.get(f"/vouchers/{purchase.voucher_display}").json()
    listed = first.api.get("/vouchers").json()["items"]
    from bekal.api.partners.v1.vouchers import participant_reference

    assert listed[0]["participant"]["reference"] == again["participant"]["reference"]
    assert (
        participant_reference(second.platform, purchase.user_id)
        != (again["participant"]["reference"])
    )


def test_another_platforms_voucher_is_not_found_and_not_redeemed(new_partner):
    mine, theirs = new_partner(), new_partner()
    purchase = voucher(theirs.platform, starts_in=SOON)
    read = mine.api.get(f"/vouchers/{purchase.voucher_display}")
    redeemed = redeem(mine, purchase)
    assert read.status_code == redeemed.status_code == 404
    assert error_of(read)["code"] == error_of(redeemed)["code"] == "voucher_not_found"
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.PAID
    assert mine.api.get("/vouchers").json()["items"] == []


def test_a_voucher_is_redeemed_within_the_window_once(partner):
    # given a voucher of a session starting in 30 minutes
    purchase = voucher(partner.platform, starts_in=SOON)
    # when the provider redeems it
    response = redeem(partner, purchase)
    # then it is redeemed
    assert response.status_code == 200
    assert response.json()["status"] == "redeemed"
    assert response.json()["redeemed_at"]
    # and a second redeem is refused
    again = redeem(partner, purchase)
    assert again.status_code == 409
    assert error_of(again)["code"] == "voucher_already_redeemed"


def test_a_redeem_outside_the_window_is_refused(partner):
    purchase = voucher(partner.platform, starts_in=dt.timedelta(hours=3))
    response = redeem(partner, purchase)
    assert response.status_code == 409
    assert error_of(response)["code"] == "redeem_outside_window"
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.PAID


def test_a_self_paced_voucher_is_redeemed_at_any_time(partner):
    purchase = voucher(partner.platform, format=Format.SELF_PACED)
    response = redeem(partner, purchase)
    assert response.status_code == 200
    assert response.json()["session"] is None and response.json()["redeem_window"] is None


def test_the_same_redeem_sent_twice_with_one_key_acts_once(partner):
    purchase = voucher(partner.platform, starts_in=SOON)
    first = redeem(partner, purchase, idempotency_key="redeem-1")
    again = redeem(partner, purchase, idempotency_key="redeem-1")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["Idempotent-Replay"] == "true"
    assert AuditEvent.objects.filter(action="marketplace.voucher_redeemed").count() == 1


def test_a_concurrent_pair_with_one_key_acts_once(partner):
    # given a voucher and two requests with one key, each signed on its own
    purchase = voucher(partner.platform, starts_in=SOON)
    requests = [
        partner.api.build(
            "POST", f"/vouchers/{purchase.voucher_display}/redeem", idempotency_key="race-1"
        )
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    responses = [None, None]

    def send(i):
        start.wait()
        responses[i] = partner.api.http.send(requests[i])

    # when they are sent at the same moment
    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then both are told the voucher was redeemed, and it was redeemed once
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].content == responses[1].content
    assert sorted(r.headers.get("Idempotent-Replay", "") for r in responses) == ["", "true"]
    assert AuditEvent.objects.filter(action="marketplace.voucher_redeemed").count() == 1


def test_a_key_reused_for_another_voucher_is_refused(partner):
    first, second = voucher(partner.platform, starts_in=SOON), voucher(partner.platform)
    assert redeem(partner, first, idempotency_key="k-1").status_code == 200
    response = redeem(partner, second, idempotency_key="k-1")
    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert Purchase.objects.get(pk=second.pk).status == Purchase.Status.PAID


def test_completion_needs_a_redeemed_voucher_and_an_ended_session(partner, settings):
    settings.SITE_URL = "https://bekal.example.id"
    purchase = voucher(partner.platform, starts_in=SOON)
    # a voucher never redeemed
    unredeemed = completion(partner, purchase)
    assert unredeemed.status_code == 409
    assert error_of(unredeemed)["code"] == "voucher_not_redeemed"
    # redeemed, but the session has not ended
    assert redeem(partner, purchase).status_code == 200
    early = completion(partner, purchase)
    assert early.status_code == 409
    assert error_of(early)["code"] == "session_not_ended"
    assert not Completion.objects.exists()
    # once it has ended, the completion is recorded with its public verification page
    move_session(purchase.session, starts_in=-dt.timedelta(hours=3))
    done = completion(partner, purchase)
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["certificate_number"] == "SERT-2026-0001"
    assert body["voucher_code"] == purchase.voucher_display
    token = Completion.objects.get(purchase=purchase).verification_token
    assert body["verification_url"] == f"https://bekal.example.id/sertifikat/{token}/"
    # and the voucher shows it
    read = partner.api.get(f"/vouchers/{purchase.voucher_display}").json()
    assert read["status"] == "completed"
    assert read["certificate"]["certificate_number"] == "SERT-2026-0001"


def test_a_self_paced_completion_needs_full_progress_and_a_score(partner):
    purchase = voucher(partner.platform, format=Format.SELF_PACED)
    redeem(partner, purchase)
    partial = completion(
        partner, purchase, evidence={"progress_percent": 80, "final_test_score": 90}
    )
    assert partial.status_code == 409
    assert error_of(partial)["code"] == "completion_evidence_invalid"
    assert error_of(partial)["field"] == "evidence.progress_percent"
    done = completion(
        partner, purchase, number="S-2", evidence={"progress_percent": 100, "final_test_score": 85}
    )
    assert done.status_code == 201
    assert Completion.objects.get().evidence == {"progress_percent": 100, "final_test_score": 85}


def test_evidence_with_an_unknown_field_is_refused(partner):
    purchase = voucher(partner.platform, format=Format.SELF_PACED)
    redeem(partner, purchase)
    response = completion(partner, purchase, evidence={"progress_percent": 100, "grade": "A"})
    assert response.status_code == 422
    assert error_of(response)["field"] == "evidence.grade"


def test_vouchers_are_listed_by_status(partner):
    paid = voucher(partner.platform)
    started = voucher(partner.platform, format=Format.SELF_PACED)
    redeem(partner, started)
    listed = partner.api.get("/vouchers", params={"status": "paid"}).json()
    assert [v["code"] for v in listed["items"]] == [paid.voucher_display]
