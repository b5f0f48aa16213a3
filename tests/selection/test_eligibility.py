"""Each eligibility rule with its reason code; one applicant checked as the wave is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bekal.selection import selectors, services
from bekal.selection.eligibility import closing_date
from bekal.selection.models import EligibilityDecision
from tests.selection.factories import (
    Person,
    exclusion_list,
    join,
    publish,
    rejoin,
    wave,
    years_before,
)

pytestmark = pytest.mark.django_db


def decide(application) -> EligibilityDecision:
    return EligibilityDecision.objects.get(application=application)


def test_an_applicant_meeting_every_rule_is_eligible_and_the_decision_says_under_what():
    # given an adult, verified, tested applicant of a 2023 wave
    w, _ = wave()
    (application,) = join(w, [Person(age=30)])

    # when the wave is evaluated
    report = services.evaluate_eligibility(wave=w)

    # then the applicant is eligible, under the wave's 2023 scheme version and rules 2023.3
    decision = decide(application)
    assert (report.applicants, report.eligible) == (1, 1)
    assert decision.eligible and decision.reasons == []
    assert (decision.scheme.code, decision.scheme_version, decision.rules_version) == (
        "2023",
        w.scheme.version,
        "2023.3",
    )
    assert decision.inputs["age"] == 30
    assert decision.inputs["closing_date"] == closing_date(w).isoformat()


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        (Person(age=17), "too_young"),
        (Person(age=65), "too_old"),
        (Person(verified=False), "not_verified"),
        (Person(passed=False), "test_not_passed"),
        (Person(in_school=True), "in_school"),
        (Person(in_excluded_occupation=True), "excluded_occupation_declared"),
    ],
    ids=["age-17", "age-65", "not-verified", "test-failed", "in-school", "occupation-declared"],
)
def test_a_profile_rule_gives_its_reason_under_2023(person, reason):
    # given a 2023 wave with an applicant failing one rule
    w, _ = wave()
    (application,) = join(w, [person])

    # when the wave is evaluated
    services.evaluate_eligibility(wave=w)

    # then that rule's code, and only it, is the reason
    decision = decide(application)
    assert not decision.eligible
    assert decision.reasons == [reason]


def test_ages_18_and_64_on_the_closing_date_are_eligible_under_2023():
    w, _ = wave()
    applications = join(w, [Person(age=18), Person(age=64)])

    services.evaluate_eligibility(wave=w)

    assert [decide(a).reasons for a in applications] == [[], []]
    assert [decide(a).inputs["age"] for a in applications] == [18, 64]


def test_the_day_before_the_18th_birthday_is_too_young():
    # given someone who turns 18 the day after the wave closes
    w, _ = wave()
    born = years_before(closing_date(w), 18) + dt.timedelta(days=1)
    (application,) = join(w, [Person(birth_date=born)])

    services.evaluate_eligibility(wave=w)

    assert decide(application).reasons == ["too_young"]
    assert decide(application).inputs["age"] == 17


def test_65_is_eligible_under_2020_which_has_no_upper_age():
    w, _ = wave(scheme="2020")
    (application,) = join(w, [Person(age=65)])

    services.evaluate_eligibility(wave=w)

    assert decide(application).eligible
    assert decide(application).rules_version == "2020.3"


@pytest.mark.parametrize(
    "kind",
    ["civil_servant", "soldier", "police", "official", "village_official", "soe_board", "student"],
)
def test_a_nik_on_an_exclusion_list_gives_the_list_s_reason(kind):
    # given an applicant whose NIK is on an imported list (an ASN: civil_servant)
    w, _ = wave()
    listed, other = Person(), Person()
    applications = join(w, [listed, other])
    exclusion_list(kind, [listed.nik])

    # when the wave is evaluated
    services.evaluate_eligibility(wave=w)

    # then the listed applicant is refused with that list's code, the other is not
    assert decide(applications[0]).reasons == [f"on_exclusion_list_{kind}"]
    assert decide(applications[0]).inputs["listed_kinds"] == [kind]
    assert decide(applications[1]).eligible


def test_an_exclusion_entry_that_ended_before_the_closing_date_does_not_count():
    w, _ = wave()
    listed = Person()
    (application,) = join(w, [listed])
    exclusion_list("civil_servant", [listed.nik], valid_to=dt.date(2019, 12, 31))

    services.evaluate_eligibility(wave=w)

    assert decide(application).eligible


def test_other_social_assistance_excludes_under_2020_but_not_under_2023():
    # given the same kind of applicant, on a social-assistance list, in a wave of each scheme
    w2020, _ = wave(scheme="2020")
    w2023, _ = wave(scheme="2023")
    a, b = Person(), Person()
    (in_2020,) = join(w2020, [a])
    (in_2023,) = join(w2023, [b])
    exclusion_list("social_assistance", [a.nik, b.nik])

    services.evaluate_eligibility(wave=w2020)
    services.evaluate_eligibility(wave=w2023)

    assert decide(in_2020).reasons == ["social_assistance"]
    assert decide(in_2023).eligible


def test_a_third_nik_of_one_kk_is_refused_when_two_were_selected_before():
    # given two members of one family selected in an earlier published run
    earlier, earlier_run = wave()
    kk = "1771010101200001"
    join(earlier, [Person(kk=kk), Person(kk=kk)])
    publish(earlier_run)
    # and a third member, and someone of another family, in a new wave
    w, _ = wave()
    third, stranger = join(w, [Person(kk=kk), Person()])

    services.evaluate_eligibility(wave=w)

    assert decide(third).reasons == ["kk_limit"]
    assert decide(third).inputs["kk_recipients"] == 2
    assert decide(stranger).eligible


def test_a_second_nik_of_one_kk_may_still_be_selected():
    earlier, earlier_run = wave()
    kk = "1771010101200002"
    join(earlier, [Person(kk=kk)])
    publish(earlier_run)
    w, _ = wave()
    (second,) = join(w, [Person(kk=kk)])

    services.evaluate_eligibility(wave=w)

    assert decide(second).eligible
    assert decide(second).inputs["kk_recipients"] == 1


def test_a_2020_selection_without_a_payment_is_no_earlier_recipient_in_a_2023_wave():
    # given someone selected in a published 2020 wave, never paid (decision 0013: the
    # incentive received is a paid instalment, tests/disbursements/test_earlier_recipient_paid)
    w2020, run2020 = wave(scheme="2020")
    recipient = Person()
    (first,) = join(w2020, [recipient])
    publish(run2020)
    # who applies again in 2023
    w, _ = wave()
    (again,) = rejoin(w, [first])

    services.evaluate_eligibility(wave=w)

    assert decide(again).reasons == []
    assert decide(again).inputs["earlier_paid"] is False


def test_an_earlier_recipient_list_entry_is_an_earlier_recipient():
    w, _ = wave()
    listed = Person()
    (application,) = join(w, [listed])
    exclusion_list("earlier_recipient", [listed.nik])

    services.evaluate_eligibility(wave=w)

    assert decide(application).reasons == ["earlier_recipient"]


def test_a_revoked_card_holder_is_never_eligible_again():
    # given someone whose card was revoked (the card code records it through the hook)
    w, _ = wave()
    revoked, other = join(w, [Person(), Person()])
    services.record_revoked_recipient(user=revoked.user, reason="no_training_bought")

    services.evaluate_eligibility(wave=w)

    assert decide(revoked).reasons == ["revoked_card"]
    assert decide(other).eligible


def test_several_failed_rules_are_all_given_in_the_rules_order():
    w, _ = wave()
    (application,) = join(w, [Person(age=17, verified=False, in_school=True)])

    services.evaluate_eligibility(wave=w)

    assert decide(application).reasons == ["too_young", "not_verified", "in_school"]


def test_checking_one_applicant_gives_what_the_wave_wide_evaluation_gives():
    # given a wave of applicants failing various rules
    w, _ = wave()
    people = [
        Person(),
        Person(age=17),
        Person(age=70, passed=False),
        Person(verified=False),
        Person(in_excluded_occupation=True),
        Person(),
    ]
    applications = join(w, people)
    exclusion_list("police", [people[5].nik])

    # when the wave is evaluated and each applicant is checked alone
    services.evaluate_eligibility(wave=w)
    checks = [selectors.check_applicant(wave=w, user=a.user) for a in applications]

    # then each check says what the wave's decision says
    for application, check in zip(applications, checks, strict=True):
        decision = decide(application)
        assert check is not None
        assert (check.eligible, check.reasons, check.inputs) == (
            decision.eligible,
            decision.reasons,
            decision.inputs,
        )
    assert [c.eligible for c in checks] == [True, False, False, False, False, False]


def test_checking_someone_who_has_not_joined_gives_nothing():
    w, _ = wave()
    other, _ = wave()
    (application,) = join(other, [Person()])

    assert selectors.check_applicant(wave=w, user=application.user) is None


def test_evaluating_again_replaces_the_wave_s_decisions():
    # given an evaluated wave
    w, _ = wave()
    listed = Person()
    (application,) = join(w, [listed, Person()])[:1]
    services.evaluate_eligibility(wave=w)
    assert decide(application).eligible

    # when a list arrives and the wave is evaluated again
    exclusion_list("soldier", [listed.nik])
    report = services.evaluate_eligibility(wave=w)

    # then the decision is replaced, not added
    assert EligibilityDecision.objects.filter(wave=w).count() == 2
    assert decide(application).reasons == ["on_exclusion_list_soldier"]
    assert report.reasons == {"on_exclusion_list_soldier": 1}


def test_someone_selected_earlier_in_the_same_scheme_year_is_not_selected_twice():
    earlier, earlier_run = wave()
    (first,) = join(earlier, [Person()])
    publish(earlier_run)
    w, _ = wave()
    (again,) = rejoin(w, [first])

    services.evaluate_eligibility(wave=w)

    assert decide(again).reasons == ["already_selected"]


def test_a_recipient_is_not_counted_among_their_own_family_s_recipients():
    # given two members of one family selected in an earlier published wave of the year
    earlier, earlier_run = wave()
    kk = "1771010101200003"
    first, _sibling = join(earlier, [Person(kk=kk), Person(kk=kk)])
    publish(earlier_run)
    # when one of them applies again
    w, _ = wave()
    (again,) = rejoin(w, [first])

    services.evaluate_eligibility(wave=w)

    # then the family has one other recipient: refused as already selected, not for the KK
    assert decide(again).reasons == ["already_selected"]
    assert decide(again).inputs["kk_recipients"] == 1


def test_checking_one_applicant_gives_the_wave_s_decision_for_every_kind_of_fact():
    # given a 2020 recipient (selected, and on the earlier-recipients list: no payouts
    # here) and two members of one family selected in published waves
    w2020, run2020 = wave(scheme="2020")
    paid_2020 = Person()
    (recipient,) = join(w2020, [paid_2020])
    publish(run2020)
    exclusion_list("earlier_recipient", [paid_2020.nik])
    kk = "1771010101200004"
    earlier, earlier_run = wave()
    join(earlier, [Person(kk=kk), Person(kk=kk)])
    publish(earlier_run)
    # and a 2023 wave with the recipient again, a third member of that family, someone on
    # two lists, someone on a list that ended, a revoked card holder and someone eligible
    w, _ = wave()
    two_lists, ended, revoked, eligible = Person(), Person(), Person(), Person()
    applications = [
        *rejoin(w, [recipient]),
        *join(w, [Person(kk=kk), two_lists, ended, revoked, eligible]),
    ]
    exclusion_list("student", [two_lists.nik])
    exclusion_list("civil_servant", [two_lists.nik])
    exclusion_list("police", [ended.nik], valid_to=dt.date(2019, 12, 31))
    services.record_revoked_recipient(user=applications[4].user, reason="no_training_bought")

    # when the wave is evaluated and each applicant is checked alone
    services.evaluate_eligibility(wave=w)
    checks = [selectors.check_applicant(wave=w, user=a.user) for a in applications]

    # then each check says what the wave's decision says, fact for fact
    for application, check in zip(applications, checks, strict=True):
        decision = decide(application)
        assert check is not None
        assert (check.eligible, check.reasons, check.inputs) == (
            decision.eligible,
            decision.reasons,
            decision.inputs,
        )
    assert [c.reasons for c in checks if c is not None] == [
        ["earlier_recipient"],
        ["kk_limit"],
        ["on_exclusion_list_student", "on_exclusion_list_civil_servant"],
        [],
        ["revoked_card"],
        [],
    ]
    assert checks[2] is not None and checks[2].inputs["listed_kinds"] == [
        "civil_servant",
        "student",
    ]


def test_evaluating_again_keeps_only_the_decisions_of_the_wave_s_applicants():
    # given an evaluated wave, and a decision filed under it for another wave's applicant
    w, _ = wave()
    other, _ = wave()
    (application,) = join(w, [Person()])
    (stray,) = join(other, [Person()])
    services.evaluate_eligibility(wave=w)
    EligibilityDecision.objects.create(
        wave=w,
        application=stray,
        user=stray.user,
        scheme=w.scheme,
        scheme_version=w.scheme.version,
        rules_version="2023.2",
        eligible=True,
        inputs={},
        decided_at=timezone.now(),
    )

    # when the wave is evaluated again
    report = services.evaluate_eligibility(wave=w)

    # then the wave has its applicant's decision only, and counts only that one
    decided = EligibilityDecision.objects.filter(wave=w).values_list("application", flat=True)
    assert list(decided) == [application.pk]
    assert (report.applicants, report.eligible) == (1, 1)
