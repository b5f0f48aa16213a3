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


SPACED_NIK = "1771 0155 0895 0001"


def decoded_sessions():
    from django.contrib.sessions.models import Session

    return [str(session.get_decoded()) + session.session_data for session in Session.objects.all()]


def test_a_spaced_nik_search_is_held_under_an_opaque_id_not_in_the_url_or_session(client, siti):
    admin = staff_member(User.Role.PROGRAMME_ADMIN, "pmo@bekal.example")
    client.force_login(admin)

    posted = client.post("/kantor/", {"q": SPACED_NIK})
    listing = client.get(posted["Location"])

    assert posted.status_code == 302
    location = posted["Location"]
    assert "1771" not in location and "0001" not in location
    assert "1771********0001" in listing.content.decode()
    assert SITI_NIK not in listing.content.decode()
    for text in decoded_sessions():
        assert "0155" not in text and "1771" not in text
    searched = AuditEvent.objects.get(action="registrants.searched")
    assert searched.details["query"] == "1771********0001"
    assert searched.details["profile_ids"] == [siti.pk]


def test_another_staff_member_cannot_reuse_a_held_search(client, siti):
    client.force_login(staff_member(User.Role.PROGRAMME_ADMIN, "pmo@bekal.example"))
    location = client.post("/kantor/", {"q": SPACED_NIK})["Location"]
    client.force_login(staff_member(User.Role.PROGRAMME_ADMIN, "pmo2@bekal.example"))

    page = client.get(location).content.decode()

    assert "1771********0001" in page  # the unfiltered list, as for anyone
    assert "Hasil untuk" not in page  # but not the other person's search


def test_a_page_of_the_list_is_audited_with_whom_it_showed(client, siti):
    admin = staff_member(User.Role.PROGRAMME_ADMIN, "pmo@bekal.example")
    client.force_login(admin)

    client.get("/kantor/")

    listed = AuditEvent.objects.get(action="registrants.listed")
    assert listed.actor == admin
    assert listed.details["profile_ids"] == [siti.pk]


def test_refused_reads_are_audited_and_a_burst_raises_an_alert_for_the_programme_office(
    client, siti, settings
):
    settings.BEKAL_REFUSED_READS_BURST = 5
    bekasi = staff_member(User.Role.REGIONAL_OFFICER, "kab.bekasi@bekal.example", "32.16")
    client.force_login(bekasi)

    for _ in range(4):
        assert client.get(f"/kantor/peserta/{siti.pk}/").status_code == 404
    officer_view = client.get("/kantor/peringatan/")
    pmo = staff_member(User.Role.PROGRAMME_ADMIN, "pmo@bekal.example")
    client.force_login(pmo)
    before = client.get("/kantor/peringatan/").content.decode()
    client.force_login(bekasi)
    for _ in range(3):
        client.get(f"/kantor/peserta/{siti.pk}/")
    client.force_login(pmo)
    after = client.get("/kantor/peringatan/").content.decode()

    refused = AuditEvent.objects.filter(action="registrant.record_refused", actor=bekasi)
    assert refused.count() == 7
    assert refused.first().details["profile_id"] == siti.pk
    assert officer_view.status_code == 403
    assert "kab.bekasi@bekal.example" not in before
    assert "Tidak ada peringatan." in before
    assert "kab.bekasi@bekal.example" in after
    assert "Percobaan membuka data peserta wilayah lain yang ditolak" in after
    assert "<td>7</td>" in after
