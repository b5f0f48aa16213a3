"""Reads of the test: a person's attempts, the questions of an attempt, whether they passed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from bekal.accounts.models import User
from bekal.assessment.models import Attempt, AttemptQuestion, Option, Question
from bekal.assessment.rules import RETAKE_COOL_DOWN


def get_open_attempt(*, user: User) -> Attempt | None:
    """The person's attempt in progress (its deadline may have passed: see is_open/remaining)."""
    return Attempt.objects.filter(user=user, status=Attempt.Status.OPEN).first()


def get_latest_attempt(*, user: User) -> Attempt | None:
    """The person's most recent attempt, open or finished; None before the first."""
    return Attempt.objects.filter(user=user).order_by("-started_at", "-id").first()


def has_passed(*, user: User) -> bool:
    """Whether the person has passed the test (a passed test stays passed)."""
    return Attempt.objects.filter(user=user, passed=True).exists()


def passed_user_ids() -> QuerySet[Attempt, Any]:
    """The ids of everyone who passed (`user_id` values), for set-based eligibility:
    `Profile.objects.filter(user_id__in=passed_user_ids())`."""
    return Attempt.objects.filter(passed=True).values("user_id")


def get_retake_at(*, attempt: Attempt) -> dt.datetime | None:
    """When a failed attempt may be retaken; None if it is open or passed."""
    if attempt.passed is not False or attempt.finished_at is None:
        return None
    return attempt.finished_at + RETAKE_COOL_DOWN


@dataclass(frozen=True)
class ShownQuestion:
    """One question of an attempt as the person sees it: the options in the attempt's order."""

    position: int
    question: Question
    options: list[Option]
    chosen_option_id: int | None


def list_attempt_items(*, attempt: Attempt) -> list[AttemptQuestion]:
    """The attempt's questions in order, with whether each is answered (no texts)."""
    return list(attempt.questions.order_by("position").only("position", "chosen_option_id"))


def get_attempt_question(*, attempt: Attempt, position: int) -> ShownQuestion | None:
    item = (
        AttemptQuestion.objects.select_related("question")
        .filter(attempt=attempt, position=position)
        .first()
    )
    if item is None:
        return None
    by_id = {option.pk: option for option in Option.objects.filter(pk__in=item.option_order)}
    return ShownQuestion(
        position=item.position,
        question=item.question,
        options=[by_id[pk] for pk in item.option_order if pk in by_id],
        chosen_option_id=item.chosen_option_id,
    )
