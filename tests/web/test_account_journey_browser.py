"""A person signs up, confirms the email from the outbox, logs in and logs out."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_up_confirms_logs_in_and_logs_out(page, worker):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pelatihan dan insentif bagi pencari kerja"
    )
    page.get_by_role("link", name="Buat akun").click()

    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Siti Aminah")
    page.get_by_label("Alamat email").fill("siti.aminah@contoh.id")
    page.get_by_label("Kata sandi").fill("kopi-tubruk-2020")
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek email Anda")
    expect(page.locator("main")).to_contain_text("siti.aminah@contoh.id")

    worker()
    page.goto("/dev/outbox/")
    message = page.locator("article.outbox-message", has_text="siti.aminah@contoh.id").first
    expect(message).to_contain_text("Konfirmasi akun Bekal Anda")
    expect(message).to_contain_text("Terkirim")
    message.locator("a[href*='/konfirmasi/']").click()

    expect(page.get_by_role("status")).to_contain_text("Alamat email Anda sudah dikonfirmasi")
    page.get_by_label("Alamat email").fill("Siti.Aminah@contoh.id")
    page.get_by_label("Kata sandi").fill("kopi-tubruk-2020")
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Siti")
    expect(page.locator(".steps li").first).to_contain_text("Selesai")

    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("status")).to_contain_text("Anda telah keluar")
    page.goto("/")
    expect(page.get_by_role("link", name="Buat akun")).to_be_visible()


def test_a_person_who_has_not_confirmed_is_told_how_to_get_a_new_link(page):
    page.goto("/daftar/")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Budi Santoso")
    page.get_by_label("Alamat email").fill("budi@contoh.id")
    page.get_by_label("Kata sandi").fill("nasi-goreng-77")
    page.get_by_role("button", name="Buat akun").click()

    page.goto("/masuk/")
    page.get_by_label("Alamat email").fill("budi@contoh.id")
    page.get_by_label("Kata sandi").fill("nasi-goreng-77")
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("alert")).to_contain_text("belum dikonfirmasi")


def test_the_portal_can_be_read_in_english(page):
    page.goto("/")
    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Training and incentives for people looking for work"
    )


def test_a_phone_set_to_english_still_gets_indonesian_pages(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()

    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pelatihan dan insentif bagi pencari kerja"
    )
    context.close()
