"""The base model and the audit log every app writes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One row per state change or per staff read of someone's personal data.

    Written in the same transaction as the change it records. Append-only: the admin
    shows it read-only and nothing in Bekal updates or deletes a row.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    #: Who the action was for, when an officer acts for a citizen (assisted desk).
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
        )


class StaffSearch(models.Model):
    """A back-office search held server-side under an opaque id.

    The query may be a NIK: it travels only in a POST body, is kept here encrypted
    (bekal.core.crypto), and the pages that show the results carry only `token` in their
    URL. Nothing of the query is kept in the session.
    """

    token = models.CharField(max_length=32, unique=True)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"search {self.token[:6]}… by {self.viewer_id}"


class StaffAlert(models.Model):
    """Something a staff member did that the programme office should look at.

    Raised by a service (for example a burst of refused attempts to open records of other
    regions); one alert per person and burst, its count kept up to date while it lasts.
    """

    class Kind(models.TextChoices):
        REFUSED_READS = "refused_reads", _("Refused attempts to open records of other regions")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.actor_id} x{self.count}"
