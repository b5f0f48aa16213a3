"""Accessibility as a screen-reader or keyboard user meets it, in Chromium at 360 px:
axe-core on every citizen page and its error states, and on the back office (one pass
per page state); every aria-describedby resolves; a failed submit puts the focus on the
error summary; header targets are 44 px; the test's last two minutes are said in words.
The `page` fixture also fails a test on any Content-Security-Policy violation."""

from __future__ import annotations

import datetime as dt
import importlib

import pyotp
import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from bekal.assessment.models import Attempt
from bekal.cards import services
from bekal.cards.terms import TERMS_VERSION
from bekal.marketplace.models import Purchase
from tests.assessment.support import complete_registration
from tests.cards.factories import announce, published_run
from tests.identity.documents_support import participant, use_tmp_document_storage
from tests.marketplace.factories import card_holder, course, platform
from tests.registration.factories import submit
from tests.web.accessibility import expect_accessible, expect_light, record_csp_violations
from tests.web.journey_support import keep_screenshot
from tests.web.test_training_browser import the_platform_reports_the_completion
from tests.web.wave_support import log_in, programme_officer, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kopi-tubruk-2020"  # tests.identity.documents_support's participants


def expect_error_summary_focused(page: Page, *, mentions: str) -> None:
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(mentions)


def expect_header_targets_of_44_px(page: Page) -> None:
    """Every link, button and list of the header is at least 44 px tall and wide."""
    targets = page.locator("header a, header button, header select").all()
    assert targets
    for target in targets:
        box = target.bounding_box()
        assert box is not None, target.inner_text()
        assert box["height"] >= 44 and box["width"] >= 44, (target.inner_text(), box)


def test_public_pages_and_their_errors_pass_axe(page: Page):
    # The landing page, then its header as a phone shows it: 44 px touch targets
    page.goto("/")
    expect_accessible(page, "landing")
    expect_light(page, "landing, first visit")
    expect_header_targets_of_44_px(page)
    keep_screenshot(page, "landing")

    page.goto("/masuk/")
    expect_accessible(page, "login")
    page.get_by_role("button", name="Masuk").click()
    expect_error_summary_focused(page, mentions="Alamat email")
    expect(page.get_by_label("Alamat email")).to_have_attribute(
        "aria-describedby", "id_email_error"
    )
    expect_accessible(page, "login, sent empty")

    page.goto("/daftar/")
    expect_accessible(page, "sign-up")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Budi Santoso")
    page.get_by_label("Alamat email").fill("bukan-email")
    page.get_by_label("Kata sandi").fill("nasi-goreng-77")
    page.get_by_role("button", name="Buat akun").click()
    expect_error_summary_focused(page, mentions="Alamat email")
    expect_accessible(page, "sign-up, refused")
    keep_screenshot(page, "sign-up-refused")
    page.get_by_label("Alamat email").fill("budi@contoh.id")
    page.get_by_label("Kata sandi").fill("nasi-goreng-77")
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek email Anda")
    expect_accessible(page, "sign-up, check your email")

    page.goto("/sandi/lupa/")
    expect_accessible(page, "password reset")
    page.get_by_label("Alamat email").fill("budi@contoh.id")
    page.get_by_role("button", name="Kirim tautan").click()
    expect_accessible(page, "password reset, link sent")
    page.goto("/sandi/atur/bukan/tautan/")
    expect_accessible(page, "password reset, link refused")
    page.goto("/konfirmasi/kirim-ulang/")
    expect_accessible(page, "confirmation link again")
    page.goto("/konfirmasi/bukan-token/")
    expect_accessible(page, "confirmation link refused")

    page.goto("/pelatihan/?max_price=murah")
    expect_error_summary_focused(page, mentions="500000")
    expect_accessible(page, "catalogue, refused filter")

    page.goto("/pelatihan/999999/")
    expect_accessible(page, "course not found")
    page.goto("/sertifikat/bukan-token/")
    expect_accessible(page, "certificate check, unknown")

    # The partner API's interactive docs keep to the Content-Security-Policy too
    page.goto("/api/partners/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()

    response = page.goto("/tidak-ada/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    expect_accessible(page, "404")
    keep_screenshot(page, "not-found")


def test_registration_pages_and_their_errors_pass_axe(
    page: Page, live_server, registry_file, settings, tmp_path
):
    use_tmp_document_storage(settings, tmp_path)
    person = participant()
    _log_in(page, person.email)

    expect_accessible(page, "home of a new participant")

    page.goto("/pendaftaran/profil/")
    expect_accessible(page, "profile")
    expect_light(page, "profile")
    nik = page.get_by_label("NIK", exact=True)
    expect(nik).to_have_attribute("aria-describedby", "id_nik_helptext")
    page.get_by_role("button", name="Simpan dan periksa NIK saya").click()
    expect_error_summary_focused(page, mentions="Nomor Kartu Keluarga (KK)")
    expect(page.get_by_label("Nomor Kartu Keluarga (KK)")).to_have_attribute(
        "aria-describedby", "id_kk_helptext id_kk_error"
    )
    expect_accessible(page, "profile, refused")
    expect_light(page, "profile, refused")
    keep_screenshot(page, "profile-refused")

    page.goto("/dokumen/")
    expect_accessible(page, "documents")
    page.get_by_role("button", name="Unggah").click()
    expect_accessible(page, "documents, sent empty")

    page.goto("/ponsel/")
    expect_accessible(page, "phone number")
    page.get_by_role("button", name="Kirim kode").click()
    expect_error_summary_focused(page, mentions="Nomor")
    expect_accessible(page, "phone number, sent empty")

    # Once her profile is sent: the identity check, the declaration, the SMS code
    submit(person)
    page.goto("/pendaftaran/verifikasi-nik/")
    expect_accessible(page, "identity check, being checked")
    page.goto("/pendaftaran/pernyataan/")
    expect_accessible(page, "declaration")
    page.get_by_role("button", name="Tanda tangani pernyataan").click()
    expect_error_summary_focused(page, mentions="")
    expect_accessible(page, "declaration, not accepted")

    page.goto("/ponsel/")
    page.get_by_label("Nomor ponsel").fill("0812 3456 7890")
    page.get_by_role("button", name="Kirim kode").click()
    expect_accessible(page, "SMS code")
    page.locator("input[autocomplete=one-time-code]").fill("000000")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect_accessible(page, "SMS code, wrong")
    keep_screenshot(page, "sms-code-wrong")

    page.goto("/tes/")
    expect_accessible(page, "test, not ready")
    page.goto("/gelombang/")
    expect_accessible(page, "waves")
    page.goto("/kartu/")
    expect_accessible(page, "card, no result yet")


def test_the_test_pages_pass_axe_and_say_when_two_minutes_are_left(
    page: Page, live_server, registry_file, settings, tmp_path
):
    importlib.import_module("bekal.assessment.migrations.0002_question_bank_v1").load_bank(
        django_apps
    )
    use_tmp_document_storage(settings, tmp_path)
    person = complete_registration(participant())
    _log_in(page, person.email)

    # Every registration step done: each page in its finished state
    for path, state in (
        ("/", "home, registration complete"),
        ("/pendaftaran/profil/", "profile, verified"),
        ("/pendaftaran/verifikasi-nik/", "identity check, verified"),
        ("/dokumen/", "documents, both uploaded"),
        ("/ponsel/", "phone number, verified"),
        ("/ponsel/terverifikasi/", "phone verified"),
        ("/pendaftaran/pernyataan/", "declaration, signed"),
    ):
        page.goto(path)
        expect_accessible(page, state)

    page.goto("/tes/")
    expect_accessible(page, "test start")
    page.get_by_role("button", name="Mulai tes").click()
    expect_accessible(page, "test question")
    expect_light(page, "test question")
    warning = page.locator("[data-timer-warning]")
    expect(warning).to_have_attribute("aria-live", "assertive")
    expect(warning).to_have_text("")

    # When less than two minutes are left, the page says so in words, not only in red
    Attempt.objects.filter(user=person).update(deadline=timezone.now() + dt.timedelta(seconds=100))
    page.reload()
    expect(warning).to_have_text("⚠ Kurang dari 2 menit lagi.")
    expect(page.locator(".timer")).to_have_class("timer low")
    expect_accessible(page, "test question, two minutes left")
    keep_screenshot(page, "test-two-minutes-left")

    page.goto("/tes/kirim/")
    expect_accessible(page, "test submit")
    page.get_by_role("button", name="Ya, kirim jawaban saya").click()
    expect_accessible(page, "test result")


def test_training_pages_pass_axe(page: Page):
    person, _card = card_holder()
    with_password(person)
    on = platform(name="Sekolah Digital Nusantara")
    course(on=on, title="Webinar Pemasaran Digital untuk UMKM", price=500_000)
    log_in(page, person)
    expect_accessible(page, "home of a card holder")
    expect_header_targets_of_44_px(page)
    expect_light(page, "home of a card holder")

    page.goto("/pelatihan/")
    expect_accessible(page, "catalogue")
    expect_light(page, "catalogue")
    page.get_by_role("link", name="Webinar Pemasaran Digital untuk UMKM").click()
    expect_accessible(page, "course")
    expect_light(page, "course")
    page.get_by_test_id("buy").get_by_role("button").click()
    expect_accessible(page, "voucher")
    expect_light(page, "voucher")

    the_platform_reports_the_completion(Purchase.objects.get(user=person))
    page.reload()
    page.get_by_role("button", name="Kirim ulasan").click()
    expect_error_summary_focused(page, mentions="")
    expect_accessible(page, "review, no rating")
    page.get_by_label("4 bintang").check()
    page.get_by_role("button", name="Kirim ulasan").click()
    expect(page.get_by_role("img", name="4 bintang")).to_be_visible()
    expect_accessible(page, "review sent")

    page.get_by_test_id("certificate-link").click()
    expect_accessible(page, "certificate check")
    page.goto("/kartu/")
    expect_accessible(page, "card, active")


def test_card_pages_pass_axe_in_every_state(page: Page, live_server):
    published = published_run(selected=2, not_selected=1)
    offered, revoked = published.selected
    [left] = published.not_selected
    announce(published.run)
    card = services.accept_card_terms(user=revoked, terms_version=TERMS_VERSION)
    services.revoke_unused_cards(now=card.first_purchase_deadline)

    _log_in_directly(page, offered, live_server.url)
    page.goto("/kartu/")
    expect_accessible(page, "card offered")
    page.get_by_role("button", name="Setujui dan aktifkan kartu saya").click()
    expect_error_summary_focused(page, mentions="")
    expect_accessible(page, "card offered, terms not ticked")

    _log_in_directly(page, left, live_server.url)
    page.goto("/kartu/")
    expect_accessible(page, "card, not selected")
    page.goto("/gelombang/")
    expect_accessible(page, "waves, not selected")

    _log_in_directly(page, revoked, live_server.url)
    page.goto("/kartu/")
    expect_accessible(page, "card revoked")


def test_back_office_pages_pass_axe(page: Page, live_server, registry_file, settings, tmp_path):
    settings.BEKAL_STAFF_SECOND_FACTOR_REQUIRED = True
    use_tmp_document_storage(settings, tmp_path)
    complete_registration(participant())
    log_in(page, programme_officer())

    # The second step of a staff login: setting up the authenticator app, a wrong code
    expect_accessible(page, "authenticator set-up")
    code = page.get_by_label("Kode 6 angka dari aplikasi autentikator Anda")
    code.fill("123")
    page.get_by_role("button", name="Konfirmasi").click()
    expect_error_summary_focused(page, mentions="Kode ini tidak benar")
    expect_accessible(page, "authenticator set-up, wrong code")
    key = page.get_by_test_id("setup-key").inner_text().replace(" ", "")
    code.fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Konfirmasi").click()

    expect_accessible(page, "registrants")
    page.locator("tbody a").first.click()
    expect_accessible(page, "registrant")
    for path, state in (
        ("/kantor/gelombang/", "waves"),
        ("/kantor/katalog/", "catalogue"),
        ("/kantor/platform/", "platforms"),
        ("/kantor/pengecualian/", "exclusion lists"),
        ("/kantor/peringatan/", "officers' alerts"),
    ):
        page.goto(path)
        expect_accessible(page, state)


def _log_in_directly(page: Page, user, base_url: str) -> None:
    """Log in by giving the browser the session cookie of a logged-in test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def _log_in(page: Page, email: str) -> None:
    page.goto("/masuk/")
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")


def test_the_policy_blocks_inline_code_and_a_browser_test_sees_it(chromium, live_server):
    # Given a Bekal page in a context of its own (the `page` fixture would fail this test)
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = record_csp_violations(page)
    page.goto("/masuk/")

    # When something inserts an inline script into it
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.injected = true";
              document.body.append(script);
            }"""
        )

    # Then the browser refused to run it, and the tests' detector recorded the refusal
    assert page.evaluate("() => window.injected") is None
    assert len(violations) == 1 and "script" in violations[0]
    context.close()
