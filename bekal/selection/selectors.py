"""Reads of the selection app: one applicant's eligibility, runs, published outcomes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO

from django.db import connection, transaction

from bekal.accounts.models import User
from bekal.programmes.models import Scheme, Wave, WaveApplication
from bekal.programmes.rules import rules_for
from bekal.selection import proof_log, publication
from bekal.selection.eligibility import (
    ApplicantDecision,
    decisions_sql,
    preview_sql,
    published_selections,
    rules_of,
)
from bekal.selection.errors import RunNotPublishedError
from bekal.selection.models import ProofLogEntry, SelectionOutcome, SelectionRun
from bekal.selection.proof_checks import check_published_run
from bekal.selection.verification import Verification


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


@dataclass(frozen=True, slots=True)
class EligibilityPreview:
    rules_version: str
    registrants: int
    eligible: int
    #: regency/city code -> (registrants, eligible)
    regencies: dict[str, tuple[int, int]]


def preview_eligibility(*, scheme: Scheme, closing: dt.date) -> EligibilityPreview:
    """How many registrants a scheme's rules (a saved version, or a draft: an unsaved
    Scheme with changed fields) would admit in a wave closing on `closing`, by
    regency/city: one scan of every registrant's facts (bekal.selection.facts).

    Wave-bound facts are read as for a wave with no applicants of its own: selected in
    any published wave of the same scheme year counts as already selected. Nothing is
    stored."""
    rules = rules_for(scheme)
    sql, params = preview_sql(scheme, closing, rules)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        regencies = {code: (n, eligible) for code, n, eligible in cursor.fetchall()}
    return EligibilityPreview(
        rules_version=rules.version,
        registrants=sum(n for n, _ in regencies.values()),
        eligible=sum(e for _, e in regencies.values()),
        regencies=regencies,
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


def verify_published_run(*, wave: Wave, known_head: str | None = None) -> Verification:
    """Recompute the wave's published selection from its published inputs, and hold the
    proof log, the run, its files, every outcome, decision, application flag and quota
    against the published proof (bekal.selection.proof_checks). `known_head`: a head
    kept outside Bekal, which the stored log must still hold."""
    run = get_run(wave=wave)
    if run is None or run.status != SelectionRun.Status.PUBLISHED:
        raise RunNotPublishedError(number=wave.number)
    return check_published_run(run=run, known_head=known_head)


@dataclass(frozen=True, slots=True)
class WaveProof:
    """What a wave's public page shows of its selection's proof."""

    seed_hash: str
    #: The revealed seed, the digests and the files: once published.
    seed: str
    inputs_digest: str
    selected_digest: str
    inputs_size: int | None
    #: The wave's entries in the proof log (seed committed, run published or cancelled).
    entries: list[ProofLogEntry]
    #: The run was cancelled before publication (services.cancel_run): no results ever.
    cancelled: bool = False


def get_wave_proof(*, wave: Wave) -> WaveProof | None:
    """The proof of the wave's selection so far; None before its seed is committed."""
    run = get_run(wave=wave)
    if run is None or not run.seed_hash:
        return None
    published = run.status == SelectionRun.Status.PUBLISHED
    size = None
    if published and run.inputs_file:
        try:
            size = publication.file_size(run.inputs_file)
        except OSError:
            size = None
    return WaveProof(
        seed_hash=run.seed_hash,
        seed=run.seed if published else "",
        inputs_digest=run.inputs_digest if published else "",
        selected_digest=run.selected_digest if published else "",
        inputs_size=size,
        entries=proof_log.list_wave_entries(wave=wave.number),
        cancelled=run.status == SelectionRun.Status.CANCELLED,
    )


def open_published_file(*, wave: Wave, kind: str) -> tuple[IO[bytes], str] | None:
    """A published file of the wave's selection ("inputs" or "selected") opened for
    reading, with its name in the storage; None before publication."""
    run = get_run(wave=wave)
    if run is None or run.status != SelectionRun.Status.PUBLISHED:
        return None
    name = {"inputs": run.inputs_file, "selected": run.selected_file}[kind]
    if not name:
        return None
    return publication.open_file(name), name


def get_proof_log_head() -> ProofLogEntry | None:
    return proof_log.get_head()


def export_proof_log() -> str:
    return proof_log.export_text()
