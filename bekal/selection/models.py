"""Eligibility decisions, selection runs and their outcomes, revoked recipients.

A run is a state machine (draft -> seed_committed -> run -> reviewed -> published), one
service per transition in bekal.selection.services. Only a PUBLISHED run's outcomes count
anywhere else (kk_limit, earlier recipients, cards): read them through
bekal.selection.selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bekal.core.models import TimestampedModel


class EligibilityDecision(models.Model):
    """Why an applicant of a wave is eligible or not, under which rules, on which facts.

    Written for a whole wave at once by services.evaluate_eligibility; re-running replaces
    the wave's decisions.
    """

    wave = models.ForeignKey("programmes.Wave", on_delete=models.CASCADE, related_name="+")
    application = models.OneToOneField(
        "programmes.WaveApplication", on_delete=models.CASCADE, related_name="eligibility"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey("programmes.Scheme", on_delete=models.PROTECT, related_name="+")
    scheme_version = models.PositiveIntegerField()
    #: bekal.programmes.rules: the version of the rules' code ("2023.2").
    rules_version = models.CharField(max_length=16)
    eligible = models.BooleanField()
    #: The codes of the rules the applicant fails, in the rules' order; empty if eligible.
    reasons = ArrayField(models.CharField(max_length=48), default=list, blank=True)
    #: The facts the rules read (age on the closing date, lists matched, ...).
    inputs = models.JSONField(default=dict)
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("eligibility decision")
        indexes = [models.Index(fields=["wave", "eligible"], name="selection_decision_wave")]

    def __str__(self) -> str:
        return f"{self.application_id}: {'eligible' if self.eligible else self.reasons}"


class SelectionRun(TimestampedModel):
    class Step(models.TextChoices):
        RUN = "run", _("Running the selection")
        PUBLISH = "publish", _("Publishing the results")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SEED_COMMITTED = "seed_committed", _("Seed committed")
        RUN = "run", _("Run")
        REVIEWED = "reviewed", _("Reviewed")
        PUBLISHED = "published", _("Published")
        #: Abandoned before publication (services.cancel_run): counts nowhere, blocks no
        #: later wave, and the wave gets no other run.
        CANCELLED = "cancelled", _("Cancelled")

    wave = models.OneToOneField(
        "programmes.Wave", on_delete=models.PROTECT, related_name="selection_run"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    #: The 32-byte secret seed (hex), encrypted until the run reveals it.
    seed_encrypted = models.TextField(blank=True)
    #: SHA-256 of the seed's 32 bytes, hex: public from the commitment on.
    seed_hash = models.CharField(max_length=64, blank=True)
    seed_committed_at = models.DateTimeField(null=True, blank=True)
    #: The seed (hex), revealed by the run; public once published.
    seed = models.CharField(max_length=64, blank=True)
    #: The step the office asked for, which a background job does (the run: eligibility
    #: and the lottery, bekal.selection.tasks; the publication and its announcement,
    #: bekal.cards.tasks): at national scale they take minutes, more than a request may.
    requested_step = models.CharField(max_length=16, choices=Step.choices, blank=True)
    step_requested_at = models.DateTimeField(null=True, blank=True)
    step_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: Why the last requested step was refused (the run stays where it was).
    step_failure = models.CharField(max_length=300, blank=True)
    ran_at = models.DateTimeField(null=True, blank=True)
    rules_version = models.CharField(max_length=16, blank=True)
    #: {"regencies": {code: {...}}, "provinces": {...}, "national": {...}}
    counts = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    #: The canonical inputs (bekal.selection.canonical), exactly the bytes the digest
    #: covers: the name of the file in the "selection_proofs" storage, written by the
    #: publication job (the document is tens of megabytes at national scale).
    inputs_file = models.CharField(max_length=255, blank=True)
    #: SHA-256 (hex) of the inputs file's bytes.
    inputs_digest = models.CharField(max_length=64, blank=True)
    #: The selected pseudonyms in lottery order, one a line: the published list.
    selected_file = models.CharField(max_length=255, blank=True)
    #: SHA-256 (hex) of the selected file's bytes.
    selected_digest = models.CharField(max_length=64, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: Why the office abandoned the run (shown to staff; the proof log states only that
    #: and when it was cancelled, and from which step).
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("selection run")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.wave_id} ({self.status})"

    @property
    def working_on(self) -> str:
        """The step a background job is doing (queued or working), "" when none."""
        source: dict[str, str] = {
            self.Step.RUN: self.Status.SEED_COMMITTED,
            self.Step.PUBLISH: self.Status.REVIEWED,
        }
        if self.requested_step and self.status == source.get(self.requested_step):
            return self.requested_step
        return ""


class SelectionOutcome(models.Model):
    """One applicant of a run: the inputs the lottery used and its result."""

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="outcomes")
    application = models.OneToOneField(
        "programmes.WaveApplication", on_delete=models.PROTECT, related_name="selection_outcome"
    )
    #: Public, NIK-free name of the applicant in the published inputs: the application id.
    pseudonym = models.CharField(max_length=32)
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    eligible = models.BooleanField()
    #: The best (lowest) priority tier rank the applicant qualifies for; None: no tier.
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    #: Per-wave pseudonym of the family card (no KK in it), and how many more of the
    #: family may still be selected (the scheme's KK limit minus earlier recipients).
    household = models.CharField(max_length=16, blank=True)
    household_places = models.SmallIntegerField(default=0)
    #: Position in the lottery order among the eligible (1 first); None if not eligible.
    lottery_rank = models.PositiveIntegerField(null=True, blank=True)
    selected = models.BooleanField()

    class Meta:
        verbose_name = _("selection outcome")
        constraints = [
            models.UniqueConstraint(fields=["run", "pseudonym"], name="selection_pseudonym_once")
        ]
        indexes = [
            models.Index(
                fields=["run", "lottery_rank"],
                condition=Q(selected=True),
                name="selection_outcome_selected",
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.pseudonym} {'selected' if self.selected else '-'}"


class RevokedRecipient(models.Model):
    """A person whose card was revoked: never selected again (rule `revoked_card`).

    The card code writes this row through services.record_revoked_recipient when it
    revokes a card; nothing else does.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField()
    reason = models.CharField(max_length=64)
    #: The wave whose selection gave the revoked card, if known.
    wave = models.ForeignKey(
        "programmes.Wave", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("revoked recipient")

    def __str__(self) -> str:
        return f"{self.user_id} ({self.reason})"


class RegistrantFacts(models.Model):
    """The eligibility facts of one registrant (one row per profile), kept narrow so that a
    preview of a draft rule over every registrant is one scan of this table alone, and a
    wave's eligibility one scan of its applications joined to their rows.

    Derived data: bekal.selection.facts writes it, in the transaction of every change it
    derives from (a profile, an identity check's answer, a passed test, an imported
    exclusion list, a published run, a revoked card), and recounts it to find drift.
    Nothing else writes it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    #: The profile's domicile regency/city (code): previews count by region on it.
    regency_id = models.CharField(max_length=8)
    birth_date = models.DateField()
    identity_status = models.CharField(max_length=16)
    #: The registry's answer: "WNI", "WNA", "" before one.
    citizenship = models.CharField(max_length=3, blank=True)
    test_passed = models.BooleanField()
    in_school = models.BooleanField()
    in_excluded_occupation = models.BooleanField()
    #: Bit (1 << n) for the n-th ExclusionList.Kind whose list holds the NIK with no dates
    #: (an entry valid on every day).
    listed = models.IntegerField(default=0)
    #: The NIK's entries with dates (the day decides), as three aligned arrays: the kind's
    #: bit, valid_from and valid_to (NULL: open); all NULL when it has none.
    dated_bits = ArrayField(models.IntegerField(), null=True, blank=True)
    dated_from = ArrayField(models.DateField(null=True), null=True, blank=True)
    dated_to = ArrayField(models.DateField(null=True), null=True, blank=True)
    #: The waves whose published run selected this person (ids, ascending).
    recipient_waves = ArrayField(models.IntegerField(), default=list, blank=True)
    #: How many people of this person's KK were selected in published runs (them included).
    family_recipients = models.IntegerField(default=0)
    revoked = models.BooleanField(default=False)
    #: The schemes (codes) of which an incentive instalment was paid to this person.
    paid_schemes = ArrayField(models.CharField(max_length=16), default=list, blank=True)

    class Meta:
        verbose_name = _("registrant's eligibility facts")

    def __str__(self) -> str:
        return f"facts of {self.user_id}"


class ProofLogEntry(models.Model):
    """One entry of the selection's public, append-only, hash-chained log.

    Each entry names the previous entry's hash and its own hash is SHA-256 of its
    canonical encoding (bekal.selection.canonical.entry_body), so rewriting an entry
    breaks every later link, and the latest hash (the head), once printed, mailed or
    posted elsewhere, pins the whole log. PostgreSQL refuses UPDATE and DELETE on this
    table (migration 0003). Written only by bekal.selection.proof_log.append_entry, in
    the transaction of commit_seed, publish_run and cancel_run.
    """

    class Kind(models.TextChoices):
        SEED_COMMITTED = "seed_committed", _("Lottery seed committed")
        RUN_PUBLISHED = "run_published", _("Selection published")
        RUN_CANCELLED = "run_cancelled", _("Selection cancelled before publication")

    #: 1 for the first entry, then one more each time.
    position = models.PositiveBigIntegerField(unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    #: The wave's number (not a foreign key: the log outlives and never follows any row).
    wave = models.PositiveIntegerField()
    #: What the entry commits to: the seed hash, or the published digests and counts.
    payload = models.JSONField()
    recorded_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("proof log entry")
        ordering = ["position"]
        indexes = [models.Index(fields=["wave", "kind"], name="selection_prooflog_wave")]

    def __str__(self) -> str:
        return f"{self.position} {self.kind} wave {self.wave}: {self.entry_hash}"
