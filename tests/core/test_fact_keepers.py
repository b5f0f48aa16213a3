"""The eligibility facts follow their sources through explicit calls, not Django signals."""

from __future__ import annotations

from pathlib import Path

import pytest

from bekal.core import fact_keepers
from bekal.registration.models import Profile
from bekal.selection.models import RegistrantFacts
from tests.registration.factories import participant, submit

BEKAL = Path(__file__).resolve().parents[2] / "bekal"


def test_the_selection_keeper_is_registered_when_the_apps_are_ready():
    assert fact_keepers.registered() == ["selection.eligibility_facts"]


def test_no_business_code_uses_django_signals():
    users = [
        str(path.relative_to(BEKAL))
        for path in BEKAL.rglob("*.py")
        if "django.dispatch" in path.read_text(encoding="utf-8")
    ]
    assert users == []


@pytest.mark.django_db
def test_a_keeper_s_failure_rolls_the_change_back():
    # given a keeper that refuses, registered after the selection's
    class Refusing:
        name = "test.refusing"

        def registrants_changed(self, *, user_ids):
            raise RuntimeError("refused")

        def exclusion_list_replaced(self, *, exclusion_list_id, kind):
            raise RuntimeError("refused")

    siti = participant()
    fact_keepers.register(Refusing())
    try:
        # when a profile is submitted, then the submission fails: no profile, no facts
        with pytest.raises(RuntimeError):
            submit(siti)
    finally:
        fact_keepers._keepers.pop("test.refusing")
    assert not Profile.objects.filter(user=siti).exists()
    assert not RegistrantFacts.objects.filter(user=siti).exists()
