"""An officer registers a walk-in citizen at a desk: the portal's services, the officer as
acting user, every record stamped with desk and officer, limits and flags against brokers."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from bekal.accounts.errors import PhoneAccountExistsError
from bekal.accounts.models import PhoneChallenge, User
from bekal.core.links import portal_links
from bekal.core.models import AuditEvent
from bekal.desks import services
from bekal.desks.errors import (
    AccountNotActivatedError,
    AssistedRegistrationNotFoundError,
    DeskDailyLimitError,
    NotDeskOfficerError,
    OfficerDailyLimitError,
)
from bekal.desks.models import AssistedRegistration, AssistedStep, DeskFlag
from bekal.desks.selectors import get_registration
from bekal.registration.declaration import DECLARATION_VERSION
from tests.desks.factories import desk, last_code, officer, sms_to
from tests.registration.factories import profile_input

pytestmark = pytest.mark.django_db

PHONE = "0812 7777 1234"
E164 = "+6281277771234"


def started(by, name="Siti Aminah", phone=PHONE):
    return services.start_assisted_registration(officer=by, full_name=name, phone=phone)


def activated(by, phone=PHONE, e164=E164, name="Siti Aminah"):
    registration = started(by, name=name, phone=phone)
    return services.activate_assisted_account(
        officer=by, registration=registration, code=last_code(e164)
    )


def jpeg(color=(200, 120, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def test_a_walk_in_citizen_gets_a_phone_account_and_an_activation_code_naming_the_desk():
    officer_budi = officer(desk())

    registration = started(officer_budi)

    citizen = registration.citizen
    assert citizen.email is None and not citizen.has_usable_password()
    (code_sms,) = sms_to(E164)
    assert "Meja Pendaftaran Disnaker Kota Bengkulu" in code_sms.body
    assert registration.officer == officer_budi
    opened = AuditEvent.objects.get(action="account.phone_account_opened")
    assert opened.actor_id == officer_budi.pk


def test_activation_tells_the_citizen_by_sms_where_when_and_by_whom_and_how_to_complain():
    registration = activated(officer(desk()))

    (notice,) = sms_to(E164, kind=services.DESK_NOTICE_KIND)
    assert "Meja Pendaftaran Disnaker Kota Bengkulu" in notice.body
    assert "Budi Hartono" in notice.body
    assert portal_links().care() in notice.body  # Bekal's own help pages
    assert portal_links().care().endswith("/bantuan/")
    assert "/sandi/ponsel/" in notice.body
    assert registration.activated_at is not None


def test_every_record_of_the_assisted_registration_is_stamped_with_desk_and_officer():
    office_desk = desk()
    budi = officer(office_desk)
    registration = activated(budi)

    profile = services.submit_assisted_profile(
        officer=budi, registration=registration, data=profile_input()
    )
    photo = services.upload_assisted_photo(
        officer=budi, registration=registration, kind="ktp_photo", uploaded_file=jpeg()
    )
    declaration = services.sign_assisted_declaration(
        officer=budi, registration=registration, version=DECLARATION_VERSION
    )

    stamps = {
        (s.step, s.record_type, s.record_id): (s.desk_id, s.officer_id)
        for s in AssistedStep.objects.filter(registration=registration)
    }
    citizen = registration.citizen
    assert stamps == {
        ("account_opened", "accounts.user", str(citizen.pk)): (office_desk.pk, budi.pk),
        ("account_activated", "accounts.user", str(citizen.pk)): (office_desk.pk, budi.pk),
        ("profile_submitted", "registration.profile", str(profile.pk)): (office_desk.pk, budi.pk),
        ("document_uploaded", "identity.identitydocument", str(photo.pk)): (
            office_desk.pk,
            budi.pk,
        ),
        ("declaration_signed", "registration.declaration", str(declaration.pk)): (
            office_desk.pk,
            budi.pk,
        ),
    }
    assert photo.uploaded_by == budi
    for action in (
        "registration.profile_submitted",
        "identity.document_uploaded",
        "registration.declaration_signed",
    ):
        event = AuditEvent.objects.get(action=action)
        assert (event.actor_id, event.subject_user_id) == (budi.pk, citizen.pk)
    registration.refresh_from_db()
    assert registration.finished_at is not None


def test_nothing_of_the_journey_before_the_citizen_typed_the_sms_code():
    budi = officer(desk())
    registration = started(budi)

    with pytest.raises(AccountNotActivatedError):
        services.submit_assisted_profile(
            officer=budi, registration=registration, data=profile_input()
        )


def test_the_same_citizen_sent_twice_is_one_registration_and_one_code():
    budi = officer(desk())

    first = started(budi)
    second = started(budi)

    assert first.pk == second.pk
    assert AssistedRegistration.objects.count() == 1
    assert len(sms_to(E164)) == 1


def test_a_number_already_registered_cannot_serve_another_citizen():
    budi = officer(desk())
    activated(budi)

    with pytest.raises(PhoneAccountExistsError):
        started(budi, name="Rina Marlina")
    assert AssistedRegistration.objects.count() == 1


def test_the_desk_daily_limit_refuses_the_next_registration_and_changes_nothing(settings):
    settings.BEKAL_DESK_DAILY_LIMIT = 2
    office_desk = desk()
    budi = officer(office_desk)
    rina = officer(office_desk, email="rina.meja@bekal.example", name="Rina Marlina")
    started(budi, name="Siti Aminah", phone="0812 7777 0001")
    started(rina, name="Dewi Lestari", phone="0812 7777 0002")

    with pytest.raises(DeskDailyLimitError) as refused:
        started(budi, name="Agus Salim", phone="0812 7777 0003")

    assert "2" in str(refused.value)
    assert AssistedRegistration.objects.count() == 2
    assert not User.objects.filter(full_name="Agus Salim").exists()
    assert sms_to("+6281277770003") == []


def test_the_officer_daily_limit_refuses_the_officer_but_not_a_colleague(settings):
    settings.BEKAL_DESK_OFFICER_DAILY_LIMIT = 1
    office_desk = desk()
    budi = officer(office_desk)
    rina = officer(office_desk, email="rina.meja@bekal.example", name="Rina Marlina")
    started(budi, name="Siti Aminah", phone="0812 7777 0001")

    with pytest.raises(OfficerDailyLimitError):
        started(budi, name="Dewi Lestari", phone="0812 7777 0002")
    assert started(rina, name="Dewi Lestari", phone="0812 7777 0002").officer == rina


def test_a_day_far_above_the_desks_usual_volume_is_flagged(settings):
    settings.BEKAL_DESK_VOLUME_MINIMUM = 2
    office_desk = desk()
    budi = officer(office_desk)
    usual = started(budi, name="Siti Aminah", phone="0812 7777 0001")
    # Yesterday the desk registered one person.
    AssistedRegistration.objects.filter(pk=usual.pk).update(day=usual.day - dt.timedelta(days=1))

    # Three today is three times the usual day: not yet out of line; the fourth is.
    for n in range(2, 5):
        started(budi, name=f"Warga {n}", phone=f"0812 7777 000{n}")
    assert not DeskFlag.objects.filter(kind="volume").exists()
    started(budi, name="Warga 5", phone="0812 7777 0005")

    flag = DeskFlag.objects.get(kind="volume")
    assert (flag.desk, flag.count, flag.baseline) == (office_desk, 4, 1.0)


def test_a_phone_number_verified_by_another_account_is_flagged_at_the_desk():
    from bekal.accounts.phone_verification import send_phone_code, verify_phone_code
    from tests.registration.factories import participant

    other = participant(email="adik@contoh.id", full_name="Adik Siti")
    send_phone_code(user=other, phone=PHONE)
    verify_phone_code(user=other, code=last_code(E164))
    # Some time later (one code a minute may go to a number).
    PhoneChallenge.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    budi = officer(desk())

    activated(budi)

    flag = DeskFlag.objects.get(kind="shared_phone")
    assert (flag.count, flag.phone_masked, flag.officer) == (2, "0812****1234", budi)


def test_an_officer_of_another_desk_cannot_continue_a_registration():
    budi = officer(desk())
    registration = started(budi)
    elsewhere = officer(
        desk(name="Meja Disnaker Rejang Lebong", regency="17.02"), email="lain@bekal.example"
    )

    with pytest.raises(AssistedRegistrationNotFoundError):
        get_registration(officer=elsewhere, registration_id=registration.pk)


def test_a_regional_officer_without_a_desk_cannot_start_a_registration():
    budi = officer(desk())
    budi.desk_memberships.update(ended_at=budi.date_joined)

    with pytest.raises(NotDeskOfficerError):
        started(budi)
