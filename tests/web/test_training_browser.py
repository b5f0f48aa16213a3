"""A card holder's training, in Chromium on a phone-sized screen: search the catalogue,
open a course, buy a session, read the voucher and the lower balance; after the platform
reports the completion, review the training and open the certificate's public page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bekal.marketplace.models import CourseSession, Format, Purchase
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher
from tests.marketplace.factories import card_holder, course, platform
from tests.web.journey_support import keep_screenshot
from tests.web.wave_support import log_in, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VOUCHER = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def the_platform_reports_the_completion(purchase: Purchase) -> None:
    """The session is moved to have started 50 minutes ago and ended 5 minutes ago; the
    provider redeems the voucher (within its window) and the platform reports completion."""
    now = timezone.now()
    CourseSession.objects.filter(pk=purchase.session_id).update(
        starts_at=now - dt.timedelta(minutes=50), ends_at=now - dt.timedelta(minutes=5)
    )
    redeem_voucher(platform=purchase.platform, voucher_code=purchase.voucher_code)
    record_completion(
        platform=purchase.platform,
        voucher_code=purchase.voucher_code,
        certificate_number="SKL/2026/000123",
        evidence={"attended_minutes": 45},
    )


def test_a_card_holder_buys_a_training_completes_it_reviews_it_and_verifies_the_certificate(
    page: Page,
):
    # Given a card holder with the 2023 balance (Rp 3.500.000) and a catalogue of three
    person, _card = card_holder()
    person.full_name = "Dewi Anggraini Putri"
    person.save(update_fields=["full_name"])
    with_password(person)
    on = platform(name="Sekolah Digital Nusantara")
    course(on=on, title="Webinar Pemasaran Digital untuk UMKM", price=500_000)
    course(on=on, title="Dasar Akuntansi untuk Pemula", price=400_000)
    course(on=on, format=Format.SELF_PACED, title="Bahasa Inggris Pariwisata", price=300_000)

    # When she logs in, she sees her balance and that buying a training comes first
    log_in(page, person)
    panel = page.get_by_test_id("training-panel")
    expect(panel.get_by_test_id("training-balance")).to_have_text("Rp 3.500.000")
    expect(panel.locator("[aria-current=step]")).to_have_text("1. Beli pelatihan")

    # When she opens the catalogue from the menu and searches for "pemasaran"
    page.get_by_role("link", name="Pelatihan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pelatihan")
    page.get_by_label("Cari pelatihan").fill("pemasaran")
    page.get_by_role("button", name="Cari", exact=True).click()

    # Then only the marketing webinar is listed, with its platform and price
    expect(page.get_by_test_id("result-count")).to_have_text("1 pelatihan ditemukan")
    result = page.locator(".course-list > li")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Sekolah Digital Nusantara")
    expect(result).to_contain_text("Rp 500.000")
    keep_screenshot(page, "training-catalogue")

    # When she opens it, keeps its one session and buys it
    result.get_by_role("link", name="Webinar Pemasaran Digital untuk UMKM").click()
    buy = page.get_by_test_id("buy")
    expect(buy.get_by_role("radio")).to_be_checked()
    expect(buy.get_by_test_id("balance-now")).to_have_text("Rp 3.500.000")
    expect(buy.get_by_test_id("balance-after")).to_have_text("Rp 3.000.000")
    keep_screenshot(page, "training-course")
    buy.get_by_role("button", name="Beli seharga Rp 500.000").click()

    # Then her voucher code is shown big, with the session and its redeem window
    expect(page).to_have_url(re.compile(r"/kartu/pelatihan/\d+/$"))
    expect(page.get_by_test_id("voucher-code")).to_have_text(VOUCHER)
    voucher = page.get_by_test_id("voucher-code").inner_text()
    expect(page.get_by_test_id("session-time")).to_contain_text("WIB")
    expect(page.get_by_test_id("redeem-window")).to_contain_text(
        "Voucher ditukarkan mulai 1 jam sebelum hingga 1 jam setelah sesi dimulai"
    )
    keep_screenshot(page, "training-voucher")

    # And her home shows the lower balance and the voucher of the training she bought
    page.get_by_role("link", name="Bekal", exact=True).click()
    expect(panel.get_by_test_id("training-balance")).to_have_text("Rp 3.000.000")
    expect(panel.get_by_test_id("purchases")).to_contain_text(voucher)
    expect(panel.get_by_test_id("purchases")).to_contain_text("Belum dimulai")
    expect(panel.locator("[aria-current=step]")).to_have_text("2. Selesaikan")
    keep_screenshot(page, "training-home")

    # When the provider redeems the voucher and the platform reports the completion
    the_platform_reports_the_completion(Purchase.objects.get(user=person))

    # Then her home shows the certificate and asks for a review
    page.reload()
    expect(panel.get_by_test_id("certificates")).to_contain_text("Sertifikat SKL/2026/000123")
    expect(panel.locator("[aria-current=step]")).to_have_text("3. Beri ulasan")

    # When she follows "Tulis ulasan", gives four stars and a comment
    panel.get_by_role("link", name="Tulis ulasan").click()
    expect(page.get_by_test_id("certificate-number")).to_have_text("SKL/2026/000123")
    expect(page.locator("figure.qr svg")).to_be_visible()
    page.get_by_label("4 bintang").check()
    page.get_by_label("Ulasan Anda (tidak wajib)").fill("Materinya praktis dan mudah diikuti.")
    page.get_by_role("button", name="Kirim ulasan").click()

    # Then her review is shown on the page
    expect(page.get_by_role("status")).to_have_text("Terima kasih atas ulasan Anda.")
    expect(page.get_by_test_id("review-comment")).to_have_text(
        "Materinya praktis dan mudah diikuti."
    )
    keep_screenshot(page, "training-certificate")

    # When anybody opens the address the QR code holds, without logging in
    address = page.get_by_test_id("certificate-link").get_attribute("href")
    assert address is not None
    stranger = page.context.browser.new_context(viewport={"width": 360, "height": 740})
    try:
        public = stranger.new_page()
        public.goto(address)

        # Then the certificate is confirmed with her initials only
        expect(public.get_by_test_id("certificate-valid")).to_contain_text("Sertifikat ini sah.")
        expect(public.get_by_test_id("certificate-number")).to_have_text("SKL/2026/000123")
        expect(public.get_by_test_id("holder")).to_have_text("D. A. P.")
        expect(public.locator("main")).to_contain_text("Webinar Pemasaran Digital untuk UMKM")
        expect(public.locator("main")).not_to_contain_text("Dewi")
        expect(public.locator("main")).not_to_contain_text(person.email)
        keep_screenshot(public, "training-certificate-public")
    finally:
        stranger.close()

    # And her home says the training steps before the incentive are done
    page.goto("/")
    expect(panel).to_contain_text("Selesai: pelatihan Anda sudah memenuhi syarat insentif.")
