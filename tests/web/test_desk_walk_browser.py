"""The assisted registration desk, walked in Chromium: an officer with a TOTP code
registers a walk-in citizen who has no email (profile, photos from Chromium's fake
camera, the code of the citizen's own phone, declaration); the citizen then sets a
password on another device through that phone, logs in with phone and password and
takes the test. The officer's screen never held a field for the citizen's password, and
no copy of the photos remains anywhere but Bekal's encrypted storage."""

from __future__ import annotations

import glob
import importlib
import re
import tempfile
import time
from pathlib import Path

import pyotp
import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from bekal.accounts.models import StaffTotpDevice, User
from bekal.assessment import selectors as assessment
from bekal.core.crypto import decrypt_bytes, encrypt
from bekal.desks.models import AssistedStep
from bekal.identity.models import IdentityDocument
from bekal.identity.registry.embedded import add_citizens
from bekal.notifications.models import OutboxMessage
from tests.assessment.support import items, right_option
from tests.desks.factories import desk, officer
from tests.identity.documents_support import use_tmp_document_storage
from tests.registration.factories import SITI
from tests.web.accessibility import expect_accessible, record_csp_violations
from tests.web.journey_support import fill_profile, keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = "0812 7777 1234"
E164 = "+6281277771234"
CITIZEN_PASSWORD = "rendang-padang-77"
#: The start of a JPEG as a browser's canvas encodes it (SOI, APP0, "JFIF").
JFIF = b"\xff\xd8\xff\xe0\x00\x10JFIF"
_CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture(autouse=True)
def empty_queue():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture
def registry(settings, tmp_path):
    path = tmp_path / "citizens.csv.gz"
    settings.BEKAL_REGISTRY_URL = ""
    settings.BEKAL_REGISTRY_FILE = path
    add_citizens([SITI], path=path)
    return path


def new_page(chromium, live_server, *, width: int, height: int) -> tuple[Page, list[str]]:
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    return page, record_csp_violations(page)


def code_from_phone(phone: Page, kind: str) -> str:
    """What the citizen's own phone shows: the newest SMS of `kind` (the demo's outbox)."""
    phone.goto("/dev/outbox/")
    sms = phone.locator(f"article.outbox-message[data-kind='{kind}']").first
    expect(sms).to_contain_text("Terkirim")
    found = _CODE.search(sms.locator(".body").inner_text())
    assert found
    return found.group(1)


def files_with_a_photo(folders: list[Path], since: float) -> list[Path]:
    """Files written since `since` under `folders` that hold a JPEG in clear."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            try:
                if path.is_file() and path.stat().st_mtime >= since and JFIF in path.read_bytes():
                    found.append(path)
            except OSError:
                continue  # a file the browser removed meanwhile
    return found


def test_an_officer_registers_a_walk_in_citizen_without_email_who_then_takes_the_test(
    chromium, live_server, worker, registry, settings, tmp_path
):
    # Given a desk of Kota Bengkulu's office, its officer Budi with his authenticator app,
    # the question bank, and SMS kept in the outbox
    settings.SITE_URL = live_server.url
    settings.BEKAL_SMS_BACKEND = "bekal.notifications.sms.OutboxOnlyBackend"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    storage = use_tmp_document_storage(settings, tmp_path)
    importlib.import_module("bekal.assessment.migrations.0002_question_bank_v1").load_bank(
        django_apps
    )
    budi = officer(desk())
    secret = pyotp.random_base32()
    StaffTotpDevice.objects.create(
        user=budi, secret_encrypted=encrypt(secret), confirmed_at=timezone.now()
    )
    office, office_violations = new_page(chromium, live_server, width=1280, height=800)
    phone, _ = new_page(chromium, live_server, width=360, height=740)
    downloads: list[object] = []
    office.on("download", lambda download: downloads.append(download))
    password_fields: dict[str, int] = {}

    def look() -> None:
        """Note every page of the officer's screen that has a password field."""
        count = office.locator("input[type=password]").count()
        if count:
            password_fields[office.url.split("?")[0].removeprefix(live_server.url)] = count

    # When Budi signs in with his password, then the code of his authenticator app
    office.goto("/meja/")
    expect(office.get_by_role("heading", level=1)).to_have_text("Meja pendaftaran: masuk petugas")
    look()
    keep_screenshot(office, "desk-login")
    office.get_by_label("Alamat email").fill(budi.email)
    office.get_by_label("Kata sandi Anda (petugas)").fill("meja-bengkulu-2026")
    office.get_by_role("button", name="Masuk").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Langkah kedua untuk masuk")
    office.get_by_label("Kode 6 angka dari aplikasi autentikator Anda").fill(
        pyotp.TOTP(secret).now()
    )
    office.get_by_role("button", name="Lanjutkan").click()

    # Then he is at his desk
    expect(office.get_by_role("heading", level=1)).to_have_text(
        "Meja Pendaftaran Disnaker Kota Bengkulu"
    )
    expect_accessible(office, "desk home")
    keep_screenshot(office, "desk-home")
    look()

    # When he opens an account for Siti, who has no email, on her own phone number
    office.get_by_role("link", name="Daftarkan warga yang datang").click()
    office.get_by_label("Nama lengkap warga (sesuai KTP)").fill("Siti Aminah")
    office.get_by_label("Nomor ponsel milik warga sendiri").fill(PHONE)
    expect_accessible(office, "desk start")
    keep_screenshot(office, "desk-start")
    look()
    office.get_by_role("button", name="Buat akun dan kirim kode SMS").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Aktivasi dengan kode SMS warga")
    expect(office.get_by_text("0812****1234").first).to_be_visible()
    expect_accessible(office, "desk activation")
    keep_screenshot(office, "desk-activation")
    look()

    # And Siti types the code her own phone received
    worker()
    office.get_by_label("Kode 6 angka dari SMS di ponsel warga").fill(
        code_from_phone(phone, "phone_verification_code")
    )
    office.get_by_role("button", name="Aktifkan akun").click()

    # Then the account is hers, activated, and the profile comes next
    expect(office.get_by_role("status").filter(has_text="Akun sudah aktif")).to_be_visible()
    expect(office.get_by_role("heading", level=1)).to_have_text("Identitas dan data diri warga")
    look()
    fill_profile(office)
    expect_accessible(office, "desk profile")
    keep_screenshot(office, "desk-profile")
    office.get_by_role("button", name="Simpan dan periksa NIK").click()

    # When Budi takes the KTP photo and the selfie with the desk's camera
    expect(office.get_by_role("heading", level=1)).to_have_text("Foto dengan kamera meja")
    look()
    before_photos = time.time() - 1
    for label in ("Foto KTP", "Swafoto"):
        section = office.locator("section.desk-photo").filter(has_text=label)
        button = section.get_by_role("button")
        expect(button).to_be_enabled()
        button.click()
        expect(section.locator("[data-receipt]")).to_contain_text(
            "Tidak ada salinan yang tersisa di perangkat ini"
        )
    expect_accessible(office, "desk photos")
    keep_screenshot(office, "desk-photos")

    # Then both photos are in Bekal's storage, encrypted, and nowhere else
    stored = [path for path in storage.rglob("*") if path.is_file()]
    assert len(stored) == 2
    for path in stored:
        assert JFIF not in path.read_bytes()
        assert decrypt_bytes(path.read_bytes()).startswith(b"\xff\xd8\xff")
    browser_folders = [
        Path(p) for p in glob.glob(f"{tempfile.gettempdir()}/playwright_chromiumdev_profile-*")
    ]
    assert files_with_a_photo([tmp_path / "uploads", *browser_folders], before_photos) == []
    assert downloads == []

    # When Siti reads and accepts the declaration at the desk
    office.get_by_role("link", name="Lanjut ke pernyataan").click()
    office.get_by_label("Saya telah membaca pernyataan ini dan menyetujuinya.").check()
    expect_accessible(office, "desk declaration")
    keep_screenshot(office, "desk-declaration")
    look()
    office.get_by_role("button", name="Tanda tangani pernyataan").click()

    # Then the receipt says where, by whom, that no copy remains, and what Siti does next
    expect(office.get_by_role("heading", level=1)).to_have_text("Tanda terima pendaftaran dibantu")
    expect(office.get_by_text("oleh petugas Budi Hartono").first).to_be_visible()
    expect(office.get_by_text("Tidak ada salinan foto yang tersisa")).to_be_visible()
    expect_accessible(office, "desk receipt")
    keep_screenshot(office, "desk-receipt")
    look()
    # and Budi can open a care ticket for Siti from it, by the desk channel
    office.get_by_role("link", name="Buka tiket layanan untuknya").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Buka tiket untuk warga")
    expect(office.get_by_label("Bagaimana warga menghubungi Anda?")).to_have_value("desk")
    office.go_back()

    # And every record of the registration is stamped with the desk and Budi
    siti = User.objects.get(full_name="Siti Aminah")
    assert siti.email is None
    assert set(AssistedStep.objects.values_list("step", "officer_id")) == {
        ("account_opened", budi.pk),
        ("account_activated", budi.pk),
        ("profile_submitted", budi.pk),
        ("document_uploaded", budi.pk),
        ("declaration_signed", budi.pk),
    }
    assert IdentityDocument.objects.filter(owner=siti, uploaded_by=budi).count() == 2

    # And the SMS about the desk went to Siti's phone
    worker()
    notice = OutboxMessage.objects.get(kind="desk_registration_notice")
    assert (notice.address, notice.status) == (E164, "sent")
    assert "Budi Hartono" in notice.body and "Meja Pendaftaran" in notice.body

    # When Siti, later and on another device, sets her password with her phone
    citizen, citizen_violations = new_page(chromium, live_server, width=360, height=740)
    citizen.goto("/masuk/")
    citizen.get_by_role("link", name=re.compile("Atur kata sandi dengan nomor ponsel")).click()
    citizen.get_by_label("Nomor ponsel akun Anda").fill(PHONE)
    keep_screenshot(citizen, "phone-password-request")
    citizen.get_by_role("button", name="Kirim kode").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Pilih kata sandi Anda")
    worker()
    citizen.get_by_label("Kode 6 angka dari SMS").fill(
        code_from_phone(phone, "phone_password_code")
    )
    citizen.get_by_label("Kata sandi baru", exact=True).fill(CITIZEN_PASSWORD)
    citizen.get_by_label("Ulangi kata sandi baru").fill(CITIZEN_PASSWORD)
    expect_accessible(citizen, "phone password")
    keep_screenshot(citizen, "phone-password")
    citizen.get_by_role("button", name="Simpan kata sandi saya").click()

    # And logs in with her phone number and password
    expect(
        citizen.get_by_role("status").filter(has_text="Kata sandi Anda sudah diatur")
    ).to_be_visible()
    citizen.get_by_label("Alamat email atau nomor ponsel").fill(PHONE)
    citizen.get_by_label("Kata sandi").fill(CITIZEN_PASSWORD)
    citizen.get_by_role("button", name="Masuk").click()
    expect(citizen.get_by_role("heading", level=1)).to_contain_text("Selamat datang, Siti")
    expect(citizen.get_by_text("Akun dan nomor ponsel")).to_be_visible()
    keep_screenshot(citizen, "citizen-home")

    # Then she takes the test herself, and passes
    citizen.goto("/tes/")
    citizen.get_by_role("button", name="Mulai tes").click()
    attempt = assessment.get_open_attempt(user=siti)
    drawn = items(attempt)
    for item in drawn:
        citizen.get_by_label(right_option(item).text, exact=True).check()
        last = item.position == len(drawn)
        citizen.get_by_role("button", name="Selesai" if last else "Berikutnya", exact=True).click()
    citizen.get_by_role("button", name="Ya, kirim jawaban saya").click()
    expect(citizen.get_by_text("Selamat, Anda lulus tes.")).to_be_visible()
    assert assessment.has_passed(user=siti)

    # And the officer's screen never held a field for her password, nor the password
    assert password_fields == {"/meja/masuk/": 1}
    for path in ("/meja/", office.url):
        office.goto(path)
        assert CITIZEN_PASSWORD not in office.content()
    assert office_violations == [] and citizen_violations == []
