"""The back office on a phone, as the programme office and an officer read it: the record's
steps in Indonesian, one warning per matching photo with the way to the other accounts,
tables that scroll inside their box, and what each step of a wave did."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from bekal.accounts.models import User
from bekal.identity.services import upload_document
from bekal.regions.models import Regency
from tests.identity.documents_support import jpeg, upload, use_tmp_document_storage
from tests.programmes.factories import registrant
from tests.web.journey_support import keep_screenshot
from tests.web.wave_support import PASSWORD, create_wave, log_in, programme_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_queue():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture(autouse=True)
def documents(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def bengkulu_officer() -> User:
    return User.objects.create_user(
        email="disnaker.kotabengkulu@bekal.example",
        password=PASSWORD,
        full_name="Petugas Disnaker",
        role=User.Role.REGIONAL_OFFICER,
        region=Regency.objects.get(code="17.71"),
        email_confirmed_at=timezone.now(),
    )


def test_a_record_reads_in_indonesian_and_a_copied_ktp_photo_is_one_warning_with_links(
    page: Page,
):
    # Given Peserta 1, whose KTP photo two other accounts uploaded as theirs
    first, second, third = (registrant(n) for n in (1, 2, 3))
    copied = jpeg(seed=2)  # registrant(1)'s KTP photo
    for other in (second, third):
        upload_document(owner=other, kind="ktp_photo", uploaded_file=upload(copied))

    # When the programme office opens Peserta 1's record
    log_in(page, programme_officer())
    page.goto(f"/kantor/peserta/{first.registration_profile.pk}/")

    # Then the journey's states are in Indonesian
    states = page.locator("ol.steps .state")
    expect(states).to_have_text(["Selesai"] * 6 + ["Perlu dikerjakan", "Belum"])
    # And the copied photo is one warning naming both accounts, each a link
    warnings = page.get_by_test_id("photo-match")
    expect(warnings).to_have_count(1)
    expect(warnings).to_contain_text("Foto KTP cocok dengan foto dari 2 akun lain.")
    links = warnings.get_by_role("link")
    expect(links).to_have_count(2)
    keep_screenshot(page, "backoffice-record-photo-match")

    # And a link opens the other account's record
    links.first.click()
    others = "|".join(str(p.registration_profile.pk) for p in (second, third))
    expect(page).to_have_url(re.compile(rf"/kantor/peserta/({others})/$"))
    expect(page.get_by_test_id("photo-match")).to_contain_text("Foto KTP cocok dengan foto")


def test_an_officer_reads_the_warning_without_links_to_other_regions(page: Page):
    first, second = registrant(1), registrant(2)
    upload_document(owner=second, kind="ktp_photo", uploaded_file=upload(jpeg(seed=2)))

    log_in(page, bengkulu_officer())
    page.goto(f"/kantor/peserta/{first.registration_profile.pk}/")

    warning = page.get_by_test_id("photo-match")
    expect(warning).to_have_text("Foto KTP cocok dengan foto dari 1 akun lain.")
    expect(warning.get_by_role("link")).to_have_count(0)


def test_the_registrants_table_scrolls_inside_its_box_on_a_phone(page: Page):
    registrant(1)

    log_in(page, programme_officer())
    page.goto("/kantor/")

    table = page.locator("main table")
    expect(table).to_contain_text("Kota Bengkulu")
    # The page itself is no wider than the phone; the table scrolls within its box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    table.evaluate("t => { t.scrollLeft = t.scrollWidth; }")
    expect(table.get_by_role("columnheader", name="Dikirim")).to_be_in_viewport()
    keep_screenshot(page, "backoffice-registrants-phone")


def test_creating_and_opening_a_wave_say_what_happened(page: Page):
    log_in(page, programme_officer())

    create_wave(page, number=7, national_quota=100)
    expect(page.get_by_role("status")).to_have_text(
        "Gelombang 7 sudah dibuat sebagai draf. Buka gelombang ini saat peserta boleh mengikutinya."
    )

    page.get_by_role("button", name="Buka gelombang").click()
    expect(page.get_by_role("status")).to_have_text(
        "Gelombang 7 sudah dibuka. Semua yang lulus tes dan belum mengikuti gelombang "
        "sedang diberi tahu lewat email, di latar belakang."
    )
    expect(page.locator(".wave-status")).to_have_text("Dibuka")
    keep_screenshot(page, "backoffice-wave-opened")
