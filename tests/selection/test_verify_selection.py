"""`manage.py verify_selection WAVE`: anyone can recompute a published list."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from bekal.programmes.models import WaveTier
from bekal.programmes.services import TierInput
from bekal.selection.models import SelectionOutcome, SelectionRun
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


def verify(number: int) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("verify_selection", str(number), stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_verify_selection_matches_the_published_list():
    w, _run = published_wave()

    output, failure = verify(w.number)

    assert failure is None
    assert output.startswith("MATCH: 30 selected")


def test_verify_selection_fails_when_one_input_row_changed():
    # given a published run whose stored inputs were altered afterwards (one row's tier)
    w, run = published_wave()
    document = json.loads(run.inputs_json)
    document["applicants"][0][2] = 1 if document["applicants"][0][2] is None else None
    SelectionRun.objects.filter(pk=run.pk).update(
        inputs_json=json.dumps(document, sort_keys=True, separators=(",", ":"))
    )

    output, failure = verify(w.number)

    assert failure is not None
    assert output.startswith("MISMATCH: the inputs do not match their published digest")


def test_verify_selection_names_the_first_difference_when_the_list_was_altered():
    # given a published run where one not-selected eligible applicant was made selected
    w, run = published_wave()
    intruder = (
        SelectionOutcome.objects.filter(run=run, eligible=True, selected=False)
        .order_by("lottery_rank")
        .first()
    )
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


def test_verify_selection_refuses_an_unpublished_wave():
    w, _ = wave()

    with pytest.raises(CommandError, match="selection_not_published"):
        call_command("verify_selection", str(w.number), stdout=io.StringIO())
