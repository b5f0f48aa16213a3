"""The admin shows registration data read-only, masked, and audits every opened profile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bekal.accounts.models import User
from bekal.core.models import AuditEvent
from tests.registration.factories import SITI_KK, SITI_NIK, participant, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    staff = User.objects.create_superuser(email="admin@contoh.id", password=None, full_name="Adm")
    client.force_login(staff)
    return client


def test_opening_a_profile_in_the_admin_is_audited_and_shows_no_whole_number(admin_client):
    profile = submit(participant())

    response = admin_client.get(reverse("admin:registration_profile_change", args=[profile.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "1771********0001" in html
    assert SITI_NIK not in html
    assert SITI_KK not in html
    event = AuditEvent.objects.get(action="registration.profile_viewed")
    assert event.subject_user_id == profile.user_id


def test_the_admin_has_no_profile_search_that_would_put_a_nik_in_the_url(admin_client):
    submit(participant())
    changelist = reverse("admin:registration_profile_changelist")

    response = admin_client.get(changelist, {"q": SITI_NIK})
    page = admin_client.get(changelist).content.decode()

    assert response.status_code == 302
    assert response["Location"] == changelist  # the query is dropped from the address
    assert 'name="q"' not in page  # and there is no search box to type one into


def test_the_admin_list_of_profiles_is_audited(admin_client):
    profile = submit(participant())

    admin_client.get(reverse("admin:registration_profile_changelist"))

    event = AuditEvent.objects.get(action="registration.profiles_listed")
    assert event.details["profile_ids"] == [profile.pk]
    assert event.details["via"] == "admin"
