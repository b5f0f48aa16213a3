"""The Django admin's login is throttled, locked and audited like the portal's."""

import pytest

from bekal.accounts.models import User
from bekal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "kopi-tubruk-2020"


@pytest.fixture
def admin_user():
    return User.objects.create_superuser(
        email="admin@bekal.example", password=PASSWORD, full_name="Admin Program"
    )


def admin_login(client, password, ip="198.51.100.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin@bekal.example", "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def test_twelve_wrong_passwords_then_the_right_one_does_not_get_in(client, admin_user):
    for attempt in range(12):
        admin_login(client, f"salah-{attempt}", ip=f"198.51.100.{attempt + 1}")

    response = admin_login(client, PASSWORD, ip="203.0.113.50")

    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still sent to the login page
    failures = AuditEvent.objects.filter(action="account.login_failed", details__via="admin")
    assert failures.filter(object_id=str(admin_user.pk)).count() == 13
    assert failures.filter(details__locked=True).count() == 4  # the 10th locked it


def test_an_admin_login_is_audited(client, admin_user):
    response = admin_login(client, PASSWORD)

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action="account.logged_in")
    assert event.actor == admin_user
    assert event.details["via"] == "admin"
    assert event.ip_address == "198.51.100.7"


def test_a_failed_admin_login_says_why_in_indonesian_and_is_audited(client, admin_user):
    response = admin_login(client, "salah-sandi")

    assert "Email atau kata sandi tidak benar." in response.content.decode()
    assert AuditEvent.objects.filter(action="account.login_failed", details__via="admin").exists()


def test_a_participant_cannot_use_the_admin_login(client):
    User.objects.create_user(
        email="admin@bekal.example",
        password=PASSWORD,
        full_name="Peserta",
        email_confirmed_at="2026-01-01T00:00:00Z",
    )

    admin_login(client, PASSWORD)

    assert client.get("/admin/").status_code == 302
