"""Every message Bekal sends is kept in the outbox, then delivered by a worker job."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bekal.core.crypto import decrypt


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        #: Not sent: its content (a one-time code) expired before a delivery succeeded.
        EXPIRED = "expired", _("Expired")

    channel = models.CharField(max_length=8, choices=Channel.choices)
    #: What kind of message this is ("account_confirmation", "password_reset", ...).
    kind = models.CharField(max_length=64)
    #: The email address; for an SMS the number masked (0812****7890), the number itself
    #: being personal data kept only in `recipient_encrypted`.
    recipient = models.CharField(max_length=254)
    #: An SMS's number (E.164), encrypted (bekal.core.crypto); empty for email.
    recipient_encrypted = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    #: The body holds a secret (a one-time code): it is blanked out once the message has
    #: left through a gateway outside Bekal.
    sensitive = models.BooleanField(default=False)
    #: After this moment the message is worthless (a one-time code that expired): a
    #: delivery still failing then stops, and the message is marked expired, not sent.
    expires_at = models.DateTimeField(null=True, blank=True)
    #: The id the SMS gateway gave the message (empty for email).
    gateway_message_id = models.CharField(max_length=128, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.channel}:{self.kind} -> {self.recipient}"

    @property
    def address(self) -> str:
        """Where the message goes: the email address, or the SMS's number decrypted."""
        if self.recipient_encrypted:
            return decrypt(self.recipient_encrypted)
        return self.recipient
