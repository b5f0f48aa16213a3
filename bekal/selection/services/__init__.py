"""Writes of the selection app: eligibility of a wave, and the selection run's transitions.

draft --commit_seed--> seed_committed --run_selection--> run --review_run--> reviewed
--publish_run--> published; seed_committed, run or reviewed --cancel_run--> cancelled.
Each transition locks the run, checks its source state and writes its audit event in the
same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Q
from django.utils import timezone

from bekal.accounts.models import User
from bekal.core import crypto
from bekal.core.audit import record_event
from bekal.core.errors import DomainError
from bekal.programmes.models import Wave
from bekal.programmes.services import carry_over
from bekal.programmes.services import open_wave as programmes_open_wave
from bekal.selection import facts, lottery, proof_log, publication
from bekal.selection.eligibility import closing_date, decisions_sql, rules_of
from bekal.selection.errors import (
    EarlierRunUnpublishedError,
    EligibilityFrozenError,
    RunExistsError,
    RunStateError,
    SeedCommitmentBrokenError,
    SeedTooLateError,
    WaveStillOpenError,
)
from bekal.selection.models import ProofLogEntry, RevokedRecipient, SelectionRun
from bekal.selection.services.cancellation import CANCELLABLE as CANCELLABLE
from bekal.selection.services.cancellation import cancel_run as cancel_run

Status = SelectionRun.Status


@dataclass(frozen=True, slots=True)
class EligibilityReport:
    wave_number: int
    rules_version: str
    applicants: int
    eligible: int
    #: How many applicants fail each rule (an applicant may fail several).
    reasons: dict[str, int]


#: For the statements that decide and select a whole wave, for the rest of their
#: transaction: no JIT (compiling the rules' long expressions costs more than running
#: them) and room to hash and sort the wave in memory.
WAVE_STATEMENT_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '256MB'")


def _tune_for_wave(cursor: CursorWrapper) -> None:
    for statement in WAVE_STATEMENT_SETTINGS:
        cursor.execute(statement)


def _evaluate(wave: Wave) -> EligibilityReport:
    """Bring the wave's decisions in line with the eligibility statement's rows.

    A decision row is kept per application and rewritten in place (MERGE) only when it
    changed: its reasons, its inputs, or the scheme or rules it was taken under. The run
    after the office's evaluation therefore writes only what changed since (usually
    nothing), instead of every applicant's row again; an unchanged decision keeps the time
    it was first taken. Decisions of applications no longer in the wave are deleted.
    """
    rules = rules_of(wave)
    select, params = decisions_sql(wave, rules)
    scheme = wave.scheme
    now = timezone.now()
    columns: list[Any] = [scheme.pk, scheme.version, rules.version, now]
    with connection.cursor() as cursor:
        _tune_for_wave(cursor)
        cursor.execute(
            f"""
            MERGE INTO selection_eligibilitydecision o
            USING ({select}) d ON o.wave_id = %s AND o.application_id = d.application_id
            WHEN MATCHED AND (o.user_id, o.scheme_id, o.scheme_version, o.rules_version,
                              o.reasons::text[], o.inputs)
                IS DISTINCT FROM (d.user_id, %s, %s, %s, d.reasons, d.inputs) THEN UPDATE SET
                user_id = d.user_id, scheme_id = %s, scheme_version = %s,
                rules_version = %s, eligible = cardinality(d.reasons) = 0,
                reasons = d.reasons, inputs = d.inputs, decided_at = %s
            WHEN NOT MATCHED THEN INSERT
                (wave_id, application_id, user_id, scheme_id, scheme_version, rules_version,
                 eligible, reasons, inputs, decided_at)
            VALUES (%s, d.application_id, d.user_id, %s, %s, %s, cardinality(d.reasons) = 0,
                    d.reasons, d.inputs, %s)
            """,  # noqa: S608 (the rules' SQL is code)
            [*params, wave.pk, *columns[:3], *columns, wave.pk, *columns],
        )
        cursor.execute(
            """
            DELETE FROM selection_eligibilitydecision o WHERE o.wave_id = %s AND NOT EXISTS (
                SELECT 1 FROM programmes_waveapplication a
                WHERE a.id = o.application_id AND a.wave_id = %s)
            """,
            [wave.pk, wave.pk],
        )
        cursor.execute(
            """
            WITH decided AS MATERIALIZED (
                SELECT eligible, reasons FROM selection_eligibilitydecision WHERE wave_id = %s
            ),
            failing AS (
                SELECT reason, count(*) AS n FROM decided, unnest(reasons) reason
                GROUP BY reason
            )
            SELECT t.applicants, t.eligible, f.reason, f.n
            FROM (SELECT count(*) AS applicants, count(*) FILTER (WHERE eligible) AS eligible
                  FROM decided) t
            LEFT JOIN failing f ON true
            """,
            [wave.pk],
        )
        rows = cursor.fetchall()
    reasons = {reason: n for *_, reason, n in rows if reason is not None}
    return EligibilityReport(
        wave_number=wave.number,
        rules_version=rules.version,
        applicants=rows[0][0],
        eligible=rows[0][1],
        reasons={code: reasons[code] for code in rules.codes if code in reasons},
    )


@transaction.atomic
def evaluate_eligibility(*, wave: Wave, actor: User | None = None) -> EligibilityReport:
    """Decide every applicant of the wave in one statement, replacing earlier decisions.

    Refused once the wave's selection has run: its decisions are part of the record.
    """
    wave = Wave.objects.select_for_update().select_related("scheme").get(pk=wave.pk)
    run = SelectionRun.objects.filter(wave=wave).first()
    if run is not None and run.status not in (Status.DRAFT, Status.SEED_COMMITTED):
        raise EligibilityFrozenError()
    report = _evaluate(wave)
    record_event(
        action="selection.eligibility_evaluated",
        actor=actor,
        target=wave,
        rules_version=report.rules_version,
        applicants=report.applicants,
        eligible=report.eligible,
        reasons=report.reasons,
    )
    return report


def _locked(run: SelectionRun, *, source: str, action: str) -> SelectionRun:
    run = SelectionRun.objects.select_for_update().select_related("wave__scheme").get(pk=run.pk)
    if run.status != source:
        raise RunStateError(status=run.get_status_display(), action=action)
    return run


@transaction.atomic
def create_run(*, wave: Wave, actor: User | None) -> SelectionRun:
    """A draft selection run for the wave (one per wave)."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if SelectionRun.objects.filter(wave=wave).exists():
        raise RunExistsError()
    run = SelectionRun.objects.create(wave=wave)
    record_event(action="selection.run_created", actor=actor, target=run, wave=wave.number)
    return run


@transaction.atomic
def commit_seed(*, run: SelectionRun, actor: User | None) -> SelectionRun:
    """Draw a secret 32-byte seed, keep it encrypted and publish its SHA-256.

    Only before the wave closes, so nobody can choose a seed knowing who applied.
    """
    run = _locked(run, source=Status.DRAFT, action="committed")
    wave = Wave.objects.select_for_update().get(pk=run.wave_id)
    if wave.status == Wave.Status.CLOSED or wave.closes_at <= timezone.now():
        raise SeedTooLateError()
    seed = secrets.token_bytes(32)
    run.seed_encrypted = crypto.encrypt(seed.hex())
    run.seed_hash = hashlib.sha256(seed).hexdigest()
    run.seed_committed_at = timezone.now()
    run.status = Status.SEED_COMMITTED
    run.save(
        update_fields=["seed_encrypted", "seed_hash", "seed_committed_at", "status", "updated_at"]
    )
    entry = proof_log.append_entry(
        kind=ProofLogEntry.Kind.SEED_COMMITTED,
        wave=wave.number,
        payload={
            "seed_hash": run.seed_hash,
            "wave_closes_at": proof_log.format_time(wave.closes_at),
        },
    )
    record_event(
        action="selection.seed_committed",
        actor=actor,
        target=run,
        wave=wave.number,
        seed_hash=run.seed_hash,
        log_entry=entry.entry_hash,
    )
    return run


#: The state a run is in when each step may be asked for.
STEP_SOURCES = {
    SelectionRun.Step.RUN: Status.SEED_COMMITTED,
    SelectionRun.Step.PUBLISH: Status.REVIEWED,
}


@transaction.atomic
def mark_step_requested(
    *, run: SelectionRun, step: str, actor: User | None
) -> tuple[SelectionRun, bool]:
    """Record that the office asked for `step` (run or publish), for a background job to
    do. Returns the run and whether this call asked (False: it is asked already)."""
    run = _locked(run, source=STEP_SOURCES[SelectionRun.Step(step)], action=step)
    if run.working_on == step:
        return run, False
    run.requested_step = step
    run.step_requested_at = timezone.now()
    run.step_requested_by = actor
    run.step_failure = ""
    run.save(
        update_fields=[
            "requested_step",
            "step_requested_at",
            "step_requested_by",
            "step_failure",
            "updated_at",
        ]
    )
    record_event(action=f"selection.{step}_requested", actor=actor, target=run)
    return run, True


def do_requested_step(
    *, run_id: int, step: str, work: Callable[[SelectionRun], SelectionRun]
) -> SelectionRun | None:
    """A background job's work: do the requested `step` once, with `work(run)`. A refusal
    (a broken seed commitment, ...) is kept on the run for the office to read and the
    request cleared, so it can be asked again. None when there is nothing to do."""
    run = SelectionRun.objects.filter(pk=run_id).first()
    if run is None or run.working_on != step:
        return None
    try:
        return work(run)
    except DomainError as refusal:
        SelectionRun.objects.filter(
            pk=run_id, requested_step=step, status=STEP_SOURCES[SelectionRun.Step(step)]
        ).update(requested_step="", step_failure=str(refusal)[:300], updated_at=timezone.now())
        return None


#: pg_advisory_xact_lock key taken by every run: runs go one at a time, so a run started
#: while another is running waits for it, then sees it (docs/selection.md, "Waves in
#: order"). A publication needs no lock: a run that reads a run as not yet published
#: refuses, which is safe.
RUN_LOCK = 0x42454B414C  # "BEKAL"


def _refuse_out_of_order(wave: Wave) -> None:
    """Refuse to run `wave` while a run the rules cannot see yet could select the same
    people: an earlier wave of the same scheme year whose seed is committed but whose run
    is not published, or any other wave's run that has run and is not published."""
    blocking = (
        SelectionRun.objects.exclude(wave=wave)
        .filter(
            Q(status__in=[Status.RUN, Status.REVIEWED])
            | Q(
                status=Status.SEED_COMMITTED,
                wave__number__lt=wave.number,
                wave__scheme__code=wave.scheme.code,
            )
        )
        .select_related("wave")
        .order_by("wave__number")
        .first()
    )
    if blocking is not None:
        raise EarlierRunUnpublishedError(number=blocking.wave.number)


@transaction.atomic
def request_run(*, run: SelectionRun, actor: User | None) -> SelectionRun:
    """The office asks for the run after the wave closed; the job
    bekal.selection.tasks.run_requested_selection does it. Asking again while it is
    queued changes nothing."""
    wave = Wave.objects.select_related("scheme").get(pk=run.wave_id)
    if wave.status != Wave.Status.CLOSED:
        raise WaveStillOpenError()
    _refuse_out_of_order(wave)
    run, asked = mark_step_requested(run=run, step=SelectionRun.Step.RUN, actor=actor)
    if asked:
        from bekal.selection.tasks import run_requested_selection

        run_requested_selection.defer(run_id=run.pk)
    return run


def run_requested(*, run_id: int) -> SelectionRun | None:
    """The job's work: run a requested selection once (see do_requested_step)."""
    return do_requested_step(
        run_id=run_id,
        step=SelectionRun.Step.RUN,
        work=lambda run: run_selection(run=run, actor=run.step_requested_by),
    )


@transaction.atomic
def run_selection(*, run: SelectionRun, actor: User | None) -> SelectionRun:
    """Reveal the seed, decide eligibility, and select within the quotas: after closing,
    and only once every run the rules must count is published (_refuse_out_of_order)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_LOCK])
    run = _locked(run, source=Status.SEED_COMMITTED, action="run")
    wave = Wave.objects.select_for_update().select_related("scheme").get(pk=run.wave_id)
    if wave.status != Wave.Status.CLOSED:
        raise WaveStillOpenError()
    _refuse_out_of_order(wave)
    seed = bytes.fromhex(crypto.decrypt(run.seed_encrypted))
    if hashlib.sha256(seed).hexdigest() != run.seed_hash:
        raise SeedCommitmentBrokenError()
    report = _evaluate(wave)
    lottery.select_applicants(run=run, wave=wave, seed=seed, day=closing_date(wave))
    run.seed = seed.hex()
    run.rules_version = report.rules_version
    run.counts = lottery.count_by_region(run=run)
    run.ran_at = timezone.now()
    run.status = Status.RUN
    run.save(update_fields=["seed", "rules_version", "counts", "ran_at", "status", "updated_at"])
    record_event(
        action="selection.run",
        actor=actor,
        target=run,
        wave=wave.number,
        rules_version=report.rules_version,
        eligibility=report.reasons,
        national=run.counts["national"],
    )
    return run


@transaction.atomic
def review_run(*, run: SelectionRun, actor: User, note: str = "") -> SelectionRun:
    """A member of the programme office confirms the counts per region."""
    run = _locked(run, source=Status.RUN, action="reviewed")
    run.reviewed_by, run.reviewed_at = actor, timezone.now()
    run.review_note = note.strip()[:500]
    run.status = Status.REVIEWED
    run.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "status", "updated_at"])
    record_event(
        action="selection.reviewed",
        actor=actor,
        target=run,
        wave=run.wave.number,
        regencies=run.counts.get("regencies", {}),
        national=run.counts.get("national", {}),
        note=run.review_note,
    )
    return run


@transaction.atomic
def publish_run(*, run: SelectionRun, actor: User) -> SelectionRun:
    """Publish the seed, the counts, and the proof: the canonical inputs and the selected
    list written to file storage with their digests, and an entry in the proof log that
    commits to them (and to the wave's eligibility decisions). At national scale this
    takes minutes: the office asks for it and a background job does it
    (bekal.cards.services.request_publish)."""
    run = _locked(run, source=Status.REVIEWED, action="published")
    # The applications learn their result only now: nobody (and no query) sees a result
    # before it is published.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programmes_waveapplication a SET selected = o.selected"
            " FROM selection_selectionoutcome o"
            " WHERE o.application_id = a.id AND o.run_id = %s",
            [run.pk],
        )
    inputs, applicants, eligible = publication.write_inputs(run)
    selected, selected_count = publication.write_selected(run)
    run.inputs_file, run.inputs_digest = inputs.name, inputs.digest
    run.selected_file, run.selected_digest = selected.name, selected.digest
    run.published_at = timezone.now()
    run.status = Status.PUBLISHED
    run.save(
        update_fields=[
            "inputs_file",
            "inputs_digest",
            "selected_file",
            "selected_digest",
            "published_at",
            "status",
            "updated_at",
        ]
    )
    # The selected are recipients from now on: their families' facts follow.
    facts.refresh_after_publication(run_id=run.pk)
    entry = proof_log.append_entry(
        kind=ProofLogEntry.Kind.RUN_PUBLISHED,
        wave=run.wave.number,
        payload={
            "seed": run.seed,
            "seed_hash": run.seed_hash,
            "inputs_digest": run.inputs_digest,
            "selected_digest": run.selected_digest,
            "decisions_digest": publication.decisions_digest(run.wave),
            "rules_version": run.rules_version,
            "applicants": applicants,
            "eligible": eligible,
            "selected": selected_count,
        },
    )
    record_event(
        action="selection.published",
        actor=actor,
        target=run,
        wave=run.wave.number,
        seed=run.seed,
        seed_hash=run.seed_hash,
        inputs_digest=run.inputs_digest,
        counts=run.counts,
        log_entry=entry.entry_hash,
    )
    return run


@transaction.atomic
def record_revoked_recipient(
    *, user: User, reason: str, wave: Wave | None = None, actor: User | None = None
) -> RevokedRecipient:
    """The card code calls this when it revokes a card: the person is never selected
    again (rule `revoked_card`). Idempotent: a second call keeps the first row."""
    revoked, created = RevokedRecipient.objects.get_or_create(
        user=user, defaults={"revoked_at": timezone.now(), "reason": reason[:64], "wave": wave}
    )
    if created:
        facts.refresh_users([user.pk])
        record_event(
            action="selection.recipient_revoked",
            actor=actor,
            subject_user=user,
            target=revoked,
            reason=reason,
        )
    return revoked


@transaction.atomic
def open_wave_with_carry_over(*, wave: Wave, actor: User | None, waves_link: str | None) -> int:
    """Open a draft wave and carry into it the not selected of the latest published wave,
    in one transaction: the people told that the wave is open (see
    bekal.programmes.services.open_wave) are those still not in a wave after the carry
    over. Returns how many were carried over."""
    opened = programmes_open_wave(wave=wave, actor=actor, waves_link=waves_link)
    return carry_over_unselected(to_wave=opened, actor=actor)


@transaction.atomic
def carry_over_unselected(*, to_wave: Wave, actor: User | None = None) -> int:
    """Carry the not selected of the latest published wave before `to_wave` into it.

    Called when a wave opens, and when results are published while a later wave is
    already open; idempotent (whoever is in `to_wave` already is skipped). Only the
    latest published wave counts: someone not selected in wave 1 but selected in wave 2
    is not carried into wave 3.
    """
    previous = (
        Wave.objects.filter(
            number__lt=to_wave.number,
            status=Wave.Status.CLOSED,
            selection_run__status=Status.PUBLISHED,
        )
        .order_by("-number")
        .first()
    )
    if previous is None or to_wave.status == Wave.Status.CLOSED:
        return 0
    return carry_over(from_wave=previous, to_wave=to_wave, actor=actor)
