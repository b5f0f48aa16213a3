"""Staff enrol an authenticator app and, when the setting requires it, must enter its code."""

import re
import time

import pyotp
import pytest
from django.utils import timezone

from bekal.accounts.models import StaffTotpDevice, User
from bekal.core import crypto
from bekal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "kopi-tubruk-2020"


@pytest.fixture
def required(settings):
    settings.BEKAL_STAFF_SECOND_FACTOR_REQUIRED = True


def officer(email="pmo@bekal.example", **fields):
    fields.setdefault("role", User.Role.PROGRAMME_ADMIN)
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name="Petugas Program",
        email_confirmed_at=timezone.now(),
        **fields,
    )


def log_in(client, email="pmo@bekal.example"):
    response = client.post("/masuk/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client.get(response["Location"])


def enrol(client, next_path="/kantor/"):
    page = client.get("/masuk/aplikasi-kode/", {"next": next_path}).content.decode()
    key = re.search(r'data-testid="setup-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post(
        "/masuk/aplikasi-kode/", {"code": pyotp.TOTP(key).now(), "next": next_path}
    )
    return key, page, response


def test_a_staff_member_must_enrol_before_seeing_any_page_when_required(client, required):
    officer()

    response = log_in(client)
    blocked = client.get("/kantor/")

    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/aplikasi-kode/")
    assert blocked["Location"] == "/masuk/aplikasi-kode/?next=%2Fkantor%2F"


def test_enrolment_shows_a_qr_code_and_a_first_code_opens_the_back_office(client, required):
    user = officer()
    log_in(client)

    _key, page, confirmed = enrol(client)

    assert "<svg" in page
    assert confirmed.status_code == 302 and confirmed["Location"] == "/kantor/"
    assert client.get("/kantor/").status_code == 200
    device = StaffTotpDevice.objects.get(user=user)
    assert device.confirmed_at is not None
    assert pyotp.TOTP(crypto.decrypt(device.secret_encrypted)).now()  # kept encrypted
    assert AuditEvent.objects.filter(action="account.second_factor_enrolled", actor=user).exists()


def test_the_next_login_asks_for_a_code_and_a_used_code_is_refused(client, required):
    officer()
    log_in(client)
    key, _page, _confirmed = enrol(client)
    used = pyotp.TOTP(key).now()
    client.post("/keluar/")

    asked = log_in(client)
    replayed = client.post("/masuk/kode/", {"code": used, "next": "/kantor/"})
    fresh = client.post(
        "/masuk/kode/", {"code": pyotp.TOTP(key).at(time.time() + 30), "next": "/kantor/"}
    )

    assert asked["Location"].startswith("/masuk/kode/")
    assert replayed.status_code == 400
    assert "Kode ini tidak benar." in replayed.content.decode()
    assert fresh.status_code == 302 and fresh["Location"] == "/kantor/"
    assert client.get("/kantor/").status_code == 200


def test_wrong_codes_lock_the_second_step_and_are_audited(client, required):
    user = officer()
    log_in(client)
    enrol(client)
    client.post("/keluar/")
    log_in(client)

    answers = [client.post("/masuk/kode/", {"code": "000000"}) for _ in range(6)]

    assert [a.status_code for a in answers] == [400, 400, 400, 400, 429, 429]
    assert "Terlalu banyak percobaan" in answers[-1].content.decode()
    assert client.get("/kantor/").status_code == 302
    assert AuditEvent.objects.filter(action="account.second_factor_failed", actor=user).count() == 5


def test_the_admin_is_behind_the_second_factor_too(client, required):
    User.objects.create_superuser(email="admin@bekal.example", password=PASSWORD, full_name="Adm")

    client.post("/admin/login/", {"username": "admin@bekal.example", "password": PASSWORD})
    response = client.get("/admin/registration/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/aplikasi-kode/")


def test_a_participant_is_never_asked(client, required):
    User.objects.create_user(
        email="siti@contoh.id",
        password=PASSWORD,
        full_name="Siti",
        email_confirmed_at=timezone.now(),
    )

    home = log_in(client, "siti@contoh.id")

    assert home.status_code == 200


def test_an_enrolled_staff_member_is_asked_even_when_not_required(client):
    officer()
    log_in(client)
    enrol(client)
    client.post("/keluar/")

    asked = log_in(client)

    assert asked["Location"].startswith("/masuk/kode/")
