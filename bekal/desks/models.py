"""Assisted registration desks of the regional labour offices, and what they registered.

A desk belongs to a regency/city's office and has officers (regional officers of that
regency). An officer registers a walk-in citizen through the same services as the
portal; the registration and every record it produced are stamped with the desk and the
officer (`AssistedStep`), so the office, the programme office and the citizen can see
where and by whom it was done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Desk(models.Model):
    name = models.CharField(_("name"), max_length=150)
    regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
    )
    #: Where the desk is, as the citizen's SMS and receipt say it.
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("registration desk")

    def __str__(self) -> str:
        return self.name


class DeskMembership(models.Model):
    """An officer works at a desk from `started_at` until `ended_at` (one desk at a time)."""

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="memberships")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="desk_memberships"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("desk officer")
        constraints = [
            models.UniqueConstraint(
                fields=["officer"],
                condition=Q(ended_at__isnull=True),
                name="desks_one_current_desk_per_officer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} @ {self.desk_id}"


class AssistedRegistration(models.Model):
    """A citizen registered at a desk: who, where, by whom, and how far it went."""

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="registrations")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    citizen = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assisted_registration"
    )
    #: The Asia/Jakarta day it was started: the daily limits count by it.
    day = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assisted registration")
        indexes = [
            models.Index(fields=["desk", "day"], name="desks_registration_desk_day"),
            models.Index(fields=["officer", "day"], name="desks_registration_officer_day"),
        ]

    def __str__(self) -> str:
        return f"{self.desk_id}/{self.officer_id} -> {self.citizen_id}"


class AssistedStep(models.Model):
    """The stamp on one record an assisted registration produced: which record, at which
    desk, by which officer. Append-only."""

    class Step(models.TextChoices):
        ACCOUNT_OPENED = "account_opened", _("Account opened")
        ACCOUNT_ACTIVATED = "account_activated", _("Account activated by the citizen's SMS code")
        PROFILE_SUBMITTED = "profile_submitted", _("Profile submitted")
        DOCUMENT_UPLOADED = "document_uploaded", _("Photo taken")
        DECLARATION_SIGNED = "declaration_signed", _("Declaration signed")

    registration = models.ForeignKey(
        AssistedRegistration, on_delete=models.PROTECT, related_name="steps"
    )
    step = models.CharField(max_length=32, choices=Step.choices)
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: The record made ("registration.profile", "identity.identitydocument", ...) and its id.
    record_type = models.CharField(max_length=64)
    record_id = models.CharField(max_length=32)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assisted registration step")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.step}"


class DeskFlag(models.Model):
    """Something about a desk for the programme office to review: a day's volume out of
    line with the desk's own past days, or a phone number serving many NIKs there."""

    class Kind(models.TextChoices):
        VOLUME = "volume", _("Volume out of line")
        SHARED_PHONE = "shared_phone", _("One phone number for many NIKs")

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    day = models.DateField()
    #: VOLUME: registrations that day; SHARED_PHONE: accounts on the number.
    count = models.PositiveIntegerField()
    #: VOLUME: the desk's average day over the look-back window.
    baseline = models.FloatField(default=0)
    #: SHARED_PHONE: the number, masked, and the officer who registered the last account.
    phone_masked = models.CharField(max_length=20, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flagged_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("desk flag")
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "kind", "day", "phone_masked"], name="desks_flag_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.desk_id} {self.kind} {self.day} ({self.count})"
