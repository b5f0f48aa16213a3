"""axe-core on the citizen page states tests/web/test_accessibility_browser.py does not
reach: the identity check's mismatch and not-found answers on the profile page, the
documents form's too-large page, the wave list with an open wave and once joined, a
wave's public page before and after its lottery is published, the catalogue's second
page, a refunded purchase, and Bekal's own "not found" page for a signed-in person.
One page load per state; every aria-describedby resolves (expect_accessible)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bekal.identity.registry import RegistryAnswer
from bekal.marketplace.models import Purchase
from bekal.marketplace.services.refunds import cancel_session
from bekal.programmes.models import WaveApplication
from bekal.registration import selectors as registration
from bekal.registration import services as registration_services
from tests.assessment.support import complete_registration
from tests.identity.documents_support import participant, use_tmp_document_storage
from tests.marketplace.factories import card_holder, course, platform
from tests.registration.factories import submit
from tests.selection.factories import wave
from tests.web.accessibility import expect_accessible
from tests.web.journey_support import keep_screenshot
from tests.web.test_documents_upload_size import camera_photo
from tests.web.wave_support import has_passed_the_test, load_question_bank, log_in, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_identity_answers_too_large_photos_and_waves_pass_axe(
    page: Page, live_server, registry_file, settings, tmp_path: Path
):
    use_tmp_document_storage(settings, tmp_path)
    person = with_password(participant())
    log_in(page, person)

    # The registry answers that the name differs: the profile page asks for a correction
    submit(person, full_name="Siti Aminah Putri")
    check = registration.get_identity_check(user=person)
    registration_services.record_identity_answer(
        check_id=check.pk, round_asked=check.round, answer=RegistryAnswer.mismatch("full_name")
    )
    page.goto("/pendaftaran/profil/")
    expect(page.get_by_role("link", name="Lihat alasannya")).to_be_visible()
    expect_accessible(page, "profile, identity mismatch")
    page.goto("/pendaftaran/verifikasi-nik/")
    expect(page.locator("#mismatched-fields")).to_contain_text("nama lengkap")
    expect_accessible(page, "identity check, mismatch")

    # Corrected, the registry does not know the NIK at all
    submit(person)
    check = registration.get_identity_check(user=person)
    registration_services.record_identity_answer(
        check_id=check.pk, round_asked=check.round, answer=RegistryAnswer.not_found()
    )
    page.goto("/pendaftaran/profil/")
    expect(page.get_by_role("link", name="Lihat alasannya")).to_be_visible()
    expect_accessible(page, "profile, NIK not found")
    page.goto("/pendaftaran/verifikasi-nik/")
    expect(page.locator("#identity-status")).to_contain_text("Tidak ditemukan")
    expect_accessible(page, "identity check, NIK not found")

    # A form body over the documents limit (1 MB here): the server's 413 page
    settings.BEKAL_DOCUMENT_MAX_BODY_BYTES = 1024 * 1024
    ktp = camera_photo(tmp_path / "ktp.jpg", seed=7, size=(1600, 1200))
    selfie = camera_photo(tmp_path / "swafoto.jpg", seed=8, size=(1600, 1200))
    page.goto("/dokumen/")
    page.get_by_label("Ambil atau pilih foto KTP Anda").set_input_files(ktp)
    page.get_by_label("Ambil atau pilih swafoto Anda sambil memegang KTP").set_input_files(selfie)
    with page.expect_response("**/dokumen/") as answer:
        page.get_by_role("button", name="Unggah").click()
    assert answer.value.status == 413
    expect(page.get_by_role("heading", level=1)).to_have_text("Foto terlalu besar")
    expect(page.get_by_role("alert")).to_contain_text("paling banyak 1 MB")
    expect_accessible(page, "documents, too large")
    keep_screenshot(page, "documents-too-large")

    # Registered and tested, with a wave open to join: the list, the wave's page, joined
    load_question_bank()
    complete_registration(person)
    has_passed_the_test(person)
    opened, _run = wave()
    page.goto("/gelombang/")
    join = page.get_by_role("button", name=f"Gabung gelombang {opened.number}")
    expect(join).to_be_visible()
    expect_accessible(page, "waves, one open to join")
    keep_screenshot(page, "waves-open-to-join")
    page.goto(f"/gelombang/{opened.number}/")
    expect_accessible(page, "public page of an open wave")
    page.goto("/gelombang/")
    join.click()
    expect(page.get_by_role("status")).to_contain_text(f"gelombang {opened.number}")
    page.goto("/gelombang/")
    expect(page.locator(f"[data-wave='{opened.number}']")).to_be_visible()
    expect_accessible(page, "waves, joined and waiting for the results")
    assert WaveApplication.objects.filter(user=person, wave=opened).exists()


def test_published_wave_catalogue_pager_refund_and_not_found_pass_axe(page: Page, live_server):
    person, _card = card_holder()
    with_password(person)
    on = platform(name="Sekolah Digital Nusantara")
    bought = course(on=on, title="Webinar Akuntansi Pemula", price=500_000)
    for n in range(21):
        course(on=on, title=f"Kursus Menjahit Tingkat {n + 1:02d}", price=300_000)
    log_in(page, person)

    # The public page of the wave she was selected in, its lottery published
    number = WaveApplication.objects.get(user=person).wave.number
    page.goto(f"/gelombang/{number}/")
    expect_accessible(page, "public page of a published wave")
    keep_screenshot(page, "wave-published")

    # The catalogue's second page, with its pager
    page.goto("/pelatihan/?page=2")
    expect(page.get_by_role("navigation", name="Halaman")).to_be_visible()
    expect_accessible(page, "catalogue, page 2")
    keep_screenshot(page, "catalogue-page-2")

    # A purchase whose session the platform cancelled: refunded
    page.goto(f"/pelatihan/{bought.pk}/")
    page.get_by_test_id("buy").get_by_role("button").click()
    purchase = Purchase.objects.get(user=person)
    cancel_session(
        platform=on,
        course_external_id=bought.external_id,
        session_external_id=purchase.session.external_id,
        reason="Instruktur berhalangan hadir.",
    )
    page.goto(f"/kartu/pelatihan/{purchase.pk}/")
    expect(page.get_by_test_id("refund-amount")).to_have_text("Rp 500.000")
    expect_accessible(page, "purchase, refunded")
    keep_screenshot(page, "purchase-refunded")

    # Bekal's own "not found" page, for a signed-in person
    response = page.goto("/gelombang/99999/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    expect_accessible(page, "404, signed in")
