"""Care tickets: a citizen's question or complaint, its messages, attachments and SLA clocks.

A ticket is bound to what it is about as (kind, id) so care imports nothing above it.
Message bodies and attachments are personal data: bodies are encrypted in the row,
attachments encrypted before they reach the "care_attachments" storage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bekal.core.crypto import decrypt


class Category(models.TextChoices):
    INFORMATION = "information", _("Request for information")
    COMPLAINT = "complaint", _("Complaint")
    DISPUTE = "dispute", _("Dispute of a decision")
    FIELD_CHECK = "field_check", _("Needs a field check")
    IDENTITY = "identity", _("Identity check")
    FRAUD = "fraud", _("Fraud")
    BROKER = "broker", _("Broker (joki) or paid registration")


#: Categories only the restricted group sees (the `care.view_sensitive_ticket` permission).
SENSITIVE_CATEGORIES = frozenset({Category.FRAUD, Category.BROKER})


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    DESK = "desk", _("Registration desk")
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    SYSTEM = "system", _("Bekal (automatic)")


class SubjectKind(models.TextChoices):
    NONE = "", _("Nothing in particular")
    IDENTITY_CHECK = "identity_check", _("Identity check")
    SELECTION_RESULT = "selection_result", _("Selection result")
    PAYOUT_INSTALMENT = "payout_instalment", _("Incentive instalment")
    PAYOUT_ACCOUNT = "payout_account", _("Payout account")
    RECONCILIATION = "reconciliation", _("Payment reconciliation")


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Waiting for a first answer")
        IN_PROGRESS = "in_progress", _("Being handled")
        WAITING_ON_CITIZEN = "waiting_on_citizen", _("Waiting for the citizen's reply")
        RESOLVED = "resolved", _("Resolved")

    #: Six characters the citizen quotes (by SMS too): no 0/O, 1/I.
    reference = models.CharField(max_length=8, unique=True)
    #: One effect per submission: a repeated form, a retried system event.
    idempotency_key = models.CharField(max_length=200, unique=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_tickets",
    )
    #: The regency/city whose office answers; None: the programme office's queue.
    region = models.ForeignKey(
        "regions.Regency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    subject_kind = models.CharField(max_length=24, choices=SubjectKind.choices, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    #: A link for the citizen to fix the matter themselves (system tickets).
    self_service_url = models.URLField(max_length=500, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(db_index=True)

    # --- the SLA clocks (working seconds, bekal.care.sla) --------------------------------
    first_response_target_seconds = models.PositiveIntegerField()
    resolution_target_seconds = models.PositiveIntegerField()
    first_response_warn_at = models.DateTimeField()
    first_response_due_at = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    first_response_working_seconds = models.PositiveIntegerField(null=True, blank=True)
    #: The update clock: after the citizen writes again (a reply to an answered ticket), an
    #: officer's next answer is due within the update target. Each reply that starts it is
    #: a new round, escalated on its own.
    update_target_seconds = models.PositiveIntegerField(default=0)
    update_round = models.PositiveIntegerField(default=0)
    update_warn_at = models.DateTimeField(null=True, blank=True)
    update_due_at = models.DateTimeField(null=True, blank=True)
    #: Resolution time used before the clock last resumed; the clock runs from
    #: `clock_resumed_at` and is stopped (None) while waiting on the citizen or resolved.
    resolution_used_seconds = models.PositiveIntegerField(default=0)
    clock_resumed_at = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    #: When a deadline of this ticket was first missed (by the sweep, or on resolution).
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["resolution_due_at", "id"]
        permissions = [
            ("view_sensitive_ticket", "Can see fraud and broker tickets"),
        ]
        indexes = [
            models.Index(
                fields=["region", "resolution_due_at"],
                condition=~Q(status="resolved"),
                name="care_ticket_open_queue",
            ),
            models.Index(
                fields=["first_response_warn_at"],
                condition=Q(first_responded_at__isnull=True),
                name="care_ticket_first_waiting",
            ),
            models.Index(
                fields=["resolution_warn_at"],
                condition=Q(clock_resumed_at__isnull=False),
                name="care_ticket_clock_running",
            ),
            models.Index(
                fields=["update_warn_at"],
                condition=Q(update_warn_at__isnull=False),
                name="care_ticket_update_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_sensitive(self) -> bool:
        return self.category in SENSITIVE_CATEGORIES

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


class TicketMessage(models.Model):
    class Author(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        OFFICER = "officer", _("Officer")
        SYSTEM = "system", _("Bekal")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=8, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    body_encrypted = models.TextField()
    #: Officers' notes for other staff only; the citizen never sees them.
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.author_kind}"

    @property
    def body(self) -> str:
        return decrypt(self.body_encrypted)


class TicketAttachment(models.Model):
    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    #: Name in storages["care_attachments"]; random, it says nothing about the owner.
    storage_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.storage_name


class TicketEscalation(models.Model):
    """A clock of a ticket reached 75% or 100% of its target: recorded once."""

    class Clock(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        UPDATE = "update", _("Answer to the citizen's reply")
        RESOLUTION = "resolution", _("Resolution")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    clock = models.CharField(max_length=16, choices=Clock.choices)
    #: The update clock's round (0 for the other clocks).
    round = models.PositiveIntegerField(default=0)
    level = models.PositiveSmallIntegerField()  # 75 or 100 (percent of the target used)
    escalated_at = models.DateTimeField()

    class Meta:
        ordering = ["escalated_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "clock", "round", "level"],
                name="care_one_escalation_per_round_and_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.clock} {self.level}%"


class InboundSms(models.Model):
    """An SMS the gateway forwarded: kept once per gateway id, matched to a ticket or not."""

    gateway_message_id = models.CharField(max_length=128, unique=True)
    sender_index = models.CharField(max_length=64)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: "matched", or why not: "unknown_sender", "no_reference", "not_found", "resolved".
    outcome = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.gateway_message_id} {self.outcome}"
