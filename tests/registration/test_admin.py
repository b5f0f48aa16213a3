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


def test_the_admin_finds_a_profile_by_its_whole_nik_only(admin_client):
    submit(participant())
    changelist = reverse("admin:registration_profile_changelist")

    found = admin_client.get(changelist, {"q": "1771 0155 0895 0001"}).content.decode()
    partial = admin_client.get(changelist, {"q": "1771"}).content.decode()

    assert "1771********0001" in found
    assert "1771********0001" not in partial
