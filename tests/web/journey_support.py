"""What the registration journey's browser tests share: the home page's steps as a
participant reads them (in Bahasa Indonesia), and the few things a person does outside
Bekal's pages (reading the outbox, taking photos).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.identity.documents_support import encode, photo
from tests.registration.factories import SITI_KK, SITI_NIK

# The steps of the home page, in order, with their Indonesian labels.
ACCOUNT = "Akun dan email"
PROFILE = "Identitas dan data diri"
IDENTITY = "Pemeriksaan identitas (Dukcapil)"
DOCUMENTS = "Foto KTP dan swafoto"
PHONE = "Nomor ponsel"
DECLARATION = "Pernyataan"
TEST = "Tes"
WAVE = "Gelombang"
STEPS = (ACCOUNT, PROFILE, IDENTITY, DOCUMENTS, PHONE, DECLARATION, TEST, WAVE)

# The states a step shows.
DONE = "Selesai"
BEING_CHECKED = "Sedang diperiksa"
TO_DO = "Perlu dikerjakan"
NOT_YET = "Belum"

NEXT = re.compile(r"^Berikutnya: ")
_CODE = re.compile(r"\b(\d{6})\b")


def expect_journey(page: Page, states: dict[str, str]) -> None:
    """The home page lists every step, in order, each in the state given."""
    assert tuple(states) == STEPS, "name every step of the journey, in order"
    rows = page.locator("ol.steps > li")
    expect(rows).to_contain_text(list(states))
    expect(rows.locator(".state")).to_have_text(list(states.values()))
    done = sum(1 for state in states.values() if state == DONE)
    expect(page.get_by_text(f"{done} dari {len(STEPS)} langkah selesai")).to_be_visible()


def journey_step(page: Page, label: str) -> Locator:
    """One step's row on the home page (its label, its detail, its state)."""
    return page.locator("ol.steps > li").nth(STEPS.index(label))


def next_button(page: Page) -> Locator:
    """The home page's "Berikutnya: <step>" button."""
    return page.get_by_role("link", name=NEXT)


def sign_up(page: Page, *, full_name: str, email: str, password: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Buat akun").click()
    page.get_by_label("Nama lengkap (sesuai KTP)").fill(full_name)
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek email Anda")


def open_confirmation_link(page: Page, *, email: str) -> None:
    """Follow the link of the confirmation email, read in the demo's outbox."""
    page.goto("/dev/outbox/")
    message = page.locator("article.outbox-message", has_text=email).first
    expect(message).to_contain_text("Konfirmasi akun Bekal Anda")
    message.locator("a[href*='/konfirmasi/']").click()
    expect(page.get_by_role("status")).to_contain_text("Alamat email Anda sudah dikonfirmasi")


def log_in(page: Page, *, email: str, password: str) -> None:
    if not page.url.endswith("/masuk/"):
        page.goto("/masuk/")
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")


def read_sms_code(page: Page) -> str:
    """The code of the newest verification SMS, read in the demo's outbox."""
    page.goto("/dev/outbox/")
    sms = page.locator("article.outbox-message[data-kind='phone_verification_code']").first
    expect(sms).to_contain_text("Terkirim")
    body = sms.locator(".body").inner_text()
    found = _CODE.search(body)
    assert found, f"no 6-digit code in the SMS: {body!r}"
    return found.group(1)


def take_photo(path: Path, *, seed: int) -> Path:
    """A JPEG as a phone camera makes it (1200x900, a scene of its own for each seed)."""
    path.write_bytes(encode(photo(seed), "JPEG", quality=90))
    return path


def keep_screenshot(page: Page, name: str) -> None:
    """Save the whole page as <name>.png in $BEKAL_SCREENSHOTS, when that is set (to look at
    the pages a test walks through: BEKAL_SCREENSHOTS=/tmp pytest tests/web)."""
    folder = os.environ.get("BEKAL_SCREENSHOTS")
    if folder:
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def fill_profile(page: Page) -> None:
    """Siti's data, typed as printed on her KTP and family card."""
    identity = page.get_by_role("group", name="Identitas", exact=True)
    identity.get_by_label("NIK", exact=True).fill(SITI_NIK)
    identity.get_by_label("Nomor Kartu Keluarga (KK)").fill(SITI_KK)
    identity.get_by_label("Nama lengkap sesuai KTP").fill("Siti Aminah")
    identity.get_by_label("Tempat lahir").fill("Bengkulu")
    identity.get_by_label("Tanggal lahir").fill("15-08-1995")
    identity.get_by_label("Perempuan").check()

    ktp = page.get_by_role("group", name="Alamat sesuai KTP", exact=True)
    ktp.get_by_label("Alamat sesuai KTP").fill("Jl. Merdeka No. 1, RT 001/RW 002")
    choose_region(ktp, province="Bengkulu", regency="Kota Bengkulu", district="Selebar")
    ktp.get_by_label("Desa/kelurahan").select_option(label="Sukarami")

    page.get_by_label("Di alamat sesuai KTP").check()
    page.get_by_label("Pendidikan terakhir").select_option(label="SMA/SMK/sederajat")
    page.get_by_label("Pencari kerja").check()
    in_school = page.get_by_role("group", name="Apakah Anda sedang sekolah atau kuliah?")
    in_school.get_by_label("Tidak").check()
    excluded = page.get_by_role(
        "group", name="Apakah pekerjaan Anda termasuk yang dikecualikan dari program?"
    )
    excluded.get_by_label("Tidak").check()


def choose_region(address: Locator, *, province: str, regency: str, district: str) -> None:
    """With JavaScript, each list fills in as the one above it is chosen (select_option
    waits for the option to be there)."""
    address.get_by_label("Provinsi").select_option(label=province)
    address.get_by_label("Kabupaten/kota").select_option(label=regency)
    address.get_by_label("Kecamatan").select_option(label=district)
