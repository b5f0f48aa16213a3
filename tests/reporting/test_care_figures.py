"""The help desk's figures on the dashboards: tickets open, past a deadline and the
median working time to a first response, per region, through the dashboards' scope."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from bekal.care import services
from bekal.reporting.care_figures import get_care_figures
from bekal.reporting.scope import get_area
from tests.care.factories import KOTA_BANDUNG, citizen, ticket, wib
from tests.care.factories import officer as care_officer
from tests.reporting.people import officer, programme_office, province_officer

pytestmark = pytest.mark.django_db

NOW = wib(2026, 6, 5, 9)


@pytest.fixture
def tickets():
    """Kota Bengkulu: three answered after 1, 3 and 8 working hours (one then resolved)
    and one never answered (past its deadline); Kota Bandung: one, in time; and one
    without a region (the programme office's own queue)."""
    budi = care_officer()
    answered = []
    for n, hours in enumerate((1, 3, 8)):
        one = ticket(citizen(f"c{n}@contoh.id"), now=wib(2026, 6, 2, 8))
        services.answer_ticket(
            viewer=budi,
            reference=one.reference,
            body="Kami sedang memeriksa.",
            now=wib(2026, 6, 2, 8 + hours),
        )
        answered.append(one)
    ticket(citizen("late@contoh.id"), now=wib(2026, 6, 2, 8))
    ticket(citizen("bdg@contoh.id"), region=KOTA_BANDUNG, now=wib(2026, 6, 4, 8))
    ticket(citizen("pusat@contoh.id"), region=None, now=wib(2026, 6, 4, 8))
    services.resolve_ticket(viewer=budi, reference=answered[0].reference, body="Sudah beres ya.")


def _figures(viewer, **where):
    return get_care_figures(area=get_area(viewer=viewer, **where), now=NOW)


def test_the_city_officer_sees_the_city_only(tickets):
    care = _figures(officer("17.71"))

    assert (care.area.name, care.area.open, care.area.breached) == ("Kota Bengkulu", 3, 1)
    assert care.area.median_first_response_seconds == 3 * 3600
    assert care.rows == []


def test_the_province_officer_sees_each_regency_of_the_province(tickets):
    care = _figures(province_officer("17"))

    assert (care.area.open, care.area.breached) == (3, 1)
    rows = {row.name: row for row in care.rows}
    assert len(rows) == 10  # Bengkulu's ten regencies/cities, Kota Bandung not among them
    assert (rows["Kota Bengkulu"].open, rows["Kota Bengkulu"].breached) == (3, 1)
    assert rows["Kabupaten Mukomuko"].open == 0
    assert rows["Kabupaten Mukomuko"].median_first_response_seconds is None


def test_the_programme_office_sees_each_province_and_its_own_queue(tickets):
    care = _figures(programme_office())

    assert (care.area.open, care.area.breached) == (5, 1)
    rows = {row.name: row for row in care.rows}
    assert (rows["Bengkulu"].open, rows["Bengkulu"].breached) == (3, 1)
    assert rows["Bengkulu"].median_first_response_seconds == 3 * 3600
    assert rows["Jawa Barat"].open == 1
    [own] = [row for row in care.rows if row.code is None]
    assert own.open == 1
    assert len(care.rows) == 39  # 38 provinces and the programme office's queue


def test_a_province_outside_the_scope_is_not_found(tickets):
    from bekal.reporting.errors import OutsideScopeError

    with pytest.raises(OutsideScopeError):
        _figures(province_officer("32"), regency_code="17.71")


def test_the_dashboard_shows_the_tickets_of_the_city_with_indonesian_numbers(client, tickets):
    client.force_login(officer("17.71"))

    page = client.get(reverse("dashboards:overview"))

    text = page.content.decode()
    assert "Tiket layanan bantuan" in text
    care = page.context["care"]
    # Opened in June 2026: the deadlines have passed whenever this runs; the median is
    # over the last 30 days' tickets (none here), shown as "-".
    assert (care.area.open, care.area.breached) == (3, 3)
    assert 'id="care-title"' in text  # the chart, with the table beside it


def test_the_figures_export_has_the_tickets_of_each_region(client, tickets):
    client.force_login(province_officer("17"))

    response = client.get(reverse("dashboards:export_figures", args=["csv"]))

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = lines[3]
    assert header[-3:] == [
        "Tiket terbuka",
        "Tiket melewati batas waktu",
        "Median menit kerja sampai tanggapan pertama (tiket 30 hari terakhir)",
    ]
    rows = {line[0]: line for line in lines[4:]}
    assert rows["Bengkulu"][-3:-1] == ["3", "3"]
    assert rows["Kota Bengkulu"][-3:-1] == ["3", "3"]
    assert rows["Kabupaten Mukomuko"][-3:-1] == ["0", "0"]
    assert "Kota Bandung" not in rows


def test_a_working_time_reads_in_indonesian():
    from django.utils import translation

    from bekal.web.dashboards.numbers import format_duration

    with translation.override("id"):
        assert format_duration(3 * 3600 + 5 * 60) == "3 jam 5 menit"
        assert format_duration(45 * 60) == "45 menit"
        assert format_duration(None) == "-"
