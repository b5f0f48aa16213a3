"""The registrants' eligibility facts follow the data they derive from, through the
services that change it, and a recount finds no drift; a preview counts them by region."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection

from bekal.assessment import services as assessment
from bekal.identity.registry import Citizenship, RegistryAnswer
from bekal.programmes import services as programmes
from bekal.programmes.models import ExclusionList
from bekal.programmes.selectors import get_current_scheme
from bekal.registration import services as registration
from bekal.selection import services
from bekal.selection.eligibility import closing_date
from bekal.selection.facts import KIND_BITS, Drift, recount_facts
from bekal.selection.models import RegistrantFacts
from bekal.selection.selectors import preview_eligibility
from tests.assessment.support import items, right_option
from tests.programmes.factories import csv_file, valid_niks
from tests.registration.factories import participant, submit
from tests.selection.factories import Person, admin, join, publish, wave

pytestmark = pytest.mark.django_db

NO_DRIFT = Drift(missing=0, extra=0, different=0)


@pytest.fixture
def question_bank():
    migration = importlib.import_module("bekal.assessment.migrations.0002_question_bank_v1")
    migration.load_bank(django_apps)


def facts_of(user) -> RegistrantFacts:
    return RegistrantFacts.objects.get(user=user)


def pass_test(user) -> None:
    attempt = assessment.start_attempt(user=user)
    for item in items(attempt):
        assessment.answer_question(
            attempt=attempt, position=item.position, option_id=right_option(item).pk
        )
    assessment.submit_attempt(attempt=attempt)


@pytest.fixture
def empty_queue(django_db_blocker):
    """No job left over by an earlier test (the job tables outlive the flush)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.mark.django_db(transaction=True)
def test_an_imported_list_and_its_reimport_keep_the_facts_in_step(worker, empty_queue):
    # given two applicants (with NIKs the import accepts)
    w, _ = wave()
    listed, other = (Person(nik=nik) for nik in valid_niks(2))
    first, second = join(w, [listed, other])
    # when an undated list and a dated list holding the first are imported by the worker
    for kind, lines, header in (
        ("civil_servant", [listed.nik], "nik"),
        ("social_assistance", [f"{listed.nik};2020-05-01;2020-12-31"], "nik;valid_from;valid_to"),
    ):
        programmes.upload_exclusion_list(
            kind=kind, name=f"Daftar {kind}", source="Uji", file=csv_file(lines, header),
            actor=admin(),
        )  # fmt: skip
    worker()

    # then the first's facts say so, the other's do not, and a recount finds no drift
    facts = facts_of(first.user)
    assert facts.listed == KIND_BITS["civil_servant"]
    assert facts.dated_bits == [KIND_BITS["social_assistance"]]
    assert (facts.dated_from, facts.dated_to) == ([dt.date(2020, 5, 1)], [dt.date(2020, 12, 31)])
    assert (facts_of(second.user).listed, facts_of(second.user).dated_bits) == (0, None)
    assert recount_facts() == NO_DRIFT

    # when the civil-servant list is imported again with the other instead
    asn = ExclusionList.objects.get(kind="civil_servant")
    programmes.rerun_import(exclusion_list=asn, file=csv_file([other.nik]), actor=admin())
    worker()

    # then the facts moved with it
    assert facts_of(first.user).listed == 0
    assert facts_of(second.user).listed == KIND_BITS["civil_servant"]
    assert recount_facts() == NO_DRIFT


def test_each_change_through_the_services_keeps_the_facts_in_step(question_bank):
    # given a participant who submits a profile
    user = participant()
    profile = submit(user, nik="1771015508950001", kk="1771010101200001")
    # then their facts exist at once, as the profile says
    facts = facts_of(user)
    assert (facts.identity_status, facts.citizenship, facts.test_passed) == ("pending", "", False)
    assert (facts.birth_date, facts.regency_id) == (dt.date(1995, 8, 15), "17.71")
    assert recount_facts() == NO_DRIFT

    # when the registry answers that she is a foreign resident
    registration.record_identity_answer(
        check_id=profile.identity_check.pk,
        round_asked=profile.identity_check.round,
        answer=RegistryAnswer.match(Citizenship.FOREIGN_RESIDENT),
    )
    facts = facts_of(user)
    assert (facts.identity_status, facts.citizenship) == ("verified", "WNA")

    # when she passes the test
    pass_test(user)
    assert facts_of(user).test_passed

    # when her card is revoked
    services.record_revoked_recipient(user=user, reason="no_training_bought")
    assert facts_of(user).revoked
    assert recount_facts() == NO_DRIFT


def test_a_published_run_counts_for_the_whole_family():
    # given two members of one family and someone else, in a wave
    kk = "1771010101200009"
    w, run = wave()
    first, second, other = join(w, [Person(kk=kk), Person(kk=kk), Person()])
    # and a relative who is not in the wave
    w_later, _ = wave()
    (relative,) = join(w_later, [Person(kk=kk)])

    # when the run is published (everyone is selected)
    publish(run)

    # then the family's count is 2 for each of them, the relative included
    for application in (first, second, relative):
        assert facts_of(application.user).family_recipients == 2
    assert facts_of(first.user).recipient_waves == [w.pk]
    assert facts_of(relative.user).recipient_waves == []
    assert facts_of(other.user).family_recipients == 1
    assert recount_facts() == NO_DRIFT


def test_a_recount_finds_drift_and_repairs_it():
    # given facts in step, then one row changed behind the services' back and one deleted
    w, _ = wave()
    changed, deleted = join(w, [Person(), Person()])
    assert recount_facts() == NO_DRIFT
    RegistrantFacts.objects.filter(user=changed.user).update(test_passed=False, listed=4)
    RegistrantFacts.objects.filter(user=deleted.user).delete()

    # when the facts are recounted
    drift = recount_facts(repair=True)

    # then the drift is reported, and repaired
    assert drift == Drift(missing=1, extra=0, different=1)
    assert recount_facts() == NO_DRIFT
    assert facts_of(changed.user).test_passed and facts_of(changed.user).listed == 0


def test_the_recount_command_exits_non_zero_on_drift(capsys):
    from django.core.management import CommandError, call_command

    w, _ = wave()
    (application,) = join(w, [Person()])
    call_command("recount_eligibility_facts")
    assert "no drift" in capsys.readouterr().out
    RegistrantFacts.objects.filter(user=application.user).update(revoked=True)

    with pytest.raises(CommandError):
        call_command("recount_eligibility_facts")

    assert "1 different" in capsys.readouterr().out
    call_command("recount_eligibility_facts", "--repair")
    call_command("recount_eligibility_facts")
    assert "no drift" in capsys.readouterr().out


def test_a_preview_counts_what_a_draft_rule_would_admit_by_region():
    # given registrants in two regencies, one of them 60 and one 17
    w, _ = wave()
    join(w, [Person(regency="17.71"), Person(regency="17.71", age=60),
             Person(regency="32.16"), Person(regency="32.16", age=17)])  # fmt: skip
    scheme = get_current_scheme(code="2023")
    day = closing_date(w)

    # when the 2023 rules are previewed, and a draft lowering the maximum age to 55
    current = preview_eligibility(scheme=scheme, closing=day)
    scheme.max_age = 55
    draft = preview_eligibility(scheme=scheme, closing=day)

    # then each counts registrants and the admitted by regency
    assert current.regencies == {"17.71": (2, 2), "32.16": (2, 1)}
    assert draft.regencies == {"17.71": (2, 1), "32.16": (2, 1)}
    assert (draft.registrants, draft.eligible) == (4, 2)


def test_the_preview_admits_whom_the_wave_s_evaluation_admits():
    w, _ = wave(scheme="2020")
    people = [Person(), Person(age=17), Person(verified=False), Person(citizenship="WNA"),
              Person(in_school=True), Person(passed=False)]  # fmt: skip
    join(w, people)

    report = services.evaluate_eligibility(wave=w)
    preview = preview_eligibility(scheme=w.scheme, closing=closing_date(w))

    assert (preview.registrants, preview.eligible) == (report.applicants, report.eligible) == (6, 1)


def test_evaluating_again_rewrites_only_the_decisions_that_changed():
    # given a wave evaluated once
    from bekal.selection.models import EligibilityDecision
    from tests.selection.factories import exclusion_list

    w, _ = wave()
    unchanged, listed = Person(), Person()
    first, second = join(w, [unchanged, listed])
    services.evaluate_eligibility(wave=w)
    before = dict(EligibilityDecision.objects.values_list("application_id", "decided_at"))

    # when one applicant is put on a list and the wave is evaluated again
    exclusion_list("police", [listed.nik])
    report = services.evaluate_eligibility(wave=w)

    # then only that decision was rewritten, and the report still counts both
    after = dict(EligibilityDecision.objects.values_list("application_id", "decided_at"))
    assert after[first.pk] == before[first.pk]
    assert after[second.pk] > before[second.pk]
    assert EligibilityDecision.objects.get(application=second).reasons == [
        "on_exclusion_list_police"
    ]
    assert (report.applicants, report.eligible) == (2, 1)
    assert report.reasons == {"on_exclusion_list_police": 1}
