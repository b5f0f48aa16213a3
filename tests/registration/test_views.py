"""The registration pages as a participant's phone sees them (Bahasa Indonesia first)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from bekal.identity.registry import RegistryAnswer
from bekal.registration import selectors, services
from bekal.registration.declaration import DECLARATION_VERSION
from bekal.registration.models import Declaration, IdentityCheck, Profile
from tests.registration.factories import SITI_KK, SITI_NIK, participant, submit, village
from tests.registration.factories import profile_form as typed_form

pytestmark = pytest.mark.django_db

PROFILE = reverse("portal:registration_profile")
CHECK = reverse("portal:registration_identity_check")
DECLARATION = reverse("portal:registration_declaration")
REGIONS = reverse("portal:registration_regions")


@pytest.fixture
def siti(client):
    user = participant()
    client.force_login(user)
    return user


def options_of(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def value_of(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)


def test_the_pages_are_for_logged_in_participants(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_the_profile_form_shows_where_the_person_is_in_the_journey(client, siti):
    response = client.get(PROFILE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Langkah 2 dari 8" in html
    assert "Bengkulu" in options_of(html, "ktp_province")
    assert options_of(html, "ktp_regency") == ["Pilih…"]
    assert "Polri" in html  # the excluded occupations are listed by the question


def test_choosing_a_province_without_javascript_narrows_the_next_list_and_keeps_what_was_typed(
    client, siti
):
    typed = {"nik": "1771015508950001", "full_name": "Siti Aminah", "ktp_province": "17"}

    response = client.post(PROFILE, {**typed, "choose": "ktp_province"})

    html = response.content.decode()
    assert response.status_code == 200
    regencies = options_of(html, "ktp_regency")
    assert "Kota Bengkulu" in regencies
    assert "Kota Bandung" not in regencies
    assert len(regencies) == 11  # "Choose…" and the 10 regencies/cities of Bengkulu
    assert value_of(html, "nik") == "1771015508950001"
    assert value_of(html, "full_name") == "Siti Aminah"
    assert 'class="errorlist"' not in html
    assert Profile.objects.count() == 0


def test_choosing_a_regency_lists_its_districts_and_then_a_district_its_villages(client, siti):
    chosen = {"ktp_province": "17", "ktp_regency": "17.71"}
    districts = options_of(
        client.post(PROFILE, {**chosen, "choose": "ktp_regency"}).content.decode(), "ktp_district"
    )
    villages = options_of(
        client.post(
            PROFILE, {**chosen, "ktp_district": "17.71.01", "choose": "ktp_district"}
        ).content.decode(),
        "ktp_village",
    )

    assert "Selebar" in districts
    assert village("17.71.01").name in villages


def test_a_province_changed_empties_the_lists_below_it(client, siti):
    response = client.post(
        PROFILE,
        {"ktp_province": "32", "ktp_regency": "17.71", "ktp_district": "17.71.01"},
    )

    html = response.content.decode()
    assert "Kota Bengkulu" not in options_of(html, "ktp_regency")
    assert options_of(html, "ktp_district") == ["Pilih…"]


def test_the_regions_endpoint_gives_the_regions_under_one(client, siti):
    response = client.get(REGIONS, {"level": "district", "parent": "17.71"})

    names = [option["name"] for option in response.json()["options"]]
    assert "Selebar" in names
    assert client.get(REGIONS, {"level": "planet", "parent": "17"}).status_code == 400


def test_a_complete_profile_is_saved_and_leads_to_the_identity_check(client, siti):
    response = client.post(PROFILE, typed_form())

    assert response.status_code == 302
    assert response["Location"] == CHECK
    assert selectors.get_own_nik(user=siti) == SITI_NIK
    assert selectors.get_identity_check(user=siti).status == IdentityCheck.Status.PENDING


def test_a_refused_profile_shows_why_and_keeps_everything_typed(client, siti):
    response = client.post(PROFILE, typed_form(birth_date="16-08-1995"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Tanggal lahir yang Anda isi (16-08-1995) berbeda dengan tanggal lahir dalam NIK" in html
    assert value_of(html, "nik") == "1771 0155 0895 0001"
    assert value_of(html, "kk") == SITI_KK
    assert value_of(html, "birth_date") == "16-08-1995"
    assert value_of(html, "ktp_street") == "Jl. Merdeka No. 1, RT 001/RW 002"
    assert re.search(r'<option value="17.71" selected>Kota Bengkulu</option>', html)
    assert Profile.objects.count() == 0


def test_a_missing_answer_is_shown_at_its_question_and_nothing_is_lost(client, siti):
    response = client.post(PROFILE, typed_form(domicile="other", in_school=""))

    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("Isian ini wajib diisi.") >= 2  # the domicile address and in_school
    assert value_of(html, "full_name") == "Siti Aminah"


def test_a_nik_of_another_account_is_refused_with_the_way_back(client, siti):
    submit(participant(email="siti.lama@contoh.id"))

    response = client.post(PROFILE, typed_form())

    html = response.content.decode()
    assert response.status_code == 409  # the NIK belongs to another account: a conflict
    assert "NIK ini sudah terdaftar di akun lain" in html
    assert reverse("portal:password_reset") in html
    assert value_of(html, "nik") == "1771 0155 0895 0001"


def test_the_identity_check_page_shows_a_mismatch_and_its_reason(client, siti):
    submit(siti, full_name="Siti Aminah Putri")
    check = selectors.get_identity_check(user=siti)
    services.record_identity_answer(
        check_id=check.pk, round_asked=check.round, answer=RegistryAnswer.mismatch("full_name")
    )

    response = client.get(CHECK)

    html = response.content.decode()
    assert "Tidak sesuai dengan data Dukcapil" in html
    reasons = re.search(r'<ul id="mismatched-fields">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", reasons) == ["nama lengkap"]
    assert PROFILE in html
    assert "Refresh" not in response


def test_the_identity_check_page_reloads_itself_while_the_check_is_pending(client, siti):
    submit(siti)

    response = client.get(CHECK)

    assert "Sedang diperiksa" in response.content.decode()
    assert SITI_NIK in response.content.decode()  # the owner sees her own NIK whole
    assert response["Refresh"] == "15"


def test_correcting_the_profile_starts_from_what_was_submitted(client, siti):
    submit(siti)

    html = client.get(PROFILE).content.decode()

    assert value_of(html, "nik") == SITI_NIK
    assert value_of(html, "birth_date") == "15-08-1995"
    assert re.search(r'<option value="17.71.01" selected>Selebar</option>', html)


def test_the_declaration_is_signed_with_the_box_ticked(client, siti):
    submit(siti)
    page = client.get(DECLARATION).content.decode()
    refused = client.post(DECLARATION, {"version": DECLARATION_VERSION})

    signed = client.post(DECLARATION, {"version": DECLARATION_VERSION, "accept": "on"})

    assert "Langkah 6 dari 8" in page
    assert "Pelindungan Data Pribadi" in page
    assert refused.status_code == 400
    assert "Centang kotak ini" in refused.content.decode()
    assert signed.status_code == 302
    declaration = Declaration.objects.get()
    assert (declaration.user, declaration.version) == (siti, DECLARATION_VERSION)


def test_the_declaration_waits_for_the_profile(client, siti):
    response = client.get(DECLARATION)

    assert response.status_code == 302
    assert response["Location"] == PROFILE
