"""Incentive payouts: payout accounts, instalments, batches, attempts, provider events,
statements and their breaks.

Two state machines, kept apart: the instalment's (what the participant is owed and
whether it was paid) and the attempt's (one try at paying it through a provider). An
instalment is paid only when one of its attempts was confirmed by the provider; the
database refuses two live attempts and two successful ones for one instalment. Money
moves on bekal.ledger only; the foreign keys into it are PROTECT.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bekal.core.models import TimestampedModel
from bekal.disbursements.names import NameMatch


class Channel(models.TextChoices):
    """Where a payout lands: a bank account or an e-wallet."""

    BNI = "bni", "BNI"
    BRI = "bri", "BRI"
    MANDIRI = "mandiri", "Mandiri"
    BCA = "bca", "BCA"
    OVO = "ovo", "OVO"
    GOPAY = "gopay", "GoPay"
    LINKAJA = "linkaja", "LinkAja"
    DANA = "dana", "DANA"


EWALLETS = frozenset({Channel.OVO, Channel.GOPAY, Channel.LINKAJA, Channel.DANA})


class PayoutAccount(TimestampedModel):
    """A participant's bank account or e-wallet. One is in use at a time; a change
    writes a new row and retires the old one (kept for the attempts that used it)."""

    class Status(models.TextChoices):
        #: The holder name was close, not equal: the person confirms, or an officer.
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
        ACTIVE = "active", _("In use")
        RETIRED = "retired", _("Replaced")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    #: The bank account number or the e-wallet's phone number (E.164), encrypted.
    number_encrypted = models.TextField()
    number_index = models.CharField(max_length=64, db_index=True)
    number_last4 = models.CharField(max_length=4)
    #: The name the provider's account inquiry returned.
    holder_name = models.CharField(max_length=150)
    name_match = models.CharField(max_length=16, choices=[(m.value, m.value) for m in NameMatch])
    status = models.CharField(max_length=24, choices=Status.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="active"),
                name="disbursements_one_active_account",
            ),
            models.CheckConstraint(
                condition=~Q(name_match__in=["no_match", "not_possible"]) | Q(status="retired"),
                name="disbursements_account_name_not_refused",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} ****{self.number_last4}"

    @property
    def is_ewallet(self) -> bool:
        return self.channel in EWALLETS

    @property
    def masked_number(self) -> str:
        return f"****{self.number_last4}"


class Instalment(TimestampedModel):
    """One payment of a card's incentive schedule (the payout row)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly incentive")
        SURVEY = "survey", _("Survey incentive")

    class Status(models.TextChoices):
        #: Not yet due: the training, the month or the survey is still ahead.
        SCHEDULED = "scheduled", _("Scheduled")
        #: Owed (fund -> payable posted), waiting for a batch.
        DUE = "due", _("Due")
        #: In an approved batch: payable -> in flight posted, attempt under way.
        IN_FLIGHT = "in_flight", _("Being paid")
        #: The provider confirmed it.
        PAID = "paid", _("Paid")
        #: A definitive failure (or a return): the money is payable again, the account
        #: must be fixed before a new attempt.
        FAILED = "failed", _("Failed")
        #: The card was revoked before it fell due: nothing more is earned.
        CANCELLED = "cancelled", _("Cancelled")

    card = models.ForeignKey("cards.Card", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: The scheme version whose schedule gave this instalment.
    scheme = models.ForeignKey("programmes.Scheme", on_delete=models.PROTECT, related_name="+")
    #: 1.. in schedule order: the monthly instalments first, then the surveys.
    sequence = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    #: 1.. within its kind (month 2, survey 1).
    kind_number = models.PositiveSmallIntegerField()
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    #: When a monthly instalment after the first falls due (set when the first does).
    due_on = models.DateField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    #: When the provider confirmed it (the reporting app counts "incentive paid" by it).
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failure_code = models.CharField(max_length=32, blank=True)
    batch = models.ForeignKey(
        "Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="instalments"
    )
    due_posting = models.ForeignKey(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["card", "sequence"], name="disbursements_card_sequence"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursements_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "cancelled"]) | Q(due_posting__isnull=False),
                name="disbursements_owed_is_posted",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="disbursements_paid_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="disbursements_status_due_on"),
            models.Index(fields=["user", "sequence"], name="disbursements_user_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.kind_number} of card {self.card_id} ({self.status})"


class SurveyResponse(TimestampedModel):
    """The short survey that makes a survey instalment fall due."""

    instalment = models.OneToOneField(Instalment, on_delete=models.PROTECT, related_name="survey")
    answers = models.JSONField()


class Batch(TimestampedModel):
    """Due instalments of one provider, prepared by one officer and approved by another."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Prepared")
        APPROVED = "approved", _("Approved")
        SUBMITTED = "submitted", _("Submitted")
        CANCELLED = "cancelled", _("Cancelled")

    provider = models.CharField(max_length=32)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREPARED)
    control_count = models.PositiveIntegerField()
    control_sum = models.PositiveBigIntegerField()
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approval_posting = models.ForeignKey(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("prepared_by")),
                name="disbursements_batch_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"batch {self.pk} {self.provider} ({self.status})"


class Attempt(TimestampedModel):
    """One try at paying an instalment. Its external id (the idempotency key sent to the
    provider) is committed before the provider is called; a retry sends the same one."""

    class Status(models.TextChoices):
        #: The key is stored; the provider may or may not have received it.
        CREATED = "created", _("Created")
        #: The provider accepted it and is processing.
        PENDING = "pending", _("Pending")
        #: No answer (timeout, connection lost): settled by a status inquiry, never resent
        #: under a new key.
        UNKNOWN = "unknown", _("Unknown")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        #: Succeeded, then returned by the provider (an e-wallet reversal).
        RETURNED = "returned", _("Returned")

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="attempts")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="attempts")
    account = models.ForeignKey(PayoutAccount, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=32)
    #: SNAP's partnerReferenceNo: unique, the idempotency key of the transfer.
    external_id = models.CharField(max_length=64, unique=True)
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    failure_code = models.CharField(max_length=32, blank=True)
    provider_reference = models.CharField(max_length=64, blank=True)
    sent_count = models.PositiveSmallIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    #: How the outcome was learnt: "submit", "callback", "status", "statement".
    settled_by = models.CharField(max_length=12, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    confirm_posting = models.ForeignKey(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    failure_posting = models.ForeignKey(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instalment"],
                condition=Q(status__in=["created", "pending", "unknown", "succeeded"]),
                name="disbursements_one_live_attempt",
            ),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | Q(confirm_posting__isnull=False),
                name="disbursements_success_is_posted",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "last_checked_at"],
                condition=Q(status__in=["created", "pending", "unknown"]),
                name="disbursements_attempt_open",
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.external_id} ({self.status})"


class ProviderEvent(models.Model):
    """A callback from a provider: raw body kept, deduplicated by its event id."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=64)
    external_id = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=16)
    raw_body = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)
    #: What applying it did: "applied", "ignored:<why>".
    outcome = models.CharField(max_length=48, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="disbursements_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.status}"


class StatementImport(TimestampedModel):
    """A provider's daily statement (CSV or MT940), imported and matched."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        MATCHED = "matched", _("Matched")

    provider = models.CharField(max_length=32)
    statement_date = models.DateField()
    format = models.CharField(max_length=8)
    content = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    line_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "statement_date", "format"], name="disbursements_statement_once"
            )
        ]


class ReconciliationItem(TimestampedModel):
    """One outcome of matching a statement: a match or a break someone must own."""

    class Kind(models.TextChoices):
        MATCHED = "matched", _("Matched")
        REJECTED = "rejected", _("Rejected by the provider")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amount differs")
        DUPLICATE = "duplicate", _("Paid twice by the provider")
        UNMATCHED_EXTERNAL = "unmatched_external", _("On the statement, not in Bekal")
        UNMATCHED_INTERNAL = "unmatched_internal", _("Paid in Bekal, not on the statement")
        RETURNED = "returned", _("Returned after success")

    class Owner(models.TextChoices):
        NONE = "", "-"
        FINANCE = "finance", _("Finance")
        PROGRAMME_OFFICE = "programme_office", _("Programme office")
        PROVIDER = "provider", _("Payment provider")

    statement = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    owner = models.CharField(max_length=20, choices=Owner.choices, blank=True)
    external_id = models.CharField(max_length=64, blank=True)
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement_amount = models.BigIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["kind"], condition=Q(resolved_at__isnull=True), name="disbursements_open"
            )
        ]


class LinkRequest(models.Model):
    """A payout account waiting for the SMS code sent to the participant's verified phone
    (linking and every change need a fresh code). The code is kept only as a keyed hash."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the code")
        USED = "used", _("Used")
        REPLACED = "replaced", _("Replaced by a newer request")
        BLOCKED = "blocked", _("Blocked after too many wrong codes")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    number_encrypted = models.TextField()
    number_index = models.CharField(max_length=64)
    number_last4 = models.CharField(max_length=4)
    holder_name = models.CharField(max_length=150)
    name_match = models.CharField(max_length=16)
    code_salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.channel} ****{self.number_last4} ({self.status})"
