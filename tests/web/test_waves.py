"""Joining a wave from the portal, and the wave step of the journey."""

import pytest

from bekal.assessment import services as assessment
from bekal.assessment.models import Attempt
from bekal.cards.services import publish_results
from bekal.participants.journey import StepState, get_journey
from bekal.programmes.models import WaveApplication
from bekal.programmes.services import QuotaInput, close_wave, join_wave
from bekal.selection import services as selection
from tests.identity.documents_support import use_tmp_document_storage
from tests.programmes.factories import officer, registrant, wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(registry_file, settings, tmp_path):
    """A registrant with a complete registration."""
    use_tmp_document_storage(settings, tmp_path)
    return registrant(1)


def pass_the_test(user):
    attempt = assessment.start_attempt(user=user, pass_mark=0)
    Attempt.objects.filter(pk=attempt.pk).update(pass_mark=0)
    return assessment.submit_attempt(attempt=attempt)


def wave_step(user):
    return next(s for s in get_journey(user=user).steps if s.key == "wave")


def test_the_wave_step_opens_once_the_test_is_passed(ready):
    assert wave_step(ready).state == StepState.LOCKED

    pass_the_test(ready)

    assert wave_step(ready).state == StepState.TODO
    assert get_journey(user=ready).next_step.key == "wave"


def test_a_participant_who_passed_joins_an_open_wave_from_the_portal(client, ready):
    pass_the_test(ready)
    open_wave = wave(12)
    client.force_login(ready)

    page = client.get("/gelombang/").content.decode()
    response = client.post(f"/gelombang/{open_wave.number}/gabung/")

    assert "Gabung gelombang 12" in page
    assert response.status_code == 302
    application = WaveApplication.objects.get(user=ready)
    assert application.wave == open_wave
    assert application.regency_id == "17.71"
    step = wave_step(ready)
    assert step.state == StepState.WAITING
    assert "gelombang 12" in str(step.detail)


def test_joining_without_passing_the_test_is_refused_with_a_message(client, ready):
    open_wave = wave(13)
    client.force_login(ready)

    response = client.post(f"/gelombang/{open_wave.number}/gabung/", follow=True)

    assert not WaveApplication.objects.filter(user=ready).exists()
    assert "tes" in response.content.decode().lower()


def test_a_participant_not_selected_is_told_they_move_to_the_next_wave(client, ready):
    pass_the_test(ready)
    office = officer()
    full_wave = wave(14, national_quota=1, quotas=[QuotaInput(region_code="17.71", quota=0)])
    join_wave(user=ready, wave=full_wave, test_passed=True)
    run = selection.commit_seed(
        run=selection.create_run(wave=full_wave, actor=office), actor=office
    )
    close_wave(wave=full_wave, actor=office)
    run = selection.run_selection(run=run, actor=office)
    run = selection.review_run(run=run, actor=office)
    client.force_login(ready)

    before = client.get("/gelombang/").content.decode()
    publish_results(run=run, actor=office)
    after = client.get("/gelombang/").content.decode()

    assert "otomatis diikutkan ke gelombang berikutnya" not in before
    assert "otomatis diikutkan ke gelombang berikutnya" in after
    assert wave_step(ready).state == StepState.WAITING


def test_the_not_selected_are_carried_into_the_next_wave_when_it_opens(client, ready):
    pass_the_test(ready)
    office = officer()
    full_wave = wave(16, national_quota=1, quotas=[QuotaInput(region_code="17.71", quota=0)])
    join_wave(user=ready, wave=full_wave, test_passed=True)
    draft = selection.create_run(wave=full_wave, actor=office)
    run = selection.commit_seed(run=draft, actor=office)
    close_wave(wave=full_wave, actor=office)
    run = selection.review_run(run=selection.run_selection(run=run, actor=office), actor=office)
    publish_results(run=run, actor=office)
    next_wave = wave(17, open_now=False)
    client.force_login(office)

    client.post(f"/kantor/gelombang/{next_wave.number}/open/")

    carried = WaveApplication.objects.get(user=ready, wave=next_wave)
    assert carried.carried_over_from == full_wave
    assert "gelombang 17" in str(wave_step(ready).detail)
