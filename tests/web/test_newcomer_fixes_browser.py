"""What a newcomer tripped on in the portal, as a person on a phone sees it now: the step
bar of the registration pages, a new SMS code after five wrong ones, the message after
saving a profile, a double tap on a submit button, and buying a training."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from playwright.sync_api import Page, Route, expect

from bekal.accounts.models import User
from bekal.marketplace.models import Format
from bekal.notifications.models import OutboxMessage
from tests.identity.documents_support import participant, use_tmp_document_storage
from tests.marketplace.factories import card_holder, course, platform
from tests.programmes.factories import registrant
from tests.web.journey_support import keep_screenshot
from tests.web.wave_support import log_in, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_queue():
    """No job left over by an earlier test (the job tables outlive the flush)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture
def documents(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def bar(page: Page):
    return page.get_by_role("group", name="Kemajuan pendaftaran").locator("li")


def test_the_step_bar_of_the_profile_and_declaration_pages_marks_the_finished_steps(
    page: Page, documents
):
    # Given a person who has only opened her account
    newcomer = with_password(participant(email="baru@contoh.id"))
    log_in(page, newcomer)

    # Then the profile page's bar marks the account done and the profile as the step now
    page.goto("/pendaftaran/profil/")
    expect(bar(page)).to_have_count(8)
    expect(bar(page).nth(0)).to_have_class("done")
    expect(bar(page).nth(0)).to_contain_text("(selesai)")
    expect(bar(page).nth(1)).to_have_attribute("aria-current", "step")
    expect(page.locator(".progress li.done")).to_have_count(1)
    keep_screenshot(page, "newcomer-profile-step-bar")

    # Given a person whose registration is complete
    page.context.clear_cookies()
    done = with_password(registrant(1))
    log_in(page, done)

    # Then the declaration page's bar marks the six registration steps done, not the
    # test and the wave
    page.goto("/pendaftaran/pernyataan/")
    expect(page.locator(".progress li.done")).to_have_count(6)
    expect(bar(page).nth(6)).not_to_have_class("done")
    expect(bar(page).nth(7)).not_to_have_class("done")
    keep_screenshot(page, "newcomer-declaration-step-bar")


def test_after_five_wrong_sms_codes_the_page_says_when_a_new_code_can_be_asked_for(
    page: Page, settings
):
    # Given a person who asked for an SMS code, with a new code allowed 15 s after a send
    settings.BEKAL_SMS_BACKEND = "bekal.notifications.sms.OutboxOnlyBackend"
    settings.BEKAL_OTP_RESEND_INTERVAL = 15
    person = with_password(participant(email="ponsel@contoh.id"))
    log_in(page, person)
    page.goto("/ponsel/")
    page.get_by_label("Nomor ponsel").fill("0812 3456 7890")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masukkan kode")
    sent = OutboxMessage.objects.get(user=person, channel="sms").body
    code = re.search(r"\b(\d{6})\b", sent).group(1)
    wrong = "111111" if code != "111111" else "222222"

    # When she types a wrong code five times
    for _ in range(5):
        page.get_by_label("Kode 6 angka dari SMS").fill(wrong)
        page.get_by_role("button", name="Verifikasi").click()

    # Then the page says the code is dead and at what time she can ask for a new one
    expect(page.locator("main")).to_contain_text("terlalu sering salah")
    help_text = page.locator("#resend-help")
    expect(help_text).to_contain_text(re.compile(r"Anda bisa meminta kode baru dalam \d+ detik"))
    expect(help_text).to_contain_text(re.compile(r"pukul \d{2}:\d{2}:\d{2} WIB"))
    ask = page.get_by_role("button", name="Kirim kode baru")
    expect(ask).to_be_disabled()
    keep_screenshot(page, "newcomer-sms-blocked")

    # And when that time comes, without reloading, the button works and says so
    expect(ask).to_be_enabled(timeout=30_000)
    expect(help_text).to_have_text("Anda bisa meminta kode baru sekarang.")
    ask.click()
    expect(page.get_by_role("status")).to_contain_text("Kode baru sudah dikirim ke 0812****7890")
    expect(page.get_by_label("Kode 6 angka dari SMS")).to_be_visible()
    assert OutboxMessage.objects.filter(user=person, channel="sms").count() == 2


def test_saving_a_verified_profile_says_saved_without_saying_it_is_being_checked(
    page: Page, documents
):
    # Given a person whose identity the population registry has confirmed
    person = with_password(registrant(1))
    log_in(page, person)

    # When she opens her profile again and saves it
    page.goto("/pendaftaran/profil/")
    page.get_by_role("button", name="Simpan dan periksa NIK saya").click()

    # Then she reads that it is saved, beside "Terverifikasi", and nothing about checking
    expect(page.get_by_role("status").filter(has_text="Profil")).to_have_text(
        "Profil Anda tersimpan."
    )
    expect(page.locator("#identity-status")).to_contain_text("Terverifikasi")
    expect(page.locator("main")).not_to_contain_text("Kami sedang memeriksa")
    keep_screenshot(page, "newcomer-profile-saved")


def test_a_double_tap_on_create_account_sends_the_form_once(page: Page):
    # Given a newcomer on the sign-up form, on a network so slow that the page is still
    # there when she taps again (the server's answer reaches the server, the page stays)
    posts: list[str] = []

    def send_and_stay(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.url)
        route.fetch(max_redirects=0)  # the server signs her up
        route.fulfill(status=204)  # and the page stays where it is

    page.route("**/daftar/", send_and_stay)
    page.goto("/daftar/")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Rudi Hartono")
    page.get_by_label("Alamat email").fill("rudi@contoh.id")
    page.get_by_label("Kata sandi").fill("nasi-goreng-2020")
    create = page.get_by_role("button", name="Buat akun")

    # When she taps "Buat akun", then taps it again and presses Enter
    create.click()
    expect(create).to_be_disabled()
    create.click(force=True)
    page.get_by_label("Kata sandi").press("Enter")

    # Then the form went once: one account, one email
    page.wait_for_timeout(500)  # room for a second request, which must not come
    assert posts == [posts[0]]
    assert User.objects.filter(email="rudi@contoh.id").count() == 1
    assert OutboxMessage.objects.filter(recipient="rudi@contoh.id").count() == 1


def test_a_short_password_is_shown_on_the_first_submit_and_while_typing(page: Page):
    page.goto("/daftar/")
    page.get_by_label("Kata sandi").fill("kopi")
    expect(page.get_by_test_id("too-short")).to_have_text(
        "Terlalu pendek: ketik paling sedikit 8 karakter."
    )
    page.get_by_role("button", name="Buat akun").click()

    # The email is missing too: both are said at once
    expect(page.locator("main")).to_contain_text("Kata sandi terlalu pendek")
    expect(page.locator("main")).to_contain_text("Isian ini wajib diisi.")
    assert not User.objects.exists()


def test_after_buying_the_voucher_page_says_so_and_the_back_button_shows_it_bought(
    page: Page,
):
    # Given a card holder with Rp 3.500.000 and a course of Rp 300.000
    person, _card = card_holder()
    with_password(person)
    bought = course(
        on=platform(name="Sekolah Digital Nusantara"),
        format=Format.SELF_PACED,
        title="Bahasa Inggris Pariwisata",
        price=300_000,
    )
    log_in(page, person)
    page.goto(f"/pelatihan/{bought.pk}/")

    # When she buys it
    page.get_by_test_id("buy").get_by_role("button", name="Beli seharga Rp 300.000").click()

    # Then the voucher page says what she bought and her new balance
    expect(page.get_by_role("status")).to_have_text(
        "Anda membeli “Bahasa Inggris Pariwisata” seharga Rp 300.000. "
        "Saldo kartu Anda sekarang Rp 3.200.000."
    )
    expect(page.get_by_test_id("voucher-code")).to_be_visible()
    keep_screenshot(page, "newcomer-bought")

    # When she presses the back button
    page.go_back()

    # Then the course page says it is bought, with no Buy button and no old balance
    expect(page.get_by_text("Anda sudah membeli pelatihan ini.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Beli"))).to_have_count(0)
    expect(page.get_by_test_id("balance-now")).to_have_count(0)
    keep_screenshot(page, "newcomer-back-after-buying")
