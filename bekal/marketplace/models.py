"""The training marketplace: platforms, providers, courses and their sessions, purchases
(each with its voucher), completions with certificates, and reviews.

A course is a state machine: submitted (by its platform, through the partner API) ->
approved (published in the catalogue) or rejected; an approved course may be withdrawn.
A purchase is another: paid (the card's ledger account debited, the platform's
receivable credited, a voucher issued) -> redeemed (the provider starts the training)
-> completed (the platform reports it, with a certificate); a paid purchase becomes
refunded when its platform cancels the session. One service per transition in
bekal.marketplace.services.

Money is never stored here beyond the price paid: balances are ledger sums.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bekal.core.models import TimestampedModel
from bekal.marketplace.vouchers import mask_voucher_code


class Platform(TimestampedModel):
    """A digital platform that sells trainings (Prakerja had 7-8) and calls the partner
    API as its PartnerClient."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    client = models.OneToOneField(
        "accounts.PartnerClient", on_delete=models.PROTECT, related_name="platform"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("digital platform")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def receivable_account_code(self) -> str:
        return f"platform:{self.code}"


class Provider(TimestampedModel):
    """A training institution (lembaga pelatihan) as one platform knows it."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="providers")
    #: The platform's own identifier of the provider.
    external_id = models.CharField(max_length=64)
    name = models.CharField(_("name"), max_length=200)
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("training provider")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="marketplace_provider_external_id"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    TECHNOLOGY = "technology", _("Information technology")
    OFFICE = "office", _("Office and administration")
    FINANCE = "finance", _("Finance and accounting")
    SALES_MARKETING = "sales_marketing", _("Sales and marketing")
    BUSINESS = "business", _("Entrepreneurship")
    FOOD = "food", _("Food and beverage")
    HOSPITALITY = "hospitality", _("Hospitality and tourism")
    LANGUAGE = "language", _("Languages")
    CREATIVE = "creative", _("Creative and media")
    TRADES = "trades", _("Technical trades")
    AGRICULTURE = "agriculture", _("Agriculture and fisheries")
    PERSONAL = "personal", _("Personal development")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Format(models.TextChoices):
    #: Recorded lessons, taken at one's own pace: no sessions, redeemable at any time.
    SELF_PACED = "self_paced", _("Self-paced video")
    WEBINAR = "webinar", _("Live webinar")
    OFFLINE = "offline", _("In person")


class Course(TimestampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", pgettext_lazy("course status", "Published")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="courses")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    #: The platform's own identifier of the course.
    external_id = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    #: Rupiah, what one purchase costs.
    price = models.PositiveBigIntegerField(_("price (Rp)"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    #: Where an in-person course takes place.
    regency = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Why the office rejected (or withdrew) it, shown to the platform.
    decision_note = models.CharField(max_length=500, blank=True)
    #: Kept up to date by each review, so the catalogue never counts at request time.
    review_count = models.PositiveIntegerField(default=0)
    rating_total = models.PositiveIntegerField(default=0)
    purchase_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("course")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="marketplace_course_external_id"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="marketplace_course_price"),
            models.CheckConstraint(
                condition=~Q(format="offline") | Q(regency__isnull=False),
                name="marketplace_course_offline_has_regency",
            ),
        ]
        indexes = [
            models.Index(
                fields=["category", "price"],
                condition=Q(status="approved"),
                name="marketplace_catalogue_idx",
            ),
            models.Index(fields=["status", "submitted_at"], name="marketplace_course_queue"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rating(self) -> float | None:
        """Average rating (1-5), None before the first review."""
        return round(self.rating_total / self.review_count, 1) if self.review_count else None

    @property
    def has_sessions(self) -> bool:
        return self.format != Format.SELF_PACED


class CourseSession(TimestampedModel):
    """One scheduled run of a live or in-person course."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    external_id = models.CharField(max_length=64)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    #: Places; None: no limit (a webinar).
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    #: Places bought so far, kept under the session's row lock.
    sold = models.PositiveIntegerField(default=0)
    is_cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("course session")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "external_id"], name="marketplace_session_external_id"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="marketplace_session_order"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(sold__lte=models.F("capacity")),
                name="marketplace_session_not_oversold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} @ {self.starts_at:%Y-%m-%d %H:%M}"


class Purchase(TimestampedModel):
    """A training bought with a card; its voucher code is what the provider redeems."""

    class Status(models.TextChoices):
        PAID = "paid", _("Bought, not started")
        REDEEMED = "redeemed", _("Started")
        COMPLETED = "completed", _("Completed")
        #: Its session was cancelled by the platform: the price went back to the card.
        REFUNDED = "refunded", _("Refunded")

    card = models.ForeignKey("cards.Card", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="purchases")
    session = models.ForeignKey(
        CourseSession, null=True, blank=True, on_delete=models.PROTECT, related_name="purchases"
    )
    #: Denormalised from the course, so a platform's vouchers are one indexed filter.
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="purchases")
    #: Rupiah paid: the course's price at the time.
    price = models.PositiveBigIntegerField()
    #: The posting that paid it (card -> platform receivable).
    ledger_transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+"
    )
    #: The key the buyer's form (or client) sent: buying twice with it buys once.
    idempotency_key = models.CharField(max_length=100, unique=True)
    #: 12 characters of an unambiguous alphabet, shown as XXXX-XXXX-XXXX.
    voucher_code = models.CharField(max_length=12, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PAID)
    paid_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    #: Why the money went back (the platform's reason for cancelling the session).
    refund_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("purchase")
        constraints = [
            # A course is bought once per card; a refunded purchase does not count.
            models.UniqueConstraint(
                fields=["card", "course"],
                condition=~Q(status="refunded"),
                name="marketplace_purchase_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["paid", "refunded"]) | Q(redeemed_at__isnull=False),
                name="marketplace_purchase_redeemed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="refunded") | Q(refunded_at__isnull=False),
                name="marketplace_purchase_refunded_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="marketplace_purchase_completed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["platform", "-paid_at"], name="marketplace_platform_vouchers"),
            models.Index(fields=["user", "-paid_at"], name="marketplace_user_purchases"),
        ]

    def __str__(self) -> str:
        # Masked: the admin and logs show it; the code itself spends the voucher.
        return f"{mask_voucher_code(self.voucher_code)} ({self.status})"

    @property
    def voucher_display(self) -> str:
        code = self.voucher_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class Completion(models.Model):
    """The platform's report that a participant finished a training, with the certificate."""

    purchase = models.OneToOneField(Purchase, on_delete=models.PROTECT, related_name="completion")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    certificate_number = models.CharField(max_length=64)
    completed_at = models.DateTimeField()
    reported_at = models.DateTimeField()
    #: What the platform holds: attendance of live sessions; progress and final test
    #: score of a self-paced course (bekal.marketplace.services.completion_evidence).
    evidence = models.JSONField(default=dict)
    #: The random token of the public verification URL; reveals nothing by itself.
    verification_token = models.CharField(max_length=32, unique=True)

    class Meta:
        verbose_name = _("completion")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "certificate_number"], name="marketplace_certificate_number"
            )
        ]

    def __str__(self) -> str:
        return self.certificate_number


class Review(models.Model):
    """A participant's rating (1-5) and words on a completed training."""

    purchase = models.OneToOneField(Purchase, on_delete=models.PROTECT, related_name="review")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="reviews")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("review"), max_length=2000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("review")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="marketplace_review_rating"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.rating}"
