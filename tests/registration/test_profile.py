"""Submitting the profile: what is stored, what is refused, and when a new check starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation

from bekal.core.errors import DomainError
from bekal.core.models import AuditEvent
from bekal.identity.registry import RegistryAnswer
from bekal.registration import selectors, services
from bekal.registration.errors import DuplicateNikError, IdentityVerifiedError
from bekal.registration.models import DuplicateNikAttempt, IdentityCheck, Profile
from tests.registration.factories import (
    SITI_KK,
    SITI_NIK,
    identity_jobs,
    participant,
    profile_input,
    submit,
    village,
)

pytestmark = pytest.mark.django_db


def test_a_submitted_profile_keeps_the_nik_for_its_owner_and_shows_it_masked():
    siti = participant()

    profile = submit(siti, nik="1771 0155 0895 0001")

    assert profile.nik_masked == "1771********0001"
    assert profile.kk_masked == "1771********0001"
    assert selectors.get_own_nik(user=siti) == SITI_NIK
    assert selectors.get_own_kk(user=siti) == SITI_KK
    assert selectors.get_profile(user=siti).ktp_village.district.regency.name == "Kota Bengkulu"
    assert AuditEvent.objects.filter(
        action="registration.profile_submitted", object_id=str(profile.pk)
    ).exists()


def test_a_submitted_profile_starts_an_identity_check_with_its_job_queued():
    siti = participant()

    submit(siti)

    check = selectors.get_identity_check(user=siti)
    assert check.status == IdentityCheck.Status.PENDING
    assert [job["status"] for job in identity_jobs(check.pk)] == ["todo"]


def _rows_as_text(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(string_agg(row_to_json(t)::text, ' '), '') FROM {table} t")  # noqa: S608
        return cursor.fetchone()[0]


def test_no_table_the_registration_writes_holds_a_readable_nik_or_kk():
    siti, other = participant(), participant(email="budi@contoh.id", full_name="Budi")
    submit(siti, nik="1771-0155-0895-0001", kk="1771.0101.0120.0001")
    with pytest.raises(DuplicateNikError):
        submit(other)

    for table in (
        "registration_profile",
        "registration_identitycheck",
        "registration_duplicatenikattempt",
        "core_auditevent",
        "procrastinate_jobs",
    ):
        stored = _rows_as_text(table)
        for number in (SITI_NIK, "1771-0155-0895-0001", SITI_KK, "1771.0101.0120.0001"):
            assert number not in stored, table
    assert "1771********0001" in _rows_as_text("registration_profile")


@pytest.mark.parametrize(
    ("typed", "code", "field"),
    [
        ({"birth_date": dt.date(1995, 8, 16)}, "nik_birth_date_mismatch", "birth_date"),
        ({"sex": "M"}, "nik_sex_mismatch", "sex"),
        ({"ktp_village_code": "village in Bandung"}, "village_not_found", "ktp_village"),
        ({"nik": "1771015508950001x"}, "nik_characters", "nik"),
        ({"nik": "177101550895001"}, "nik_format", "nik"),
        ({"kk": "1771013213200001"}, "kk_date_invalid", "kk"),
        ({"full_name": "   "}, "profile_invalid", "full_name"),
    ],
)
def test_a_profile_that_disagrees_with_its_nik_or_is_malformed_is_refused_and_nothing_saved(
    typed, code, field
):
    siti = participant()

    with pytest.raises(DomainError) as refusal:
        submit(siti, **typed)

    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert Profile.objects.count() == 0
    assert identity_jobs() == []


def test_a_nik_issued_in_another_regency_than_the_ktp_address_is_refused():
    siti = participant()
    in_bandung = village("32.73.01")

    with pytest.raises(DomainError) as refusal:
        submit(siti, ktp_village_code=in_bandung.code)

    assert refusal.value.code == "nik_region_mismatch"
    assert Profile.objects.count() == 0


def test_a_nik_of_another_account_is_refused_with_a_way_back_and_the_attempt_is_kept():
    first = participant()
    submit(first)
    second = participant(email="siti.baru@contoh.id")

    with pytest.raises(DuplicateNikError) as refusal:
        services.submit_profile(
            user=second,
            data=profile_input(nik="1771 0155 0895 0001"),
            ip="10.9.9.9",
        )

    assert refusal.value.code == "nik_already_registered"
    with translation.override("en"):
        message = str(refusal.value)
    assert "log in with the email address you used then" in message
    assert "Forgot your password?" in message
    assert "help desk" in message
    assert selectors.get_profile(user=second) is None
    attempt = DuplicateNikAttempt.objects.get()
    assert (attempt.user, attempt.ip) == (second, "10.9.9.9")
    assert attempt.nik_index == Profile.objects.get(user=first).nik_index
    event = AuditEvent.objects.get(action="registration.duplicate_nik_refused")
    assert event.actor_id == second.pk
    assert event.details["holder_user_id"] == first.pk


def test_the_same_person_may_send_the_profile_again_with_the_same_nik():
    siti = participant()
    submit(siti)

    profile = submit(siti, education="d4_s1")

    assert profile.education == "d4_s1"
    assert Profile.objects.count() == 1
    assert DuplicateNikAttempt.objects.count() == 0


def test_a_domicile_elsewhere_sets_the_regency_that_statistics_count():
    siti = participant()
    in_bandung = village("32.73.01")

    profile = submit(
        siti,
        domicile_same_as_ktp=False,
        domicile_street="Jl. Asia Afrika 8",
        domicile_village_code=in_bandung.code,
    )

    assert profile.domicile_regency_id == "32.73"
    assert profile.ktp_village.district.regency_id == "17.71"
    assert Profile.objects.filter(domicile_regency_id="32.73").count() == 1


def test_a_corrected_profile_after_a_mismatch_starts_a_new_check():
    siti = participant()
    submit(siti, full_name="Siti Aminah Putri")
    check = selectors.get_identity_check(user=siti)
    services.record_identity_answer(
        check_id=check.pk, round_asked=check.round, answer=RegistryAnswer.mismatch("full_name")
    )

    submit(siti, full_name="Siti Aminah")

    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.PENDING
    assert check.round == 2
    assert check.mismatched_fields == []
    assert check.attempts == 0


def test_an_answer_about_data_since_corrected_is_discarded():
    siti = participant()
    submit(siti, full_name="Siti Aminah Putri")
    check = selectors.get_identity_check(user=siti)
    submit(siti, full_name="Siti Aminah")  # corrected while the first answer was on its way

    services.record_identity_answer(
        check_id=check.pk, round_asked=1, answer=RegistryAnswer.mismatch("full_name")
    )

    check.refresh_from_db()
    assert (check.status, check.round) == (IdentityCheck.Status.PENDING, 2)


def test_once_verified_the_identity_cannot_be_changed_but_the_rest_can():
    siti = participant()
    submit(siti)
    check = selectors.get_identity_check(user=siti)
    services.record_identity_answer(check_id=check.pk, round_asked=1, answer=RegistryAnswer.match())

    with pytest.raises(IdentityVerifiedError):
        submit(siti, full_name="Siti Aminah Putri")
    profile = submit(siti, employment_status="laid_off", full_name="SITI  AMINAH")

    assert profile.employment_status == "laid_off"
    check.refresh_from_db()
    assert (check.status, check.round) == (IdentityCheck.Status.VERIFIED, 1)
