"""Issue 3's acceptance: a new participant registers in a phone's browser, from sign-up to
the signed declaration, photos and SMS code included, and the home page tells her where
she stands after every step.

The KTP address is chosen the way most phones do it, with JavaScript (each list fills in
place as the one above it is chosen); a last test chooses it without JavaScript.
"""

import pytest
from django.db import connection
from playwright.sync_api import Locator, Page, expect

from bekal.identity.registry.embedded import add_citizens
from tests.identity.documents_support import participant, use_tmp_document_storage
from tests.registration.factories import SITI, SITI_NIK
from tests.web.journey_support import (
    ACCOUNT,
    BEING_CHECKED,
    DECLARATION,
    DOCUMENTS,
    DONE,
    IDENTITY,
    NOT_YET,
    PHONE,
    PROFILE,
    TEST,
    TO_DO,
    WAVE,
    expect_journey,
    fill_profile,
    journey_step,
    keep_screenshot,
    log_in,
    next_button,
    open_confirmation_link,
    read_sms_code,
    sign_up,
    take_photo,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "siti.aminah@contoh.id"
PASSWORD = "kopi-tubruk-2020"


@pytest.fixture(autouse=True)
def empty_queue():
    """No job left over by an earlier test (the job tables outlive the flush)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def registry(settings, tmp_path):
    """The embedded population registry, in a file of this test's own, knowing Siti."""
    path = tmp_path / "citizens.csv.gz"
    settings.BEKAL_REGISTRY_URL = ""
    settings.BEKAL_REGISTRY_FILE = path
    add_citizens([SITI], path=path)
    return path


@pytest.fixture
def sms_in_outbox(settings):
    """SMS stay in Bekal's outbox (/dev/outbox/), as in the demo."""
    settings.BEKAL_SMS_BACKEND = "bekal.notifications.sms.OutboxOnlyBackend"


def choose_region_without_javascript(address: Locator, label: str, region: str) -> None:
    """Without JavaScript, the "Pilih" button next to a list sends the form back with the
    list under it narrowed."""
    address.get_by_label(label).select_option(label=region)
    row = address.locator(".region").filter(has=address.page.get_by_label(label))
    row.get_by_role("button", name="Pilih").click()


def expect_photo_shown(page: Page, name: str) -> None:
    """The participant sees her stored photo (not a broken image with its alt text)."""
    image = page.get_by_role("img", name=name)
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0, f"{name} is not shown"


def back_home(page: Page) -> None:
    page.get_by_role("link", name="Kembali ke pendaftaran saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Siti")


def test_a_new_participant_registers_from_sign_up_to_the_signed_declaration(
    page, worker, registry, sms_in_outbox, tmp_path
):
    # Given a person who signs up, confirms her email from the outbox and logs in
    sign_up(page, full_name="Siti Aminah", email=EMAIL, password=PASSWORD)
    worker()
    open_confirmation_link(page, email=EMAIL)
    log_in(page, email=EMAIL, password=PASSWORD)

    # Then her account is done and her profile is what to do next
    expect_journey(
        page,
        {
            ACCOUNT: DONE,
            PROFILE: TO_DO,
            IDENTITY: NOT_YET,
            DOCUMENTS: TO_DO,
            PHONE: TO_DO,
            DECLARATION: NOT_YET,
            TEST: NOT_YET,
            WAVE: NOT_YET,
        },
    )
    expect(next_button(page)).to_have_text("Berikutnya: Identitas dan data diri")

    # When she fills in her profile and sends it
    next_button(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Identitas dan data diri")
    expect(page.get_by_text("Langkah 2 dari 8")).to_be_visible()
    fill_profile(page)
    keep_screenshot(page, "profile_form")
    page.get_by_role("button", name="Simpan dan periksa NIK saya").click()

    # Then she is told her NIK is being checked, and her journey says so
    expect(page.get_by_role("status").filter(has_text="Profil Anda tersimpan")).to_be_visible()
    expect(page.locator("#identity-status")).to_contain_text("Sedang diperiksa")
    back_home(page)
    expect_journey(
        page,
        {
            ACCOUNT: DONE,
            PROFILE: DONE,
            IDENTITY: BEING_CHECKED,
            DOCUMENTS: TO_DO,
            PHONE: TO_DO,
            DECLARATION: TO_DO,
            TEST: NOT_YET,
            WAVE: NOT_YET,
        },
    )
    expect(journey_step(page, IDENTITY)).to_contain_text("Anda dapat melanjutkan")

    # When the population registry has answered
    worker()
    page.reload()

    # Then her identity is verified and the photos come next
    expect_journey(
        page,
        {
            ACCOUNT: DONE,
            PROFILE: DONE,
            IDENTITY: DONE,
            DOCUMENTS: TO_DO,
            PHONE: TO_DO,
            DECLARATION: TO_DO,
            TEST: NOT_YET,
            WAVE: NOT_YET,
        },
    )
    expect(next_button(page)).to_have_text("Berikutnya: Foto KTP dan swafoto")

    # When she uploads a photo of her KTP and a selfie holding it
    next_button(page).click()
    page.get_by_label("Ambil atau pilih foto KTP Anda").set_input_files(
        take_photo(tmp_path / "ktp.jpg", seed=1)
    )
    page.get_by_label("Ambil atau pilih swafoto Anda sambil memegang KTP").set_input_files(
        take_photo(tmp_path / "swafoto.jpg", seed=2)
    )
    page.get_by_role("button", name="Unggah").click()

    # Then both are kept and her journey has the documents done
    expect(page.get_by_text("2 dari 2 foto sudah diunggah")).to_be_visible()
    expect_photo_shown(page, "Foto KTP")
    expect_photo_shown(page, "Swafoto sambil memegang KTP")
    page.get_by_role("link", name="Lanjutkan").click()
    expect_journey(
        page,
        {
            ACCOUNT: DONE,
            PROFILE: DONE,
            IDENTITY: DONE,
            DOCUMENTS: DONE,
            PHONE: TO_DO,
            DECLARATION: TO_DO,
            TEST: NOT_YET,
            WAVE: NOT_YET,
        },
    )
    expect(next_button(page)).to_have_text("Berikutnya: Nomor ponsel")

    # When she types her mobile number and the code the SMS brings her
    next_button(page).click()
    page.get_by_label("Nomor ponsel").fill("0812 3456 7890")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masukkan kode")
    worker()
    code = read_sms_code(page)
    page.goto("/ponsel/kode/")
    page.get_by_label("Kode 6 angka dari SMS").fill(code)
    page.get_by_role("button", name="Verifikasi").click()

    # Then her number is verified, shown masked, and the declaration comes next
    expect(page.get_by_role("heading", level=1)).to_have_text("Nomor HP terverifikasi")
    back_home(page)
    expect_journey(
        page,
        {
            ACCOUNT: DONE,
            PROFILE: DONE,
            IDENTITY: DONE,
            DOCUMENTS: DONE,
            PHONE: DONE,
            DECLARATION: TO_DO,
            TEST: NOT_YET,
            WAVE: NOT_YET,
        },
    )
    expect(journey_step(page, PHONE)).to_contain_text("0812****7890")
    expect(next_button(page)).to_have_text("Berikutnya: Pernyataan")

    # When she reads and signs the declaration
    next_button(page).click()
    expect(page.get_by_text("Langkah 6 dari 8")).to_be_visible()
    page.get_by_label("Saya telah membaca pernyataan ini dan menyetujuinya.").check()
    page.get_by_role("button", name="Tanda tangani pernyataan").click()

    # Then her registration is complete: only the test and the wave are still to come
    expect(page.get_by_role("status")).to_contain_text("Pernyataan Anda sudah ditandatangani")
    expect_journey(
        page,
        {
            ACCOUNT: DONE,
            PROFILE: DONE,
            IDENTITY: DONE,
            DOCUMENTS: DONE,
            PHONE: DONE,
            DECLARATION: DONE,
            TEST: TO_DO,
            WAVE: NOT_YET,
        },
    )
    expect(page.locator("main")).to_contain_text("Pendaftaran Anda sudah lengkap.")
    expect(next_button(page)).to_have_text("Berikutnya: Tes")
    keep_screenshot(page, "journey_done")


def test_a_file_that_is_not_a_photo_is_refused_and_the_other_photo_is_kept(page, tmp_path):
    # Given a participant on the documents page
    participant(email=EMAIL)
    log_in(page, email=EMAIL, password=PASSWORD)
    page.goto("/dokumen/")
    not_a_photo = tmp_path / "foto.jpg"
    not_a_photo.write_text("Daftar belanja: beras, telur, minyak goreng.\n")

    # When she sends a real KTP photo with a text file renamed .jpg as her selfie
    page.get_by_label("Ambil atau pilih foto KTP Anda").set_input_files(
        take_photo(tmp_path / "ktp.jpg", seed=3)
    )
    page.get_by_label("Ambil atau pilih swafoto Anda sambil memegang KTP").set_input_files(
        not_a_photo
    )
    page.get_by_role("button", name="Unggah").click()

    # Then the selfie is refused in Indonesian, under its own field and in the summary
    # of errors the focus moves to
    refusal = (
        "Berkas ini bukan foto. Pilih foto berformat JPEG, PNG, WebP, atau HEIC, "
        "atau ambil foto dengan kamera."
    )
    selfie = page.locator("section#selfie_with_ktp")
    expect(selfie.locator(".errorlist")).to_have_text(refusal)
    expect(page.get_by_role("alert")).to_contain_text(refusal)
    expect(page.get_by_role("alert")).to_be_focused()
    expect(selfie).to_contain_text("Belum diunggah")
    # And the KTP photo is kept
    expect(page.get_by_text("1 dari 2 foto sudah diunggah")).to_be_visible()
    expect_photo_shown(page, "Foto KTP")
    page.goto("/")
    expect(journey_step(page, DOCUMENTS)).to_contain_text(TO_DO)


def test_the_ktp_address_can_be_chosen_without_javascript(chromium, live_server):
    # Given a participant whose phone runs no JavaScript, on the profile form
    participant(email=EMAIL)
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        locale="id-ID",
        java_script_enabled=False,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, email=EMAIL, password=PASSWORD)
    page.goto("/pendaftaran/profil/")
    page.get_by_label("NIK", exact=True).fill(SITI_NIK)
    ktp = page.get_by_role("group", name="Alamat sesuai KTP", exact=True)

    # When she chooses each list and presses its "Pilih" button
    choose_region_without_javascript(ktp, "Provinsi", "Bengkulu")
    choose_region_without_javascript(ktp, "Kabupaten/kota", "Kota Bengkulu")
    choose_region_without_javascript(ktp, "Kecamatan", "Selebar")

    # Then the villages of her district are offered, and what she typed is kept
    expect(ktp.get_by_label("Desa/kelurahan").locator("option")).to_contain_text(
        ["Pilih…", "Pagar Dewa", "Sukarami"]
    )
    expect(ktp.get_by_label("Kecamatan")).to_have_value("17.71.01")
    expect(page.get_by_label("NIK", exact=True)).to_have_value(SITI_NIK)
    expect(page.get_by_role("alert")).to_have_count(0)  # nothing is checked before sending
    context.close()
