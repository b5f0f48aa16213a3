"""The back office: registrants seen by the programme office and by regional officers."""

import pytest
from django.utils import timezone

from bekal.accounts.models import User
from bekal.core.models import AuditEvent
from bekal.regions.models import Regency
from tests.registration.factories import SITI_NIK, participant, submit

pytestmark = pytest.mark.django_db


def staff_member(role, email, region=None):
    return User.objects.create_user(
        email=email,
        password=None,
        full_name="Petugas",
        role=role,
        region=Regency.objects.get(code=region) if region else None,
        email_confirmed_at=timezone.now(),
    )


@pytest.fixture
def siti(registry_file):
    return submit(participant())


def test_the_programme_office_finds_a_registrant_by_nik_and_sees_it_masked(client, siti):
    admin = staff_member(User.Role.PROGRAMME_ADMIN, "pmo@bekal.example")
    client.force_login(admin)

    listing = client.post("/kantor/", {"q": SITI_NIK}, follow=True)
    record = client.get(f"/kantor/peserta/{siti.pk}/")

    assert listing.status_code == record.status_code == 200
    assert "1771********0001" in listing.content.decode()
    page = record.content.decode()
    assert "1771********0001" in page
    assert SITI_NIK not in page
    assert SITI_NIK not in listing.content.decode()


def test_opening_a_record_and_searching_are_audited_without_the_clear_nik(client, siti):
    admin = staff_member(User.Role.PROGRAMME_ADMIN, "pmo@bekal.example")
    client.force_login(admin)

    client.post("/kantor/", {"q": SITI_NIK}, follow=True)
    client.get(f"/kantor/peserta/{siti.pk}/")

    opened = AuditEvent.objects.get(action="registrant.record_opened")
    assert opened.actor == admin
    assert opened.subject_user == siti.user
    searched = AuditEvent.objects.get(action="registrants.searched")
    assert searched.details["query"] == "1771********0001"


def test_an_officer_sees_registrants_of_their_own_region_only(client, siti):
    bengkulu = staff_member(User.Role.REGIONAL_OFFICER, "kota.bengkulu@bekal.example", "17.71")
    bekasi = staff_member(User.Role.REGIONAL_OFFICER, "kab.bekasi@bekal.example", "32.16")

    client.force_login(bengkulu)
    own = client.get(f"/kantor/peserta/{siti.pk}/")
    client.force_login(bekasi)
    other = client.get(f"/kantor/peserta/{siti.pk}/")
    other_list = client.get("/kantor/")

    assert own.status_code == 200
    assert other.status_code == 404
    assert "Siti Aminah" not in other_list.content.decode()
    assert not AuditEvent.objects.filter(actor=bekasi, action="registrant.record_opened").exists()


def test_a_participant_cannot_open_the_back_office(client, siti):
    client.force_login(participant(email="budi@contoh.id", full_name="Budi"))

    response = client.get(f"/kantor/peserta/{siti.pk}/")

    assert response.status_code == 403
    assert "Siti" not in response.content.decode()


def test_the_record_shows_a_duplicate_nik_attempt_for_review(client, siti):
    from bekal.registration.errors import DuplicateNikError

    with pytest.raises(DuplicateNikError):
        submit(participant(email="kembar@contoh.id", full_name="Siti Aminah"))
    client.force_login(staff_member(User.Role.PROGRAMME_ADMIN, "pmo@bekal.example"))

    page = client.get(f"/kantor/peserta/{siti.pk}/").content.decode()

    assert "Akun lain mencoba mendaftarkan NIK ini sebanyak 1 kali" in page
