"""Each step of the journey changes the right counts, in its own transaction."""

from __future__ import annotations

import pytest
from django.db import connection

from bekal.reporting.services import find_drift, recount_figures
from tests.identity.documents_support import use_tmp_document_storage
from tests.reporting.walk import REGENCY, Walk, card_of, counts

pytestmark = pytest.mark.django_db

#: What each step adds to Kota Bengkulu's funnel (the person funnel, no wave).
FUNNEL_CHANGES = {
    "sign_up": {},
    "confirm_email": {},
    "submit_profile": {"account": 1, "email_confirmed": 1},
    "verify_identity": {"identity_verified": 1},
    "upload_documents": {"documents": 1},
    "verify_phone": {"phone": 1},
    "sign_declaration": {"declaration": 1},
    "pass_test": {"test_passed": 1},
    "join_wave": {"joined_wave": 1},
    "be_selected": {"selected": 1},
    "accept_card": {"card_accepted": 1},
    "buy_training": {"training_bought": 1},
    "complete_training": {"training_completed": 1},
}


def _difference(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    keys = set(before) | set(after)
    return {
        k: after.get(k, 0) - before.get(k, 0) for k in keys if after.get(k, 0) != before.get(k, 0)
    }


@pytest.fixture
def walk(registry_file, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)
    return Walk()


@pytest.mark.parametrize("step", list(FUNNEL_CHANGES))
def test_each_step_of_the_journey_changes_its_own_count_at_once(walk, step):
    steps = dict(walk.steps())
    for name, action in walk.steps():
        if name == step:
            break
        action()
    before = counts()
    no_regency_before = counts(regency="")

    steps[step]()

    assert _difference(before, counts()) == FUNNEL_CHANGES[step]
    if step == "sign_up":
        assert _difference(no_regency_before, counts(regency="")) == {"account": 1}
    if step == "confirm_email":
        assert _difference(no_regency_before, counts(regency="")) == {"email_confirmed": 1}
    if step == "submit_profile":
        # The person moves from "no regency yet" to Kota Bengkulu with what they reached.
        assert _difference(no_regency_before, counts(regency="")) == {
            "account": -1,
            "email_confirmed": -1,
        }
    assert find_drift() == []


def test_a_wave_counts_its_applicants_selected_and_cards(walk):
    for _name, action in walk.steps()[:9]:
        action()
    wave_id = walk.wave.pk
    assert counts(wave_id=wave_id) == {"applied": 1}

    walk.be_selected()
    assert counts(wave_id=wave_id) == {"applied": 1, "eligible": 1, "selected": 1}

    walk.accept_card()
    assert counts(wave_id=wave_id)["card_accepted"] == 1
    assert find_drift() == []


def test_a_revoked_card_counts_as_revoked(walk):
    for _name, action in walk.steps()[:11]:
        action()
    card = card_of(walk.person)
    before = counts()

    from django.utils import timezone

    from bekal.cards.services import revoke_unused_cards

    revoke_unused_cards(now=card.first_purchase_deadline + timezone.timedelta(seconds=1))

    assert _difference(before, counts()) == {"revoked": 1}
    assert counts(wave_id=walk.wave.pk)["revoked"] == 1
    assert find_drift() == []


def test_the_recount_finds_a_drift_made_by_hand_and_repairs_it(walk):
    for _name, action in walk.steps()[:4]:
        action()
    assert find_drift() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_stagecount SET total = total + 5"
            " WHERE wave_id = 0 AND regency_code = %s AND stage = 'identity_verified'",
            [REGENCY],
        )

    report = recount_figures()

    [drift] = report.drifts
    assert (drift.regency_code, drift.stage, drift.expected, drift.counted) == (
        REGENCY,
        "identity_verified",
        1,
        6,
    )
    assert not report.repaired
    assert recount_figures(repair=True).repaired
    assert find_drift() == []
    assert counts()["identity_verified"] == 1


def test_the_funnel_keys_in_the_database_are_the_stages_in_order(db):
    from bekal.reporting.stages import Stage

    with connection.cursor() as cursor:
        cursor.execute("SELECT reporting_stage_keys()")
        assert cursor.fetchone()[0] == [stage.value for stage in Stage]


def test_the_command_exits_non_zero_on_drift_and_repairs_it(walk):
    from django.core.management import CommandError, call_command

    walk.sign_up()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reporting_stagecount SET total = total + 1 WHERE stage = 'account'")

    with pytest.raises(CommandError, match="drifted"):
        call_command("recount_figures")
    call_command("recount_figures", "--repair")

    assert find_drift() == []
