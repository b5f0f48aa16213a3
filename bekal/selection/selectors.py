"""Reads of the selection app: one applicant's eligibility, runs, published outcomes."""

from __future__ import annotations

from django.db import connection

from bekal.accounts.models import User
from bekal.programmes.models import Wave, WaveApplication
from bekal.selection.eligibility import (
    ApplicantDecision,
    decisions_sql,
    published_selections,
    rules_of,
)
from bekal.selection.errors import RunNotPublishedError
from bekal.selection.models import SelectionOutcome, SelectionRun
from bekal.selection.verification import Verification, verify


def check_applicant(*, wave: Wave, user: User) -> ApplicantDecision | None:
    """Whether `user` would be eligible in `wave` now, and why not: the wave-wide
    eligibility statement narrowed to this applicant (nothing is stored). None if the
    user has not joined the wave."""
    rules = rules_of(wave)
    sql, params = decisions_sql(wave, rules, user_id=user.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    application_id, _user_id, reasons, inputs = row
    if isinstance(inputs, str):  # pragma: no cover - depends on the driver's jsonb loader
        import json

        inputs = json.loads(inputs)
    return ApplicantDecision(
        application_id=application_id,
        eligible=not reasons,
        reasons=list(reasons),
        inputs=inputs,
        scheme_id=wave.scheme_id,
        scheme_version=wave.scheme.version,
        rules_version=rules.version,
    )


def get_run(*, wave: Wave) -> SelectionRun | None:
    return SelectionRun.objects.filter(wave=wave).first()


def get_published_outcome(*, user: User) -> SelectionOutcome | None:
    """The person's selection in a published run (a recipient), or None.

    This is what the card code asks: `outcome.application.wave` is the wave and its
    scheme the card's rules.
    """
    outcome: SelectionOutcome | None = (
        published_selections()
        .filter(application__user=user)
        .select_related("run", "application__wave__scheme")
        .first()
    )
    return outcome


def get_published_result(*, application: WaveApplication) -> bool | None:
    """Whether the application was selected, once its wave's run is published; None
    before (a run's result is not shown to anyone until it is published)."""
    return (
        SelectionOutcome.objects.filter(
            application=application, run__status=SelectionRun.Status.PUBLISHED
        )
        .values_list("selected", flat=True)
        .first()
    )


def verify_published_run(*, wave: Wave) -> Verification:
    """Recompute the wave's published selection from its published inputs and compare."""
    run = get_run(wave=wave)
    if run is None or run.status != SelectionRun.Status.PUBLISHED:
        raise RunNotPublishedError(number=wave.number)
    published = list(
        SelectionOutcome.objects.filter(run=run, selected=True)
        .order_by("lottery_rank", "pseudonym")
        .values_list("pseudonym", flat=True)
    )
    return verify(
        inputs=run.inputs_json,
        published_digest=run.inputs_digest,
        seed_hex=run.seed,
        published=published,
    )
