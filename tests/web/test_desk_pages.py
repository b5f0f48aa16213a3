"""The desk's pages over HTTP: second factor always, the daily limit's message, no field
for the citizen's password, another desk's registration not found."""

import re

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from bekal.accounts.models import StaffTotpDevice
from bekal.core.crypto import encrypt
from bekal.core.models import AuditEvent
from bekal.desks.models import AssistedRegistration
from bekal.notifications.models import OutboxMessage
from tests.desks.factories import desk, last_code, officer

pytestmark = pytest.mark.django_db

SECRET = pyotp.random_base32()


def signed_in(person, *, second_factor=True) -> Client:
    StaffTotpDevice.objects.create(
        user=person, secret_encrypted=encrypt(SECRET), confirmed_at=timezone.now()
    )
    client = Client()
    response = client.post(
        "/meja/masuk/", {"email": person.email, "password": "meja-bengkulu-2026", "next": "/meja/"}
    )
    assert response.status_code == 302
    if second_factor:
        response = client.post("/masuk/kode/", {"code": pyotp.TOTP(SECRET).now(), "next": "/meja/"})
        assert response.status_code == 302
    return client


def test_a_desk_officer_is_asked_for_the_second_factor_even_when_staff_are_not(settings):
    settings.BEKAL_STAFF_SECOND_FACTOR_REQUIRED = False
    client = signed_in(officer(desk()), second_factor=False)

    for path in ("/meja/", "/meja/baru/", "/kantor/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/kode/")


def test_the_desk_refuses_the_registration_past_its_daily_limit_with_a_clear_message(settings):
    settings.BEKAL_DESK_DAILY_LIMIT = 1
    client = signed_in(officer(desk()))
    first = client.post("/meja/baru/", {"full_name": "Siti Aminah", "phone": "0812 7777 0001"})
    assert first.status_code == 302

    refused = client.post("/meja/baru/", {"full_name": "Dewi Lestari", "phone": "0812 7777 0002"})

    assert refused.status_code == 409
    text = refused.content.decode()
    assert "Meja ini sudah mendaftarkan 1 orang hari ini" in text
    assert AssistedRegistration.objects.count() == 1


def test_no_page_of_an_assisted_registration_has_a_password_field():
    budi = officer(desk())
    client = signed_in(budi)
    started = client.post("/meja/baru/", {"full_name": "Siti Aminah", "phone": "0812 7777 0001"})
    registration = AssistedRegistration.objects.get()
    pages = [started["Location"], "/meja/", "/meja/baru/"]
    client.post(pages[0], {"code": last_code("+6281277770001")})
    pages += [
        f"/meja/{registration.pk}/{step}/" for step in ("profil", "foto", "pernyataan", "selesai")
    ]

    for path in pages:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert not re.search(r"type=\"?password", response.content.decode()), path


def test_a_registration_of_another_desk_is_not_found():
    budi = officer(desk())
    signed_in(budi).post("/meja/baru/", {"full_name": "Siti Aminah", "phone": "0812 7777 0001"})
    registration = AssistedRegistration.objects.get()
    elsewhere = officer(desk(name="Meja Rejang Lebong", regency="17.02"), email="x@bekal.example")

    response = signed_in(elsewhere).get(f"/meja/{registration.pk}/profil/")

    assert response.status_code == 404
    assert "Tidak ada pendaftaran dengan nomor ini di meja Anda." in response.content.decode()
    refused = AuditEvent.objects.get(action="desk.registration_refused")
    assert refused.actor_id == elsewhere.pk


def test_every_read_of_a_citizen_at_the_desk_is_audited():
    budi = officer(desk())
    client = signed_in(budi)
    client.post("/meja/baru/", {"full_name": "Siti Aminah", "phone": "0812 7777 0001"})
    registration = AssistedRegistration.objects.get()

    client.get("/meja/")
    client.get(f"/meja/{registration.pk}/aktivasi/")

    listed = AuditEvent.objects.filter(action="desk.registrations_listed").latest("id")
    assert listed.actor_id == budi.pk
    assert listed.details["registration_ids"] == [registration.pk]
    opened = AuditEvent.objects.filter(action="desk.registration_opened").latest("id")
    assert (opened.actor_id, opened.subject_user_id) == (budi.pk, registration.citizen_id)


def test_a_regional_officer_without_a_desk_is_refused_the_desk():
    budi = officer(desk())
    budi.desk_memberships.update(ended_at=timezone.now())

    assert signed_in(budi, second_factor=True).get("/meja/").status_code == 403


def test_the_start_form_sent_twice_opens_one_account_and_sends_one_code():
    client = signed_in(officer(desk()))
    form = {"full_name": "Siti Aminah", "phone": "0812 7777 0001"}

    first = client.post("/meja/baru/", form)
    second = client.post("/meja/baru/", form)

    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert AssistedRegistration.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="phone_verification_code").count() == 1


def test_a_wrong_activation_code_is_refused_in_indonesian_and_activates_nothing():
    client = signed_in(officer(desk()))
    start = client.post("/meja/baru/", {"full_name": "Siti Aminah", "phone": "0812 7777 0001"})
    code = last_code("+6281277770001")

    refused = client.post(start["Location"], {"code": "000000" if code != "000000" else "111111"})

    assert refused.status_code == 400
    assert "Kode salah. Sisa percobaan untuk kode ini: 4." in refused.content.decode()
    assert AssistedRegistration.objects.get().activated_at is None
