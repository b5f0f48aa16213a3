"""The journey status a participant sees on the home page, step by step."""

import pytest

from bekal.accounts.phone_verification import send_phone_code, verify_phone_code
from bekal.identity.models import IdentityDocument
from bekal.identity.services import upload_document
from bekal.notifications.models import OutboxMessage
from bekal.participants.journey import StepState, get_journey
from bekal.registration import services
from bekal.registration.declaration import DECLARATION_VERSION
from bekal.registration.models import IdentityCheck
from tests.identity.documents_support import jpeg, upload, use_tmp_document_storage
from tests.registration.factories import participant, submit

pytestmark = pytest.mark.django_db


def states(user):
    return {step.key: step.state for step in get_journey(user=user).steps}


@pytest.fixture
def documents_storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def test_a_new_participant_starts_with_the_profile():
    user = participant()

    journey = get_journey(user=user)

    assert states(user) == {
        "account": StepState.DONE,
        "profile": StepState.TODO,
        "identity": StepState.LOCKED,
        "documents": StepState.TODO,
        "phone": StepState.TODO,
        "declaration": StepState.LOCKED,
        "test": StepState.LOCKED,
        "wave": StepState.LOCKED,
    }
    assert journey.next_step.key == "profile"
    assert not journey.registration_complete


def test_a_submitted_profile_waits_for_the_registry_and_opens_the_declaration(registry_file):
    user = participant()

    submit(user)

    assert states(user)["profile"] == StepState.DONE
    assert states(user)["identity"] == StepState.WAITING
    assert states(user)["declaration"] == StepState.TODO


def test_a_registry_mismatch_is_shown_with_its_reason_and_sends_back_to_the_profile(
    registry_file,
):
    user = participant()
    profile = submit(user, full_name="Siti Aminah Putri")
    check = profile.identity_check
    check.status = IdentityCheck.Status.MISMATCH
    check.mismatched_fields = ["full_name"]
    check.save()

    step = next(s for s in get_journey(user=user).steps if s.key == "identity")

    assert step.state == StepState.REFUSED
    assert "nama lengkap" in str(step.detail)
    assert step.url_name == "registration_profile"
    assert get_journey(user=user).next_step.key == "identity"


def test_every_registration_step_done_completes_the_registration(registry_file, documents_storage):
    user = participant()
    profile = submit(user)
    services.record_identity_answer(
        check_id=profile.identity_check.pk,
        round_asked=profile.identity_check.round,
        answer=_match(),
    )
    upload_document(owner=user, kind="ktp_photo", uploaded_file=upload(jpeg(seed=1)))
    upload_document(owner=user, kind="selfie_with_ktp", uploaded_file=upload(jpeg(seed=2)))
    send_phone_code(user=user, phone="0812 3456 7890")
    code = _code_from_outbox()
    verify_phone_code(user=user, code=code)
    services.sign_declaration(user=user, version=DECLARATION_VERSION)

    journey = get_journey(user=user)

    assert journey.registration_complete
    assert journey.next_step.key == "test"
    assert journey.next_step.url_name == "assessment_start"
    assert states(user)["wave"] == StepState.LOCKED


def test_a_verified_identity_starts_the_retention_clock_of_the_photos(
    registry_file, documents_storage
):
    user = participant()
    upload_document(owner=user, kind="ktp_photo", uploaded_file=upload(jpeg(seed=3)))
    profile = submit(user)

    services.record_identity_answer(
        check_id=profile.identity_check.pk,
        round_asked=profile.identity_check.round,
        answer=_match(),
    )

    document = IdentityDocument.objects.get(owner=user)
    assert document.verification_ended_at is not None


def _match():
    from bekal.identity.registry import RegistryAnswer

    return RegistryAnswer.match()


def _code_from_outbox():
    import re

    body = OutboxMessage.objects.filter(channel="sms").latest("created_at").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_a_card_holder_is_sent_to_the_catalogue_not_back_to_the_test(client):
    from tests.marketplace.factories import card_holder

    # given a person selected in a published wave who accepted the card
    person, _card = card_holder()
    # when they open their home page
    journey = get_journey(user=person)
    client.force_login(person)
    page = client.get("/").content.decode()
    # then the wave step points to the catalogue, and nothing asks for the test again
    wave = next(step for step in journey.steps if step.key == "wave")
    assert (wave.state, wave.url_name) == (StepState.DONE, "catalogue")
    assert "Kartu Anda aktif: pilih pelatihan." in page
    assert "Berikutnya: tes 15 menit." not in page
