"""Rules the programme's texts state: citizenship from the registry's answer, other
social assistance over the scheme's window, and ages counted on 29 February."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bekal.programmes.models import Wave
from bekal.programmes.rules import reason_label
from bekal.programmes.selectors import get_current_scheme
from bekal.selection import selectors, services
from bekal.selection.models import EligibilityDecision
from tests.selection.factories import Person, exclusion_list, join, wave

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def decide(application) -> EligibilityDecision:
    return EligibilityDecision.objects.get(application=application)


def closing_on(w: Wave, day: dt.date) -> Wave:
    """The wave as if it had closed at noon (Asia/Jakarta) on `day`."""
    closes = dt.datetime.combine(day, dt.time(12), tzinfo=JAKARTA)
    Wave.objects.filter(pk=w.pk).update(
        opens_at=closes - dt.timedelta(days=7),
        closes_at=closes,
        announce_at=closes + dt.timedelta(days=1),
    )
    return Wave.objects.select_related("scheme").get(pk=w.pk)


@pytest.mark.parametrize("scheme", ["2020", "2023"])
def test_a_foreign_resident_is_refused_not_citizen(scheme):
    # given a citizen and a foreign permanent resident, both verified by the registry
    w, _ = wave(scheme=scheme)
    citizen, foreigner = join(w, [Person(), Person(citizenship="WNA")])

    # when the wave is evaluated
    services.evaluate_eligibility(wave=w)

    # then only the foreign resident is refused, for not being a citizen
    assert decide(citizen).eligible
    assert decide(foreigner).reasons == ["not_citizen"]
    assert decide(foreigner).inputs["citizenship"] == "WNA"


def test_the_not_citizen_reason_reads_in_indonesian():
    from django.utils import translation

    with translation.override("id"):
        assert str(reason_label("not_citizen")) == "Bukan warga negara Indonesia (WNI)"


def test_a_verified_nik_whose_citizenship_the_registry_did_not_state_is_refused():
    w, _ = wave()
    (unknown,) = join(w, [Person(citizenship="")])

    services.evaluate_eligibility(wave=w)

    assert decide(unknown).reasons == ["not_citizen"]


def test_an_unverified_nik_is_refused_only_as_not_verified():
    w, _ = wave()
    (pending,) = join(w, [Person(verified=False)])

    services.evaluate_eligibility(wave=w)

    assert decide(pending).reasons == ["not_verified"]


def test_a_2020_window_bansos_entry_excludes_in_a_2021_wave_of_that_scheme():
    # given a wave of the 2020 scheme closing in February 2021
    scheme = get_current_scheme(code="2020")
    assert scheme.social_assistance_from == dt.date(2020, 3, 31)
    w, _ = wave(scheme="2020")
    w = closing_on(w, dt.date(2021, 2, 15))
    # and someone who received other social assistance from May to December 2020 only,
    # someone whose assistance ended before the pandemic, and someone never assisted
    in_window, before, never = Person(), Person(), Person()
    applications = join(w, [in_window, before, never])
    exclusion_list(
        "social_assistance",
        [in_window.nik],
        valid_from=dt.date(2020, 5, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    exclusion_list(
        "social_assistance",
        [before.nik],
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2019, 12, 31),
    )

    # when the wave is evaluated
    services.evaluate_eligibility(wave=w)

    # then the assistance received during the pandemic excludes, though it had ended
    assert [decide(a).reasons for a in applications] == [["social_assistance"], [], []]
    assert decide(applications[0]).inputs["assisted_in_window"] is True


def test_assistance_that_starts_after_the_closing_date_does_not_exclude():
    w, _ = wave(scheme="2020")
    w = closing_on(w, dt.date(2021, 2, 15))
    later = Person()
    (application,) = join(w, [later])
    exclusion_list("social_assistance", [later.nik], valid_from=dt.date(2021, 3, 1))

    services.evaluate_eligibility(wave=w)

    assert decide(application).eligible


def test_without_a_window_only_the_closing_date_counts():
    # given the 2020 scheme's first version, which has no window
    from bekal.programmes.models import Scheme

    v1 = Scheme.objects.get(code="2020", version=1)
    assert v1.social_assistance_from is None
    w, _ = wave(scheme="2020")
    Wave.objects.filter(pk=w.pk).update(scheme=v1)
    w = closing_on(w, dt.date(2021, 2, 15))
    ended = Person()
    (application,) = join(w, [ended])
    exclusion_list(
        "social_assistance",
        [ended.nik],
        valid_from=dt.date(2020, 5, 1),
        valid_to=dt.date(2020, 12, 31),
    )

    services.evaluate_eligibility(wave=w)

    assert decide(application).eligible


@pytest.mark.parametrize(
    ("closing", "age", "reasons"),
    [
        (dt.date(2022, 2, 28), 17, ["too_young"]),
        (dt.date(2022, 3, 1), 18, []),
        (dt.date(2024, 2, 28), 19, []),
        (dt.date(2024, 2, 29), 20, []),
    ],
    ids=["28-02-2022", "01-03-2022", "28-02-2024", "29-02-2024"],
)
def test_someone_born_on_29_february_turns_a_year_older_on_1_march_in_a_common_year(
    closing, age, reasons
):
    # given someone born on 29 February 2004, in a wave closing on `closing`
    w, _ = wave()
    w = closing_on(w, closing)
    leapling = Person(birth_date=dt.date(2004, 2, 29))
    join(w, [leapling])
    user_id = w.applications.get().user

    # when they check their eligibility
    decision = selectors.check_applicant(wave=w, user=user_id)

    # then their age on the closing date is counted in whole years, 18 on 1 March 2022
    assert decision is not None
    assert decision.inputs["age"] == age
    assert decision.reasons == reasons
