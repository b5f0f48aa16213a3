"""In the browser: an officer sets up the authenticator app, logs in with its code, and the
programme office sees the alert raised by an officer's refused reads."""

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bekal.accounts.models import User
from bekal.regions.models import Regency
from tests.web.journey_support import keep_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "kopi-tubruk-2020"


def staff(email, role, region=None):
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name="Rina Wulandari",
        role=role,
        region=Regency.objects.get(code=region) if region else None,
        email_confirmed_at=timezone.now(),
    )


def password_step(page, email):
    page.goto("/masuk/")
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_an_officer_enrols_the_app_then_logs_in_with_a_code(page, settings):
    settings.BEKAL_STAFF_SECOND_FACTOR_REQUIRED = True
    staff("kota.bengkulu@bekal.example", User.Role.REGIONAL_OFFICER, "17.71")

    password_step(page, "kota.bengkulu@bekal.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Siapkan aplikasi autentikator Anda")
    expect(page.locator(".qr svg")).to_be_visible()
    keep_screenshot(page, "staff-second-factor-enrol")
    key = page.get_by_test_id("setup-key").inner_text().replace(" ", "")
    page.get_by_label("Kode 6 angka dari aplikasi autentikator Anda").fill("123")
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.get_by_role("alert")).to_contain_text("Kode ini tidak benar")
    page.get_by_label("Kode 6 angka dari aplikasi autentikator Anda").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pendaftar · Kota Bengkulu")

    page.get_by_role("button", name="Keluar").first.click()
    password_step(page, "kota.bengkulu@bekal.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Langkah kedua untuk masuk")
    keep_screenshot(page, "staff-second-factor-verify")
    page.get_by_label("Kode 6 angka dari aplikasi autentikator Anda").fill(
        pyotp.TOTP(key).at(timezone.now().timestamp() + 30)
    )
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pendaftar · Kota Bengkulu")


def test_the_programme_office_sees_an_officer_refused_too_often(page, client, settings):
    settings.BEKAL_REFUSED_READS_BURST = 3
    officer = staff("kab.bekasi@bekal.example", User.Role.REGIONAL_OFFICER, "32.16")
    staff("pmo@bekal.example", User.Role.PROGRAMME_ADMIN)
    client.force_login(officer)
    for profile_id in (101, 102, 103, 104):
        client.get(f"/kantor/peserta/{profile_id}/")

    password_step(page, "pmo@bekal.example")
    page.get_by_role("link", name="Peringatan petugas (1)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Peringatan petugas")
    row = page.get_by_role("row", name="kab.bekasi@bekal.example")
    expect(row).to_contain_text("Percobaan membuka data peserta wilayah lain yang ditolak")
    expect(row).to_contain_text("Kabupaten Bekasi")
    expect(row.get_by_role("cell", name="4", exact=True)).to_be_visible()
    keep_screenshot(page, "staff-alerts")
