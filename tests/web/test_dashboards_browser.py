"""The acceptance walk of the dashboards on a phone: the officer of Kota Bengkulu reads
the demo's figures of the city as charts and tables, opens a wave's accepted list and
exports it as XLSX; the programme office sees every province."""

from __future__ import annotations

import re

import openpyxl
import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from bekal.care.models import Ticket
from bekal.disbursements.models import Instalment
from bekal.registration.models import Profile
from bekal.reporting.services import find_drift
from bekal.web.devtools.demo_dashboards import PROVINCE_OFFICER
from bekal.web.devtools.demo_data import ADMIN, OFFICER, load_demo_data
from tests.identity.documents_support import use_tmp_document_storage
from tests.web.accessibility import expect_accessible
from tests.web.journey_support import keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_queue():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture
def demo(registry_file, settings, tmp_path, worker):
    """The demo's data over Kota Bengkulu, its jobs done."""
    use_tmp_document_storage(settings, tmp_path)
    load_demo_data(regencies=("17.71",))
    worker()


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/masuk/")
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_the_city_officer_reads_the_figures_opens_the_accepted_list_and_exports_it(
    page: Page, demo, tmp_path
):
    # Given the demo, whose registrants of Kota Bengkulu gave their domicile there
    in_the_city = Profile.objects.filter(domicile_regency_id="17.71").count()
    assert in_the_city >= 6
    open_in_the_city = (
        Ticket.objects.filter(region_id="17.71").exclude(status=Ticket.Status.RESOLVED).count()
    )
    paid_in_the_city = (
        Instalment.objects.filter(
            status=Instalment.Status.PAID,
            card__user__registration_profile__domicile_regency_id="17.71",
        )
        .values("card__user")
        .distinct()
        .count()
    )
    assert find_drift() == []

    # When the officer of Kota Bengkulu opens the dashboard
    log_in(page, OFFICER.email, OFFICER.password)
    page.goto("/kantor/dasbor/")

    # Then the city's funnel is a chart and a table, in Indonesian numbers
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor: Kota Bengkulu")
    expect(page.locator(".as-of")).to_have_text(re.compile(r"^Per \d\d:\d\d:\d\d WIB"))
    expect(page.get_by_role("img", name="Tahapan pendaftaran")).to_be_visible()
    funnel = page.get_by_role("table").filter(has_text="Jumlah orang yang mencapai setiap tahap")
    expect(funnel.get_by_role("row", name="Akun dibuat")).to_contain_text(str(in_the_city))
    expect(funnel.get_by_role("row", name="Kartu diterima")).to_contain_text("1")
    # Incentive paid is counted (from the paid instalments), no longer "not available"
    paid = funnel.get_by_role("row", name="Insentif dibayar")
    expect(paid.locator("td").first).to_have_text(str(paid_in_the_city))
    expect(paid).not_to_contain_text("belum tersedia")
    expect(funnel.get_by_role("row", name="Akun dikonfirmasi")).to_be_visible()
    expect(page.get_by_role("img", name="Akun dibuat per jam (48 jam terakhir)")).to_be_visible()
    # And the help desk's tickets of the city, a chart with its table
    expect(page.get_by_role("img", name="Tiket layanan bantuan")).to_be_visible()
    care = page.get_by_role("table").filter(has_text="Tiket per wilayah")
    expect(care.get_by_role("row", name="Kota Bengkulu")).to_contain_text(str(open_in_the_city))
    keep_screenshot(page, "dashboard-city")
    expect_accessible(page, "dashboard of a city")

    # When the officer opens the demo's selected wave, then its accepted list
    page.get_by_role("link", name="Gelombang 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gelombang 1 · Kota Bengkulu")
    expect_accessible(page, "a wave's figures")
    page.get_by_role("link", name="Diterima di Kota Bengkulu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Diterima di gelombang 1: Kota Bengkulu"
    )
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    shown = [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows.all()]
    assert shown[0][1].startswith("17") and "*" in shown[0][1]
    assert shown[0][3] == "Aktif"
    keep_screenshot(page, "dashboard-accepted")
    expect_accessible(page, "an accepted list")

    # And exports it as XLSX: the file opens and holds the rows shown
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    path = tmp_path / "diterima.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[1][:2] == ["Diekspor oleh", OFFICER.email]
    assert cells[3] == ["Nama", "NIK", "Kecamatan", "Kartu"]
    assert [list(row) for row in cells[4:]] == shown


def test_the_programme_office_sees_every_province_and_a_province_its_regencies(page: Page, demo):
    log_in(page, ADMIN.email, ADMIN.password)
    page.goto("/kantor/dasbor/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor: Indonesia")
    provinces = (
        page.get_by_role("table")
        .filter(has_text="Per provinsi")
        .or_(
            page.locator("section", has=page.get_by_role("heading", name="Per provinsi")).locator(
                "table"
            )
        )
    )
    expect(provinces.locator("tbody tr")).to_have_count(39)  # 38, and "no domicile yet"
    expect(provinces.get_by_role("row", name="Bengkulu")).to_be_visible()
    keep_screenshot(page, "dashboard-national")
    expect_accessible(page, "national dashboard")

    page.get_by_role("link", name="Bengkulu", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor: Bengkulu")

    page.context.clear_cookies()
    log_in(page, PROVINCE_OFFICER.email, PROVINCE_OFFICER.password)
    page.goto("/kantor/dasbor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor: Bengkulu")
    regencies = page.locator("section", has=page.get_by_role("heading", name="Per kabupaten/kota"))
    expect(regencies.locator("tbody tr")).to_have_count(10)
    keep_screenshot(page, "dashboard-province")
    expect_accessible(page, "province dashboard")
