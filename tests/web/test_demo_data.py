"""The demo holds registrants at every step of the journey, over real regions."""

import pytest

from bekal.accounts.models import User
from bekal.participants.journey import StepState, get_journey
from bekal.registration.models import IdentityCheck
from bekal.web.devtools.demo_registrants import STAGES, create_demo_registrants
from tests.identity.documents_support import use_tmp_document_storage

pytestmark = pytest.mark.django_db


def test_demo_registrants_cover_every_step_of_the_journey(registry_file, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)

    people = create_demo_registrants(regencies=("17.71",))

    assert [p.stage for p in people] == list(STAGES)
    by_stage = {p.stage: User.objects.get(email=p.email) for p in people}
    assert not by_stage["signed_up"].email_confirmed
    assert by_stage["profile_mismatch"].registration_profile.identity_check.status == (
        IdentityCheck.Status.MISMATCH
    )
    assert by_stage["profile_not_found"].registration_profile.identity_check.status == (
        IdentityCheck.Status.NOT_FOUND
    )
    assert get_journey(user=by_stage["complete"]).registration_complete
    phone_state = {s.key: s.state for s in get_journey(user=by_stage["phone"]).steps}
    assert phone_state["phone"] == StepState.DONE
    assert phone_state["declaration"] == StepState.TODO
    assert {p.regency for p in people} == {"17.71"}


def test_creating_the_demo_twice_adds_nobody(registry_file, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)
    create_demo_registrants(regencies=("64.74",))

    again = create_demo_registrants(regencies=("64.74",))

    assert again == []
