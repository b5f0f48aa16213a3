"""Staff sessions are short and end when idle; a participant's are not touched."""

import time

import pytest
from django.utils import timezone

from bekal.accounts.models import User
from bekal.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def person(role):
    return User.objects.create_user(
        email=f"{role}@bekal.example",
        password=None,
        full_name="Orang",
        role=role,
        email_confirmed_at=timezone.now(),
    )


def age_session(client, **seconds_ago):
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


def test_a_staff_session_expires_after_the_idle_time(client, settings):
    settings.BEKAL_STAFF_IDLE_MINUTES = 30
    staff = person(User.Role.PROGRAMME_ADMIN)
    client.force_login(staff)

    assert client.get("/kantor/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60  # the cookie and row end when idle too
    age_session(client, staff_seen=31 * 60)
    ended = client.get("/kantor/")

    assert ended.status_code == 302
    assert ended["Location"].startswith("/masuk/")
    assert client.get("/kantor/")["Location"].startswith("/masuk/")  # logged out
    event = AuditEvent.objects.get(action="account.staff_session_ended")
    assert event.actor == staff and event.details["reason"] == "idle"


def test_a_staff_session_ends_after_its_hours_even_when_busy(client, settings):
    settings.BEKAL_STAFF_SESSION_HOURS = 8
    client.force_login(person(User.Role.REGIONAL_OFFICER))
    client.get("/")

    age_session(client, staff_since=8 * 3600 + 1, staff_seen=10)
    ended = client.get("/")

    assert ended["Location"].startswith("/masuk/")
    assert AuditEvent.objects.get(action="account.staff_session_ended").details["reason"] == (
        "length"
    )


def test_a_participant_session_is_left_as_it_is(client, settings):
    client.force_login(person(User.Role.PARTICIPANT))

    client.get("/")

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert "staff_since" not in client.session
