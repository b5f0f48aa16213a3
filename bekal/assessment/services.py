"""Writes of the test: start an attempt, answer, submit, and finish the expired ones.

Time is the server's: `started_at` and `deadline` are stored when the attempt starts and
never moved, so a reload or a second tab shows the same attempt with less time. Every
service takes `now` (default: timezone.now()) so tests can move the clock.

Answers are kept on their AttemptQuestion row (chosen option and `answered_at`): that row
is the record, there is no audit row per click. Starting and finishing write audit rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bekal.accounts.models import User
from bekal.assessment.errors import (
    AlreadyPassedError,
    AttemptClosedError,
    DeadlinePassedError,
    OptionNotInQuestionError,
    QuestionBankTooSmallError,
    QuestionNotInAttemptError,
    RetakeTooSoonError,
)
from bekal.assessment.models import Attempt, AttemptQuestion, Category, Option, Question
from bekal.assessment.rules import RETAKE_COOL_DOWN, THIRDS_PER_QUESTION, category_split
from bekal.core import fact_keepers
from bekal.core.audit import record_event
from bekal.core.models import AuditEvent

#: Draws are unpredictable: nobody can work out which questions come next.
_random = random.SystemRandom()


def start_attempt(
    *,
    user: User,
    question_count: int = 18,
    duration_minutes: int = 15,
    pass_mark: int = 60,
    now: dt.datetime | None = None,
) -> Attempt:
    """The person's open attempt, or a new one drawn from the bank.

    An open attempt is returned as it is (a second tab, a double click). One whose deadline
    has passed is scored first. Then: a passed test is never retaken (AlreadyPassedError);
    a failed one may be retaken RETAKE_COOL_DOWN after it finished (RetakeTooSoonError).
    `question_count`, `duration_minutes` and `pass_mark` come from the programme's scheme
    and are stored on the attempt.
    """
    now = now or timezone.now()
    # Scored in a transaction of its own: it stands even if the start is then refused.
    finish_expired_attempts(now=now, user=user)
    return _start(
        user=user,
        question_count=question_count,
        duration_minutes=duration_minutes,
        pass_mark=pass_mark,
        now=now,
    )


@transaction.atomic
def _start(
    *, user: User, question_count: int, duration_minutes: int, pass_mark: int, now: dt.datetime
) -> Attempt:
    # One start at a time per person: a second request waits here, then finds the first
    # request's attempt. The partial unique index is the guarantee behind it.
    User.objects.select_for_update().filter(pk=user.pk).first()
    open_attempt = Attempt.objects.filter(user=user, status=Attempt.Status.OPEN).first()
    if open_attempt is not None and now >= open_attempt.deadline:
        _finish(Attempt.objects.select_for_update().filter(pk=open_attempt.pk))
        open_attempt = None
    if open_attempt is not None:
        return open_attempt
    latest = Attempt.objects.filter(user=user).order_by("-started_at", "-id").first()
    if latest is not None and latest.passed:
        raise AlreadyPassedError()
    if latest is not None and latest.finished_at is not None:
        retake_at = latest.finished_at + RETAKE_COOL_DOWN
        if now < retake_at:
            raise RetakeTooSoonError(retake_at=retake_at)

    drawn = _draw(user=user, question_count=question_count)
    attempt = Attempt.objects.create(
        user=user,
        started_at=now,
        deadline=now + dt.timedelta(minutes=duration_minutes),
        duration_minutes=duration_minutes,
        pass_mark=pass_mark,
        question_count=question_count,
    )
    options = _options_by_question(drawn)
    rows = []
    for position, question_id in enumerate(drawn, start=1):
        order = list(options[question_id])
        _random.shuffle(order)
        rows.append(
            AttemptQuestion(
                attempt=attempt, position=position, question_id=question_id, option_order=order
            )
        )
    AttemptQuestion.objects.bulk_create(rows)
    record_event(
        action="assessment.attempt_started",
        actor=user,
        target=attempt,
        question_count=question_count,
        duration_minutes=duration_minutes,
        pass_mark=pass_mark,
    )
    return attempt


def _draw(*, user: User, question_count: int) -> list[int]:
    """Question ids for a new attempt, by category, in a random order; none twice.

    Within a category, questions the person has not seen in earlier attempts come first.
    """
    seen = set(
        AttemptQuestion.objects.filter(attempt__user=user).values_list("question_id", flat=True)
    )
    drawn: list[int] = []
    for category, wanted in category_split(question_count).items():
        ids = list(
            Question.objects.filter(category=category, active=True).values_list("pk", flat=True)
        )
        if len(ids) < wanted:
            raise QuestionBankTooSmallError()
        _random.shuffle(ids)
        ids.sort(key=lambda pk: pk in seen)  # stable: unseen first, each group shuffled
        drawn.extend(ids[:wanted])
    _random.shuffle(drawn)
    return drawn


def _options_by_question(question_ids: Iterable[int]) -> dict[int, list[int]]:
    options: dict[int, list[int]] = {}
    for question_id, option_id in Option.objects.filter(question_id__in=question_ids).values_list(
        "question_id", "pk"
    ):
        options.setdefault(question_id, []).append(option_id)
    return options


@transaction.atomic
def answer_question(
    *, attempt: Attempt, position: int, option_id: int, now: dt.datetime | None = None
) -> AttemptQuestion:
    """Record (or change) the answer at `position`; refused once submitted or past the deadline."""
    now = now or timezone.now()
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not locked.is_open:
        raise AttemptClosedError()
    if now >= locked.deadline:
        raise DeadlinePassedError()
    item = AttemptQuestion.objects.filter(attempt=locked, position=position).first()
    if item is None:
        raise QuestionNotInAttemptError()
    if option_id not in item.option_order:
        raise OptionNotInQuestionError(field="option")
    item.chosen_option_id = option_id
    item.answered_at = now
    item.save(update_fields=["chosen_option", "answered_at"])
    return item


@transaction.atomic
def submit_attempt(*, attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """Score the attempt on its answers: `score` (percent) and `passed` (score >= pass mark).

    Submitted after its deadline, it counts as expired (the time ran out), scored the same
    way on what was answered in time. Refused (AttemptClosedError) once finished.
    """
    now = now or timezone.now()
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not locked.is_open:
        raise AttemptClosedError()
    if now >= locked.deadline:
        _finish(Attempt.objects.filter(pk=locked.pk))
    else:
        _finish(Attempt.objects.filter(pk=locked.pk), submitted_at=now)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def finish_expired_attempts(*, now: dt.datetime | None = None, user: User | None = None) -> int:
    """Score every open attempt whose deadline has passed (only `user`'s, when given).

    Set-based; the periodic job runs it every minute, and the test page runs it for the
    person who opens it. Attempts being answered or submitted right now are skipped and
    taken by the next run. Returns how many were finished.
    """
    now = now or timezone.now()
    expired = Attempt.objects.filter(status=Attempt.Status.OPEN, deadline__lte=now)
    if user is not None:
        expired = expired.filter(user=user)
    return _finish(expired.select_for_update(skip_locked=True))


def _finish(attempts: QuerySet[Attempt], *, submitted_at: dt.datetime | None = None) -> int:
    """Score `attempts` (open ones) in three statements, and record an audit row for each.

    Without `submitted_at` they are expired: finished at their deadline.
    """
    ids = list(attempts.filter(status=Attempt.Status.OPEN).values_list("pk", flat=True))
    if not ids:
        return 0
    chosen = Option.objects.filter(pk=OuterRef("chosen_option_id")).annotate(
        thirds=Case(
            When(question__category=Category.MOTIVATION, then=F("score")),
            When(is_correct=True, then=Value(THIRDS_PER_QUESTION)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    AttemptQuestion.objects.filter(attempt_id__in=ids).update(
        credit=Coalesce(Subquery(chosen.values("thirds")[:1]), Value(0))
    )
    thirds = (
        AttemptQuestion.objects.filter(attempt_id=OuterRef("pk"))
        .values("attempt_id")
        .annotate(total=Sum("credit"))
        .values("total")
    )
    finished = Attempt.objects.filter(pk__in=ids)
    finished.update(
        status=Attempt.Status.SUBMITTED if submitted_at else Attempt.Status.EXPIRED,
        finished_at=Value(submitted_at) if submitted_at else F("deadline"),
        # Whole percent rounded down (rules.score_percent): integer division in PostgreSQL.
        score=ExpressionWrapper(
            Coalesce(Subquery(thirds), Value(0))
            * Value(100)
            / (F("question_count") * Value(THIRDS_PER_QUESTION)),
            output_field=IntegerField(),
        ),
    )
    finished.update(
        passed=ExpressionWrapper(Q(score__gte=F("pass_mark")), output_field=BooleanField())
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="assessment.attempt_submitted" if submitted_at else "assessment.attempt_expired",
            actor_id=user_id if submitted_at else None,
            subject_user_id=user_id,
            object_type=Attempt._meta.label_lower,
            object_id=str(pk),
            details={"score": score, "passed": passed, "pass_mark": pass_mark},
        )
        for pk, user_id, score, passed, pass_mark in finished.values_list(
            "pk", "user_id", "score", "passed", "pass_mark"
        )
    )
    fact_keepers.registrants_changed(
        user_ids=list(finished.values_list("user_id", flat=True).distinct())
    )
    return len(ids)
