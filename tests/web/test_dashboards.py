"""The dashboards: each officer sees the figures of their own area, as pages, charts and
exports; the scope holds on every URL of the dashboards' URLconf."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import URLPattern, reverse

from bekal.core.models import AuditEvent
from bekal.web.dashboards import urls as dashboard_urls
from tests.identity.documents_support import use_tmp_document_storage
from tests.reporting.people import officer, programme_office, province_officer
from tests.reporting.walk import Walk

pytestmark = pytest.mark.django_db

SITI_MASKED = "1771********0001"


@pytest.fixture
def selected_siti(registry_file, settings, tmp_path):
    """Siti of Kota Bengkulu, selected in wave 1 and holding her card."""
    use_tmp_document_storage(settings, tmp_path)
    walk = Walk()
    for _name, action in walk.steps()[:11]:
        action()
    return walk


def test_the_city_officer_sees_the_funnel_of_their_city(client, selected_siti):
    client.force_login(officer("17.71"))

    page = client.get(reverse("dashboards:overview"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Dasbor: Kota Bengkulu" in text
    assert "<svg" in text and "<table" in text
    assert 'id="auto-refresh"' in text and "dashboards/refresh." in text
    assert "Per " in text and " WIB" in text
    funnel = page.context["funnel"]
    assert {step.stage: step.count for step in funnel}["card_accepted"] == 1
    assert "belum tersedia" in text  # incentive paid: no payouts yet


def test_the_province_officer_sees_each_regency_of_the_province(client, selected_siti):
    client.force_login(province_officer("17"))

    page = client.get(reverse("dashboards:overview"))

    assert page.status_code == 200
    rows = {row.name: row.counts for row in page.context["regions"]}
    assert len(rows) == 10  # Bengkulu has ten regencies/cities
    assert rows["Kota Bengkulu"]["selected"] == 1
    assert rows["Kabupaten Mukomuko"] == {}


def test_the_programme_office_sees_every_province(client, selected_siti):
    client.force_login(programme_office())

    page = client.get(reverse("dashboards:overview"))

    names = [row.name for row in page.context["regions"]]
    assert len([n for n in names if n != "Belum mengisi domisili"]) == 38
    assert "Bengkulu" in names
    assert {row.name: row.counts for row in page.context["regions"]}["Bengkulu"]["account"] == 1


def test_the_accepted_list_shows_the_selected_masked_and_is_audited(client, selected_siti):
    viewer = officer("17.71")
    client.force_login(viewer)

    page = client.get(reverse("dashboards:accepted", args=[1, "17.71"]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Siti Aminah" in text and SITI_MASKED in text and "1771015508950001" not in text
    assert "Selebar" in text
    assert "Aktif" in text
    event = AuditEvent.objects.get(actor=viewer, action="dashboards.accepted_list_viewed")
    assert event.details["regency"] == "17.71"
    assert len(event.details["application_ids"]) == 1


def test_the_accepted_list_is_searched_by_name_without_the_query_in_the_url(client, selected_siti):
    client.force_login(officer("17.71"))
    url = reverse("dashboards:accepted", args=[1, "17.71"])

    found = client.post(url, {"q": "siti"}, follow=True)
    missed = client.post(url, {"q": "Budi"}, follow=True)

    assert "Siti Aminah" in found.content.decode()
    assert "siti" not in found.redirect_chain[-1][0]
    assert "Siti Aminah" not in missed.content.decode()


def test_the_province_officer_searches_an_accepted_list_of_the_province(client, selected_siti):
    client.force_login(province_officer("17"))
    url = reverse("dashboards:accepted", args=[1, "17.71"])

    found = client.post(url, {"q": "1771 0155 0895 0001"}, follow=True)

    assert found.status_code == 200
    assert "Siti Aminah" in found.content.decode()
    assert "1771015508950001" not in found.redirect_chain[-1][0]


def test_the_accepted_list_exports_as_xlsx_and_csv_stamped_and_audited(client, selected_siti):
    viewer = officer("17.71")
    client.force_login(viewer)

    xlsx = client.get(reverse("dashboards:export_accepted", args=[1, "17.71", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    as_csv = client.get(reverse("dashboards:export_accepted", args=[1, "17.71", "csv"]))
    lines = list(csv.reader(io.StringIO(b"".join(as_csv.streaming_content).decode("utf-8-sig"))))

    assert rows[1][:2] == ["Diekspor oleh", viewer.email]
    assert rows[3] == ["Nama", "NIK", "Kecamatan", "Kartu"]
    assert rows[4] == ["Siti Aminah", SITI_MASKED, "Selebar", "Aktif"]
    assert lines[1][:2] == ["Diekspor oleh", viewer.email]
    assert lines[4] == ["Siti Aminah", SITI_MASKED, "Selebar", "Aktif"]
    assert (
        AuditEvent.objects.filter(actor=viewer, action="dashboards.accepted_list_exported").count()
        == 2
    )


#: A value for every kind of parameter the dashboards' URLs take: a new page with a new
#: parameter fails here until the scope test knows it.
KWARGS = {"number": 1, "regency": "17.71", "fmt": "csv"}
QUERIES = ("", "?wilayah=17.71", "?provinsi=17")


def _every_dashboard_url() -> list[str]:
    urls = []
    for pattern in dashboard_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = pattern.pattern.regex.groupindex
        kwargs = {name: KWARGS[name] for name in names}
        base = reverse(f"dashboards:{pattern.name}", kwargs=kwargs)
        urls += [base + query for query in QUERIES]
        if "fmt" in kwargs:
            xlsx = reverse(f"dashboards:{pattern.name}", kwargs={**kwargs, "fmt": "xlsx"})
            urls += [xlsx + query for query in QUERIES]
    return urls


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content.startswith(b"PK"):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("who", ["neighbour", "other_province", "citizen"])
def test_no_dashboard_url_shows_kota_bengkulu_to_anyone_outside_it(client, selected_siti, who):
    viewer = {
        "neighbour": lambda: officer("17.02"),  # Kabupaten Rejang Lebong, next door
        "other_province": lambda: province_officer("32"),
        "citizen": lambda: selected_siti.person,
    }[who]()
    client.force_login(viewer)

    for url in _every_dashboard_url():
        response = client.get(url)
        body = _body(response)
        assert response.status_code in (200, 403, 404), url
        if who == "citizen":
            assert response.status_code == 403, url
        for secret in ("Kota Bengkulu", "Siti Aminah", SITI_MASKED, "Selebar"):
            assert secret not in body, (url, secret)


def test_a_visitor_who_is_not_signed_in_is_sent_to_log_in(client, selected_siti):
    for url in _every_dashboard_url():
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/masuk/" in response["Location"] or "login" in response["Location"], url


def test_a_province_officer_signing_in_lands_on_the_province_dashboard(client):
    client.force_login(province_officer("17"))

    landing = client.get("/")

    assert landing.status_code == 302
    assert landing["Location"] == reverse("dashboards:overview")
    assert "Dasbor: Bengkulu" in client.get(landing["Location"]).content.decode()


def test_the_staff_front_page_leads_to_the_figures(client):
    client.force_login(officer("17.71"))

    front = client.get(reverse("backoffice:registrants")).content.decode()

    assert f'href="{reverse("dashboards:overview")}"' in front
    assert "Angka wilayah Anda" in front
