"""Issue acceptance, end to end over real HTTP: a platform registers a course through the
partner API; the programme office approves it in the back office; a card holder buys it in
Chromium; the provider redeems the voucher, refused outside the window and accepted
inside it; the platform reports the completion; the participant reviews the training;
the certificate's public page confirms it.

Time cannot pass in a test: where the story needs it (the session comes near, then
ends), the session's times are moved in the database, as the clock would move them."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bekal.cards.selectors import get_card_balance
from bekal.ledger.selectors import get_account, verify_balances
from bekal.marketplace.models import CourseSession, Purchase
from tests.api.partners import make_partner
from tests.marketplace.factories import card_holder
from tests.selection.factories import admin
from tests.web.wave_support import browser_page, log_in, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Menjadi MC Profesional untuk Acara Keluarga"


def move_session(purchase: Purchase, *, starts_in: dt.timedelta, hours: int = 2) -> None:
    starts = timezone.now() + starts_in
    CourseSession.objects.filter(pk=purchase.session_id).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=hours)
    )


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_a_course_goes_from_its_platform_to_a_verified_certificate(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    partner = make_partner(live_server.url, code="kelas-terampil", name="Kelas Terampil")
    api = partner.api

    # Given the platform registers a provider and a live webinar through the partner API
    provider = api.post(
        "/providers", json={"external_id": "lpk-cahaya", "name": "LPK Cahaya Mandiri"}
    )
    assert provider.status_code == 201, provider.text
    starts = (timezone.now() + dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    submitted = api.post(
        "/courses",
        json={
            "external_id": "mc-keluarga-01",
            "provider_external_id": "lpk-cahaya",
            "title": TITLE,
            "description": "Teknik membawakan acara dan berbicara di depan umum.",
            "category": "creative",
            "level": "beginner",
            "format": "webinar",
            "price": 450_000,
            "duration_minutes": 120,
            "sessions": [
                {
                    "external_id": "sesi-1",
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
                    "capacity": 40,
                }
            ],
        },
    )
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["status"] == "submitted"

    person, card = card_holder()
    with_password(person)
    officer = admin()
    officer.email_confirmed_at = timezone.now()
    officer.save(update_fields=["email_confirmed_at"])
    with_password(officer)

    with (
        browser_page(chromium, live_server.url, desktop=True) as office,
        browser_page(chromium, live_server.url) as phone,
    ):
        # Then the course is not sold before the office approves it
        phone.goto("/pelatihan/?q=MC+Profesional")
        expect(phone.get_by_test_id("result-count")).to_have_text("0 pelatihan ditemukan")

        # When the office approves it in the back office
        log_in(office, officer)
        office.goto("/kantor/katalog/")
        queued = office.locator("article.course", has_text=TITLE)
        expect(queued).to_contain_text("Kelas Terampil")
        expect(queued).to_contain_text("Rp 450.000")
        queued.get_by_role("button", name="Setujui dan terbitkan").click()
        expect(office.locator("article.course", has_text=TITLE)).to_have_count(0)

        # Then the platform reads it as approved
        assert api.get("/courses/mc-keluarga-01").json()["status"] == "approved"

        # When the card holder finds it in the catalogue and buys its session in Chromium
        log_in(phone, person)
        phone.goto("/pelatihan/")
        phone.get_by_label("Cari pelatihan").fill("MC Profesional")
        phone.get_by_role("button", name="Cari", exact=True).click()
        phone.get_by_role("link", name=TITLE).click()
        buy = phone.get_by_test_id("buy")
        expect(buy.get_by_test_id("balance-after")).to_have_text("Rp 3.050.000")
        buy.get_by_role("button", name="Beli seharga Rp 450.000").click()
        expect(phone.get_by_test_id("voucher-code")).to_have_text(
            re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
        )
        code = phone.get_by_test_id("voucher-code").inner_text()

        # Then the card paid the platform, through the ledger
        assert get_card_balance(card=card) == 3_050_000
        assert get_account(code="platform:kelas-terampil").balance == 450_000
        purchase = Purchase.objects.get(user=person)

        # And the platform sees the voucher of its participant, without contact details
        voucher = api.get(f"/vouchers/{code}").json()
        assert voucher["status"] == "paid" and voucher["course"]["title"] == TITLE
        assert voucher["participant"]["full_name"] == person.full_name
        assert person.email not in str(voucher)

        # When the provider redeems it three hours before the session: refused
        early = api.post(f"/vouchers/{code}/redeem")
        assert early.status_code == 409 and error_code(early) == "redeem_outside_window"

        # When the session is 30 minutes away, the provider redeems it, and sends it again
        move_session(purchase, starts_in=dt.timedelta(minutes=30))
        key = str(uuid.uuid4())
        redeemed = api.post(f"/vouchers/{code}/redeem", idempotency_key=key)
        replayed = api.post(f"/vouchers/{code}/redeem", idempotency_key=key)
        again = api.post(f"/vouchers/{code}/redeem")

        # Then it is redeemed once: the retry with its key replays the answer, a new
        # request is refused
        assert redeemed.status_code == 200 and redeemed.json()["status"] == "redeemed"
        assert (replayed.status_code, replayed.json()) == (200, redeemed.json())
        assert replayed.headers["Idempotent-Replay"] == "true"
        assert again.status_code == 409 and error_code(again) == "voucher_already_redeemed"

        # When the platform reports the completion before the session has ended: refused
        completion = {
            "certificate_number": "KT/2026/00042",
            "evidence": {"attended_minutes": 115},
        }
        too_soon = api.post(f"/vouchers/{code}/completion", json=completion)
        assert too_soon.status_code == 409 and error_code(too_soon) == "session_not_ended"

        # When the session has ended, the completion is accepted with its certificate
        move_session(purchase, starts_in=-dt.timedelta(hours=2, minutes=10))
        done = api.post(f"/vouchers/{code}/completion", json=completion)
        assert done.status_code == 201, done.text
        check_url = done.json()["verification_url"]
        assert check_url.startswith(f"{live_server.url}/sertifikat/")

        # When the participant opens the training from her home and reviews it
        phone.goto("/")
        panel = phone.get_by_test_id("training-panel")
        expect(panel.get_by_test_id("certificates")).to_contain_text("KT/2026/00042")
        panel.get_by_role("link", name="Tulis ulasan").click()
        phone.get_by_label("5 bintang").check()
        phone.get_by_label("Ulasan Anda (tidak wajib)").fill("Pematerinya jelas dan ramah.")
        phone.get_by_role("button", name="Kirim ulasan").click()
        expect(phone.get_by_role("status")).to_have_text("Terima kasih atas ulasan Anda.")

        # Then the platform sees its course rated
        rated = api.get("/courses/mc-keluarga-01").json()
        assert (rated["rating"], rated["review_count"]) == (5.0, 1)

    # And anybody opening the certificate's address confirms it, without personal data
    with browser_page(chromium, live_server.url) as stranger:
        stranger.goto(check_url)
        expect(stranger.get_by_test_id("certificate-valid")).to_contain_text("Sertifikat ini sah.")
        expect(stranger.get_by_test_id("certificate-number")).to_have_text("KT/2026/00042")
        expect(stranger.locator("main")).to_contain_text(TITLE)
        expect(stranger.locator("main")).not_to_contain_text(person.full_name)
        expect(stranger.locator("main")).not_to_contain_text(person.email)

    assert verify_balances().ok
    partner.api.close()
