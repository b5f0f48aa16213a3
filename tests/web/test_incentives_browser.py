"""Issue acceptance, in Chromium, over real HTTP to the simulated payment provider: a card
holder reviews her completed training, answers the survey, links her e-wallet with an SMS
code (MATCH); the office prepares a batch and a second officer approves it; the provider
pays; she sees "Dibayar" and the ledger shows it. A second participant's closed account
fails, he sees why, links a new account, and is paid once."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from bekal.disbursements.models import Instalment
from bekal.disbursements.services import batches, entitlements
from bekal.ledger.models import LedgerAccount
from tests.disbursements.factories import (
    latest_code,
    link_account,
    registered_name,
    trained_card_holder,
    with_phone,
)
from tests.disbursements.simulated_provider import SECRET, simulated_provider
from tests.selection.factories import admin
from tests.web.accessibility import expect_accessible
from tests.web.journey_support import keep_screenshot
from tests.web.wave_support import browser_page, log_in, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sweep() -> None:
    """What the scheduled sweep does every minute."""
    entitlements.create_instalments()
    entitlements.make_instalments_due()


def wait_paid(card, sequence: int) -> None:
    deadline = time.monotonic() + 30
    while Instalment.objects.get(card=card, sequence=sequence).status != "paid":
        assert time.monotonic() < deadline
        time.sleep(0.1)


def settled() -> int:
    return sum(
        LedgerAccount.objects.filter(owner_type="payouts.settled").values_list("balance", flat=True)
    )


def confirmed_officer(email: str, name: str):
    from django.utils import timezone

    officer = admin(email)
    officer.full_name = name
    officer.email_confirmed_at = timezone.now()
    officer.save(update_fields=["full_name", "email_confirmed_at"])
    return with_password(officer)


def test_incentives_are_paid_once_and_a_closed_account_is_fixed(
    chromium, live_server, settings, worker
):
    settings.SITE_URL = live_server.url
    callback = f"{live_server.url}/api/payments/v1/callbacks/simulasi/"
    with simulated_provider(callback_url=callback) as provider:
        settings.BEKAL_PAYOUT_PROVIDER_URL = provider.url
        settings.BEKAL_PAYOUT_PROVIDER_SECRET = SECRET
        settings.BEKAL_PAYOUT_PROVIDER_TIMEOUT = 2.0
        siti, card = trained_card_holder(review=False)
        with_password(siti)
        wallet = with_phone(siti)
        provider.register(**{wallet: registered_name(siti).upper()})
        maker = confirmed_officer("pembuat@prakerja.go.id", "Rina Pembuat")
        checker = confirmed_officer("pemeriksa@prakerja.go.id", "Dodi Pemeriksa")

        with (
            browser_page(chromium, live_server.url) as phone,
            browser_page(chromium, live_server.url, desktop=True) as office,
            browser_page(chromium, live_server.url, desktop=True) as second,
        ):
            # She reviews her completed training from her home page
            log_in(phone, siti)
            phone.goto("/")
            phone.get_by_test_id("training-panel").get_by_role("link", name="Tulis ulasan").click()
            phone.get_by_label("5 bintang").check()
            phone.get_by_role("button", name="Kirim ulasan").click()
            expect(phone.get_by_role("status")).to_have_text("Terima kasih atas ulasan Anda.")
            worker()  # the review asked for the sweep: her schedule is written, the first due

            # Her first incentive is due; she answers the first survey
            phone.goto("/insentif/")
            rows = phone.get_by_test_id("instalment")
            expect(rows.nth(0)).to_contain_text("Siap dibayar")
            expect(rows.nth(1)).to_contain_text("Rp 50.000")
            survey = phone.get_by_test_id("survey")
            survey.get_by_label("Cukup bermanfaat").check()
            survey.get_by_label("Bekerja pada pemberi kerja").check()
            survey.get_by_label("Ya").check()
            survey.get_by_role("button", name="Kirim jawaban saya").click()
            expect(phone.get_by_role("status")).to_contain_text("Terima kasih")
            sweep()

            # She links her e-wallet: the provider's name matches, a code comes by SMS
            link = phone.get_by_test_id("link-form")
            link.get_by_label("Bank atau e-wallet").select_option("ovo")
            link.get_by_label("Nomor rekening, atau nomor ponsel e-wallet").fill(wallet)
            link.get_by_role("button", name="Periksa dan kirimi saya kode").click()
            code_form = phone.get_by_test_id("code-form")
            expect(code_form).to_contain_text(registered_name(siti).upper())
            code_form.get_by_label("Kode dari SMS").fill(latest_code())
            code_form.get_by_role("button", name="Hubungkan rekening ini").click()
            expect(phone.get_by_test_id("account-in-use")).to_contain_text("OVO ****")
            keep_screenshot(phone, "incentives-linked")
            expect_accessible(phone, "incentives with a linked account")

            # The office prepares a batch; the same officer cannot approve it
            log_in(office, maker)
            office.goto("/kantor/pembayaran/")
            office.get_by_role("button", name="Siapkan batch").click()
            expect(office.get_by_test_id("batch-status")).to_have_text("Disiapkan")
            expect(office.get_by_test_id("batch-summary")).to_contain_text("2 pembayaran")
            keep_screenshot(office, "payout-batch-prepared")
            expect_accessible(office, "a prepared payout batch")
            batch_url = office.url
            office.get_by_label("Jumlah pembayaran").fill("2")
            office.get_by_label("Total (Rp)").fill("650000")
            office.get_by_role("button", name="Setujui dan kirim").click()
            expect(office.locator(".error-summary")).to_contain_text("petugas lain")

            # A second officer approves with the control totals
            log_in(second, checker)
            second.goto(batch_url)
            second.get_by_label("Jumlah pembayaran").fill("2")
            second.get_by_label("Total (Rp)").fill("650000")
            second.get_by_role("button", name="Setujui dan kirim").click()
            expect(second.get_by_test_id("batch-status")).to_have_text("Disetujui")
            worker()
            wait_paid(card, 1)
            wait_paid(card, 2)

            # She sees "Dibayar"; the ledger shows the money settled at the provider
            phone.goto("/insentif/")
            expect(rows.nth(0).get_by_test_id("instalment-state")).to_have_text("Dibayar")
            expect(rows.nth(1).get_by_test_id("instalment-state")).to_have_text("Dibayar")
            keep_screenshot(phone, "incentives-paid")
            phone.goto("/")
            expect(phone.get_by_test_id("home-incentives")).to_contain_text("Dibayar")
            assert settled() == 650_000
            assert LedgerAccount.objects.get(code=f"incentive:card:{card.pk}").balance == 0

            # A second participant's account is closed: he sees why and what to do
            budi, budi_card = trained_card_holder()
            with_password(budi)
            with_phone(budi)
            name = registered_name(budi).upper()
            provider.register(**{"0012345652": name, "0098765431": name})
            sweep()
            link_account(budi, channel="bni", number="0012345652")
            failed = batches.prepare_batch(officer=maker)
            batches.approve_batch(
                batch=failed, officer=checker, control_count=1, control_sum=600_000
            )
            worker()
            phone.context.clear_cookies()  # Siti's phone is handed to Budi
            log_in(phone, budi)
            phone.goto("/insentif/")
            first = phone.get_by_test_id("instalment").nth(0)
            expect(first.get_by_test_id("instalment-state")).to_have_text("Gagal")
            expect(first.get_by_test_id("instalment-why")).to_have_text("Rekening sudah ditutup.")
            expect(first.get_by_test_id("instalment-todo")).to_have_text(
                "Hubungkan rekening yang masih aktif."
            )
            keep_screenshot(phone, "incentives-failed")
            expect_accessible(phone, "a failed incentive")

            # He links another account and is paid once
            link = phone.get_by_test_id("link-form")
            link.get_by_label("Bank atau e-wallet").select_option("bni")
            link.get_by_label("Nomor rekening, atau nomor ponsel e-wallet").fill("0098765431")
            link.get_by_role("button", name="Ganti rekening").click()
            code_form = phone.get_by_test_id("code-form")
            code_form.get_by_label("Kode dari SMS").fill(latest_code())
            code_form.get_by_role("button", name="Hubungkan rekening ini").click()
            expect(phone.get_by_test_id("account-in-use")).to_contain_text("BNI ****5431")
            again = batches.prepare_batch(officer=maker)
            batches.approve_batch(
                batch=again, officer=checker, control_count=1, control_sum=600_000
            )
            worker()
            wait_paid(budi_card, 1)
            phone.goto("/insentif/")
            expect(
                phone.get_by_test_id("instalment").nth(0).get_by_test_id("instalment-state")
            ).to_have_text("Dibayar")

            # The break queue opens for the office
            office.goto("/kantor/pembayaran/selisih/")
            expect(office.get_by_role("heading", name="Antrean selisih")).to_be_visible()
            expect_accessible(office, "the payout break queue")

        paid = [t for t in provider.transfers() if t["status"] == "success"]
    assert sorted(t["amount"] for t in paid) == [50_000, 600_000, 600_000]
    assert all(t["executed"] == 1 for t in paid)
    assert re.fullmatch(r"BK\d{14}", paid[0]["external_id"])
