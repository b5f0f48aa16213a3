"""Schemes (a year's rules, versioned), waves with their quotas and tiers, exclusion lists.

A scheme version is immutable: revising a scheme writes a new row with the next version
number (bekal.programmes.services.revise_scheme), so a wave and every decision taken under
it point at the exact rules they used.

Exclusion lists hold keyed hashes of NIKs (bekal.core.crypto.blind_index, purpose "nik",
the same index as the registration profile's), never a NIK in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bekal.core.models import TimestampedModel

#: The purpose string of the NIK blind index, shared with bekal.registration's Profile.
NIK_INDEX_PURPOSE = "nik"


@dataclass(frozen=True, slots=True)
class IncentiveSchedule:
    """Cash paid after training: a monthly amount for some months, plus survey payments."""

    monthly_amount: int
    months: int
    survey_amount: int
    survey_count: int

    @property
    def total(self) -> int:
        return self.monthly_amount * self.months + self.survey_amount * self.survey_count

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IncentiveSchedule:
        """Read the stored form; ValueError if a figure is missing, not an integer or < 0."""
        try:
            values = {
                "monthly_amount": data["monthly"]["amount"],
                "months": data["monthly"]["months"],
                "survey_amount": data["survey"]["amount"],
                "survey_count": data["survey"]["count"],
            }
        except (KeyError, TypeError) as exc:
            raise ValueError(f"incomplete incentive schedule: {data!r}") from exc
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a whole number of rupiah or months >= 0")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return {
            "monthly": {"amount": self.monthly_amount, "months": self.months},
            "survey": {"amount": self.survey_amount, "count": self.survey_count},
        }


class Scheme(TimestampedModel):
    """One version of a year's rule set. Never updated: a revision is a new row."""

    code = models.CharField(_("scheme"), max_length=16, help_text=_("The year, e.g. 2023."))
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    min_age = models.PositiveSmallIntegerField(_("minimum age"))
    #: None: no upper age limit (2020).
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    #: Rupiah credited to each new card.
    training_balance = models.PositiveBigIntegerField(_("training balance (Rp)"))
    #: IncentiveSchedule.to_json(); read it through `incentives`.
    incentive_schedule = models.JSONField(_("incentive schedule"))
    #: The most one course may cost under this scheme; None: up to the training balance.
    max_course_price = models.PositiveBigIntegerField(
        _("highest course price (Rp)"), null=True, blank=True
    )
    first_purchase_days = models.PositiveSmallIntegerField(
        _("days to buy the first training"),
        help_text=_("A card with no training bought within these days is revoked."),
    )
    excludes_social_assistance_recipients = models.BooleanField(
        _("excludes recipients of other social assistance")
    )
    #: The window in which other social assistance excludes ("during the pandemic"): an
    #: entry of a social-assistance list counts if it was valid on any day from
    #: `social_assistance_from` to `social_assistance_to`, and never after the wave's
    #: closing date. Empty from: the closing date only; empty to: up to the closing date.
    social_assistance_from = models.DateField(
        _("other social assistance counts from"), null=True, blank=True
    )
    social_assistance_to = models.DateField(
        _("other social assistance counts until"), null=True, blank=True
    )
    excludes_earlier_recipients = models.BooleanField(_("excludes earlier recipients"))
    max_recipients_per_kk = models.PositiveSmallIntegerField(
        _("recipients per family card (KK) at most")
    )
    test_pass_mark = models.PositiveSmallIntegerField(_("test pass mark (percent)"))
    test_duration_minutes = models.PositiveSmallIntegerField(_("test duration (minutes)"))
    test_question_count = models.PositiveSmallIntegerField(_("test questions"))
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revised by"),
    )
    revision_note = models.CharField(_("reason for the revision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("scheme")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="programmes_scheme_version"),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="programmes_scheme_age_range",
            ),
            models.CheckConstraint(
                condition=Q(test_pass_mark__lte=100), name="programmes_scheme_pass_mark"
            ),
            models.CheckConstraint(
                condition=Q(social_assistance_from__isnull=True)
                | Q(social_assistance_to__isnull=True)
                | Q(social_assistance_to__gte=models.F("social_assistance_from")),
                name="programmes_scheme_assistance_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}: {self.name}"

    @property
    def incentives(self) -> IncentiveSchedule:
        return IncentiveSchedule.from_json(self.incentive_schedule)


class Wave(TimestampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    #: The exact scheme version whose rules this wave applies.
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="waves")
    number = models.PositiveIntegerField(_("wave number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    announce_at = models.DateTimeField(_("results announced at"))
    national_quota = models.PositiveIntegerField(_("national quota"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("wave")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="programmes_wave_window"
            ),
            models.CheckConstraint(
                condition=Q(announce_at__gte=models.F("closes_at")),
                name="programmes_wave_announce_after_close",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WaveQuota(models.Model):
    """The most places a province, or a regency/city, may get in a wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="quotas")
    province = models.ForeignKey(
        "regions.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("regional quota")
        constraints = [
            models.CheckConstraint(
                condition=(Q(province__isnull=True) ^ Q(regency__isnull=True)),
                name="programmes_quota_one_region",
            ),
            models.UniqueConstraint(
                fields=["wave", "province"], name="programmes_quota_province_once"
            ),
            models.UniqueConstraint(
                fields=["wave", "regency"], name="programmes_quota_regency_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id or self.regency_id}: {self.quota}"


class WaveTier(models.Model):
    """A priority tier: applicants in a lower rank are selected first."""

    class Kind(models.TextChoices):
        REPORTED_LAID_OFF = "reported_laid_off", _("Laid off, reported by the labour ministry")
        NO_OTHER_SOCIAL_ASSISTANCE = (
            "no_other_social_assistance",
            _("Receives no other social assistance"),
        )
        NAMED_DISTRICTS = "named_districts", _("Lives in one of the named districts")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="tiers")
    rank = models.PositiveSmallIntegerField(_("rank"))
    kind = models.CharField(max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    #: NAMED_DISTRICTS: dotted district codes ("32.16.01").
    district_codes = models.JSONField(default=list, blank=True)
    #: REPORTED_LAID_OFF: the labour ministry's list, matched by the NIK's blind index.
    exclusion_list = models.ForeignKey(
        "ExclusionList", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("priority tier")
        ordering = ["wave", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "rank"], name="programmes_tier_rank_once")
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.name}"


class WaveApplication(models.Model):
    """A registrant waiting in a wave: joined, or carried over from an earlier wave."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="applications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wave_applications"
    )
    #: The domicile at joining: regional quotas count on it.
    regency = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField()
    carried_over_from = models.ForeignKey(
        Wave, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Set by the selection run: True selected, False not selected; None until decided.
    #: Whoever is not selected (False or None) is carried over to the next wave.
    selected = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("wave application")
        constraints = [
            models.UniqueConstraint(fields=["wave", "user"], name="programmes_application_once")
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.user_id}"


class ExclusionList(TimestampedModel):
    """An imported list of NIKs (as blind indexes) that a rule excludes or prioritises."""

    class Kind(models.TextChoices):
        CIVIL_SERVANT = "civil_servant", _("Civil servants (ASN)")
        SOLDIER = "soldier", _("Soldiers (TNI)")
        POLICE = "police", _("Police officers (Polri)")
        OFFICIAL = "official", _("State officials and DPRD members")
        VILLAGE_OFFICIAL = "village_official", _("Village heads and village officials")
        SOE_BOARD = "soe_board", _("Directors and board members of BUMN/BUMD")
        SOCIAL_ASSISTANCE = "social_assistance", _("Recipients of other social assistance")
        EARLIER_RECIPIENT = "earlier_recipient", _("Earlier recipients")
        STUDENT = "student", _("Pupils and students")
        REPORTED_LAID_OFF = "reported_laid_off", _("Laid-off workers reported by the ministry")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be imported")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Import failed")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    #: Progress of the current run, committed every few thousand rows.
    rows_processed = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_accepted = models.PositiveIntegerField(null=True, blank=True)
    rows_refused = models.PositiveIntegerField(null=True, blank=True)
    import_runs = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("exclusion list")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.name


class ExclusionUpload(models.Model):
    """The uploaded file, encrypted, kept only until its import has run."""

    exclusion_list = models.OneToOneField(
        ExclusionList, on_delete=models.CASCADE, related_name="upload"
    )
    content_encrypted = models.BinaryField()
    size = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.exclusion_list_id} ({self.size} bytes)"


class ExclusionEntry(models.Model):
    #: No index of its own: the unique constraint (list, nik_index) serves it.
    exclusion_list = models.ForeignKey(
        ExclusionList, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    #: blind_index(nik, purpose="nik").
    nik_index = models.CharField(max_length=64)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exclusion_list", "nik_index"], name="programmes_entry_once"
            )
        ]
        indexes = [models.Index(fields=["nik_index"], name="programmes_entry_nik")]

    def __str__(self) -> str:
        return f"{self.exclusion_list_id}:{self.nik_index[:8]}"


class ExclusionRefusal(models.Model):
    """A row of the file that was not imported, and why (a NikError code or an import code)."""

    exclusion_list = models.ForeignKey(
        ExclusionList, on_delete=models.CASCADE, related_name="refusals", db_index=False
    )
    line_number = models.PositiveIntegerField()
    reason = models.CharField(max_length=40)
    nik_masked = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["exclusion_list", "line_number"]
        indexes = [models.Index(fields=["exclusion_list", "line_number"])]

    def __str__(self) -> str:
        return f"{self.line_number}: {self.reason}"


class WaveOpeningAnnouncement(models.Model):
    """Telling people who could join that a wave is open: one per wave, done in batches by
    background jobs (bekal.programmes.services.wave_notices)."""

    wave = models.OneToOneField(Wave, on_delete=models.PROTECT, related_name="+")
    #: Where the message sends people to join (the portal's list of waves), built by the
    #: interface that opened the wave.
    waves_link = models.CharField(max_length=500)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    #: People told so far.
    told = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"wave {self.wave_id} opening: {self.told} told"


class WaveOpeningNotice(models.Model):
    """One person told that one wave is open: unique, so nobody is told twice. Every
    account has an email address (accounts are opened with one), so the message is an
    email."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    told_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "user"], name="programmes_opening_told_once")
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.user_id}"
