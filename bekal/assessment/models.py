"""The test: a question bank (data the programme office edits), timed attempts, answers.

A question is never edited once someone has answered it: the office retires it (`active`
off) and adds a new version. An attempt keeps the questions it drew, in its own order,
with its own order of options, and each answer's credit is stored when the attempt is
scored, so nothing done to the bank later changes a past attempt or its result.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bekal.core.models import TimestampedModel


class Category(models.TextChoices):
    READING = "reading", _("Reading")
    NUMERACY = "numeracy", _("Numeracy")
    REASONING = "reasoning", _("Reasoning")
    MOTIVATION = "motivation", _("Motivation")


class Question(TimestampedModel):
    #: Stable name of the question in the bank ("membaca-01"); a new version gets a new code.
    code = models.SlugField(max_length=40, unique=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    #: The text to read first (reading questions: a job advert, a notice); may be empty.
    passage = models.TextField(blank=True)
    text = models.TextField()
    #: Only active questions are drawn; retiring one leaves past attempts as they were.
    active = models.BooleanField(default=True)
    version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["category", "code"]
        indexes = [
            models.Index(fields=["category"], condition=Q(active=True), name="question_drawable")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    #: Order in the bank (the attempt shows its own shuffled order).
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    #: Knowledge questions: the one right option.
    is_correct = models.BooleanField(default=False)
    #: Motivation questions: 0 (least fitting) to 3 (most fitting); no single right answer.
    score = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=3), name="option_score_0_to_3"),
        ]

    def __str__(self) -> str:
        return self.text


class Attempt(TimestampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        #: The time ran out before the person submitted: scored on what was answered.
        EXPIRED = "expired", _("Time ran out")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessment_attempts"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField()
    #: Set by the server when the attempt starts; never moved (a reload adds no time).
    deadline = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    #: The scheme's pass mark when the attempt started, in percent.
    pass_mark = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Percent, rounded down (see bekal.assessment.rules.score_percent); None while open.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="open"), name="one_open_attempt_per_user"
            ),
            # A passed test is never retaken: at most one passed attempt a person. Also
            # the index behind has_passed and the eligibility rule "test passed".
            models.UniqueConstraint(
                fields=["user"], condition=Q(passed=True), name="one_passed_attempt_per_user"
            ),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="pass_mark_percent"),
        ]
        indexes = [
            models.Index(
                fields=["deadline"], condition=Q(status="open"), name="attempt_open_deadline"
            ),
            models.Index(fields=["user", "-started_at"], name="attempt_user_latest"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def remaining_seconds(self, now: dt.datetime) -> int:
        """Whole seconds left before the deadline, never negative."""
        return max(0, int((self.deadline - now).total_seconds()))


class AttemptQuestion(models.Model):
    """One question of an attempt, at its position, with its options' order and the answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    #: 1-based position in the attempt (the order drawn for this attempt).
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    #: Option ids in the order this attempt shows them.
    option_order = ArrayField(models.BigIntegerField())
    chosen_option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    #: Thirds of a point, stored when the attempt is scored: 3 for a right answer, 0 for a
    #: wrong or missing one, the option's score (0-3) for a motivation question.
    credit = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_position_unique"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"
