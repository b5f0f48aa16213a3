"""`manage.py verify_selection WAVE`: the published list is recomputed, and every row the
selection rests on is held against the published proof. Each tampering the outside check
listed (issue 12) makes it exit non-zero, saying what differs."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from bekal.programmes.models import WaveApplication, WaveQuota, WaveTier
from bekal.programmes.services import TierInput
from bekal.selection import canonical, proof_log, publication
from bekal.selection.models import (
    EligibilityDecision,
    ProofLogEntry,
    SelectionOutcome,
    SelectionRun,
)
from tests.selection.factories import Person, exclusion_list, join, publish, wave

pytestmark = pytest.mark.django_db


def published_wave():
    """A published wave with tiers, regional quotas, a family and ineligible applicants."""
    laid_off_people = [Person(regency="32.16") for _ in range(5)]
    laid_off = exclusion_list("reported_laid_off", [p.nik for p in laid_off_people])
    w, run = wave(
        national_quota=30,
        quotas=[("32.16", 8), ("17", 12)],
        tiers=[TierInput(1, WaveTier.Kind.REPORTED_LAID_OFF, "PHK", exclusion_list=laid_off)],
    )
    join(w, laid_off_people)
    join(w, [Person(regency="32.16") for _ in range(15)])
    join(
        w,
        [Person(regency="17.71") for _ in range(10)] + [Person(regency="17.02") for _ in range(6)],
    )
    join(w, [Person(regency="31.71") for _ in range(12)] + [Person(age=17) for _ in range(3)])
    join(w, [Person(regency="31.71", kk="3171010101200001") for _ in range(3)])
    return w, publish(run)


def verify(number: int, *options: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("verify_selection", str(number), *options, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def assert_mismatch(number: int, expected: str, *options: str) -> str:
    output, failure = verify(number, *options)
    assert failure is not None, output
    assert expected in output, output
    return output


def outcome(run, **filters):
    return SelectionOutcome.objects.filter(run=run, **filters).order_by("lottery_rank").first()


def test_verify_selection_matches_the_published_list():
    w, _run = published_wave()

    output, failure = verify(w.number)

    assert failure is None
    assert output.startswith("MATCH: 30 selected")


def test_verify_selection_names_the_first_difference_when_the_list_was_altered():
    # given a published run where one not-selected eligible applicant was made selected
    w, run = published_wave()
    intruder = outcome(run, eligible=True, selected=False)
    selected = SelectionOutcome.objects.filter(run=run, selected=True)
    before = selected.filter(lottery_rank__lt=intruder.lottery_rank).count()
    after = selected.filter(lottery_rank__gt=intruder.lottery_rank).order_by("lottery_rank")
    SelectionOutcome.objects.filter(pk=intruder.pk).update(selected=True)

    output, failure = verify(w.number)

    # then the first difference is where the intruder stands in the published list
    assert failure is not None
    expected = (
        f"MISMATCH: position {before + 1}: published {intruder.pseudonym}, "
        f"recomputed {after[0].pseudonym}"
        if after.exists()
        else f"MISMATCH: position {before + 1}: published 31 selected, recomputed 30"
    )
    assert output.startswith(expected)
    assert f"outcome of applicant {intruder.pseudonym}: selected is True" in output


def test_verify_selection_refuses_an_unpublished_wave():
    w, _ = wave()

    with pytest.raises(CommandError, match="selection_not_published"):
        call_command("verify_selection", str(w.number), stdout=io.StringIO())


# --- each listed tampering ---------------------------------------------------------------


def test_an_outcomes_eligibility_changed_after_publication_is_found():
    w, run = published_wave()
    ineligible = outcome(run, eligible=False)
    SelectionOutcome.objects.filter(pk=ineligible.pk).update(eligible=True)

    assert_mismatch(
        w.number,
        f"outcome of applicant {ineligible.pseudonym}: eligible is True in the database, "
        "False in the published document",
    )


def test_an_outcomes_tier_changed_after_publication_is_found():
    w, run = published_wave()
    untiered = outcome(run, eligible=True, tier__isnull=True)
    SelectionOutcome.objects.filter(pk=untiered.pk).update(tier=1)

    assert_mismatch(
        w.number,
        f"outcome of applicant {untiered.pseudonym}: tier is 1 in the database, "
        "None in the published document",
    )


def test_an_outcomes_regency_changed_after_publication_is_found():
    w, run = published_wave()
    moved = outcome(run, regency_id="17.71")
    SelectionOutcome.objects.filter(pk=moved.pk).update(regency_id="17.02")

    assert_mismatch(
        w.number,
        f"outcome of applicant {moved.pseudonym}: regency is '17.02' in the database, "
        "'17.71' in the published document",
    )


def test_an_eligibility_decision_changed_after_publication_is_found():
    w, _run = published_wave()
    too_young = EligibilityDecision.objects.filter(wave=w, reasons__contains=["too_young"])[0]
    EligibilityDecision.objects.filter(pk=too_young.pk).update(eligible=True, reasons=[])

    assert_mismatch(
        w.number,
        f"eligibility decision of applicant {too_young.application_id}: eligible is True in "
        "the database, False in the published document",
    )


def test_an_eligibility_decisions_reasons_changed_after_publication_are_found():
    # given a decision that still says "not eligible", but for another reason
    w, _run = published_wave()
    too_young = EligibilityDecision.objects.filter(wave=w, reasons__contains=["too_young"])[0]
    EligibilityDecision.objects.filter(pk=too_young.pk).update(reasons=["in_school"])

    assert_mismatch(w.number, "a decision's reasons or facts were changed")


def test_an_applications_selected_flag_changed_after_publication_is_found():
    # given a selected person whose application was marked not selected (which would
    # carry her into the next wave as if she had not been)
    w, run = published_wave()
    chosen = outcome(run, selected=True)
    WaveApplication.objects.filter(pk=chosen.application_id).update(selected=False)

    output = assert_mismatch(
        w.number,
        f"application {chosen.pseudonym}: its selected flag is False, the recomputed list "
        "says True",
    )
    assert output.startswith("MISMATCH: application")


def test_the_seed_hash_changed_after_publication_is_found():
    w, run = published_wave()
    SelectionRun.objects.filter(pk=run.pk).update(seed_hash="ab" * 32)

    output = assert_mismatch(w.number, f"seed hash: the run states {'ab' * 32}")
    assert "the log's commitment" in output


def test_a_regional_quota_changed_after_publication_is_found():
    w, _run = published_wave()
    WaveQuota.objects.filter(wave=w, regency_id="32.16").update(quota=9)

    assert_mismatch(w.number, "quota of regency 32.16: the wave states 9, the document 8")


def test_the_national_quota_changed_after_publication_is_found():
    w, _run = published_wave()
    type(w).objects.filter(pk=w.pk).update(national_quota=31)

    assert_mismatch(w.number, "national quota: the wave states 31, the document 30")


def rewritten_inputs(run: SelectionRun) -> tuple[str, str]:
    """The run's inputs with one eligible applicant made ineligible, re-rendered
    canonically and stored: (file name, digest), as someone with access would."""
    document = json.loads(publication.read_file(run.inputs_file))
    row = next(row for row in document["applicants"] if row[3])
    row[3] = False
    text = canonical.render(
        wave=document["wave"],
        seed_hash=document["seed_hash"],
        national_quota=document["national_quota"],
        province_quotas=document["quotas"]["provinces"],
        regency_quotas=document["quotas"]["regencies"],
        rows=[tuple(r) for r in document["applicants"]],
    )
    name = publication.proof_storage().save("forged/inputs.json", ContentFile(text.encode()))
    return name, canonical.digest(text)


def test_the_inputs_changed_without_their_digest_are_found():
    w, run = published_wave()
    name, _digest = rewritten_inputs(run)
    SelectionRun.objects.filter(pk=run.pk).update(inputs_file=name)

    assert_mismatch(w.number, "MISMATCH: the inputs do not match their published digest")


def test_the_inputs_changed_together_with_their_digest_are_found():
    # given the inputs file and the run's digest both replaced, consistently
    w, run = published_wave()
    name, digest = rewritten_inputs(run)
    SelectionRun.objects.filter(pk=run.pk).update(inputs_file=name, inputs_digest=digest)

    # then the log's publication, written when the run was published, still says otherwise
    assert_mismatch(
        w.number,
        f"inputs_digest: the run states {digest}, the log's publication {run.inputs_digest}",
    )


class LogTrigger:
    """Someone who can switch off the log's append-only trigger (the table's owner)."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE selection_prooflogentry "
                "DISABLE TRIGGER selection_prooflogentry_append_only"
            )

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE selection_prooflogentry "
                "ENABLE TRIGGER selection_prooflogentry_append_only"
            )


def rewrite_entry(entry: ProofLogEntry, **payload) -> str:
    """Rewrite an entry's payload and give it the hash of its new content."""
    entry.payload = {**entry.payload, **payload}
    new_hash = canonical.entry_hash(**proof_log.as_fields(entry))
    with LogTrigger():
        ProofLogEntry.objects.filter(pk=entry.pk).update(payload=entry.payload, entry_hash=new_hash)
    return new_hash


def test_a_rewritten_log_entry_breaks_the_chain_after_it():
    # given a published wave, then a later wave whose seed was committed after it
    w, run = published_wave()
    wave()
    # when the inputs, the run's digest and the wave's publication entry are all rewritten,
    # the entry getting the hash of its new content
    name, digest = rewritten_inputs(run)
    SelectionRun.objects.filter(pk=run.pk).update(inputs_file=name, inputs_digest=digest)
    entry = ProofLogEntry.objects.get(wave=w.number, kind="run_published")
    new_hash = rewrite_entry(entry, inputs_digest=digest)

    # then the next entry no longer links to it
    assert_mismatch(
        w.number,
        f"log entry {entry.position + 1}: names {entry.entry_hash} as the previous hash, but "
        f"the previous entry's hash is {new_hash}",
    )


def test_a_rewritten_log_entry_is_found_when_only_its_own_hash_is_kept():
    w, _run = published_wave()
    entry = ProofLogEntry.objects.get(wave=w.number, kind="seed_committed")
    with LogTrigger():
        ProofLogEntry.objects.filter(pk=entry.pk).update(payload={"seed_hash": "cd" * 32})

    assert_mismatch(
        w.number,
        f"log entry {entry.position}: its hash {entry.entry_hash} is not the hash of its content",
    )


def test_a_rewritten_head_is_found_against_a_head_kept_outside():
    # given the head printed when the wave was published
    w, run = published_wave()
    kept_head = proof_log.get_head().entry_hash
    # when everything is rewritten consistently, the last entry included (nothing after
    # it in the log to break)
    name, digest = rewritten_inputs(run)
    SelectionRun.objects.filter(pk=run.pk).update(inputs_file=name, inputs_digest=digest)
    rewrite_entry(
        ProofLogEntry.objects.get(wave=w.number, kind="run_published"), inputs_digest=digest
    )

    # then the head kept outside Bekal is no longer in the log
    assert_mismatch(
        w.number,
        f"the log no longer holds the head {kept_head} kept outside Bekal",
        "--head",
        kept_head,
    )


def test_the_head_kept_outside_matches_an_untouched_log():
    w, _run = published_wave()
    kept_head = proof_log.get_head().entry_hash

    output, failure = verify(w.number, "--head", kept_head)

    assert failure is None, output
