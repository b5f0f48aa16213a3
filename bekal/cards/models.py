"""Cards given to the selected, and the announcement of a run's results.

A card is a state machine: offered (at the announcement) -> active (terms accepted, the
scheme's training balance posted to its ledger account) -> revoked (no training bought
within the scheme's days; the balance goes back to the programme fund). One service per
transition in bekal.cards.services. The balance is never stored here: it is the sum of
the entries of the card's ledger account (bekal.ledger).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bekal.core.models import TimestampedModel


class Card(TimestampedModel):
    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")

    class RevokeReason(models.TextChoices):
        NO_TRAINING_BOUGHT = "no_training_bought", _("No training was bought in time")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: The wave whose published selection gave the card.
    wave = models.ForeignKey("programmes.Wave", on_delete=models.PROTECT, related_name="+")
    #: The exact scheme version whose balance and deadline apply.
    scheme = models.ForeignKey("programmes.Scheme", on_delete=models.PROTECT, related_name="+")
    #: The scheme's year (Scheme.code, "2020"), copied so that the database itself can
    #: refuse a second live card for one person in one scheme year.
    scheme_code = models.CharField(max_length=16)
    #: 16 digits, the last a Luhn check digit (bekal.cards.numbers); random, not the NIK.
    number = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OFFERED)
    offered_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    #: The version of the card terms (bekal.cards.terms) the holder accepted.
    terms_version = models.CharField(max_length=16, blank=True)
    #: accepted_at + the scheme's first_purchase_days: without a training bought by then,
    #: the card is revoked.
    first_purchase_deadline = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(
        max_length=32, choices=RevokeReason.choices, blank=True, default=""
    )
    #: The card_balance account opened at acceptance ("card:<pk>").
    ledger_account = models.OneToOneField(
        "ledger.LedgerAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("card")
        constraints = [
            models.UniqueConstraint(fields=["user", "wave"], name="cards_card_once_per_wave"),
            # One live (offered or active) card per person and scheme year, whatever the
            # code above does (docs/selection.md, "Waves in order").
            models.UniqueConstraint(
                fields=["user", "scheme_code"],
                condition=Q(status__in=["offered", "active"]),
                name="cards_card_one_live_per_scheme_year",
            ),
            models.CheckConstraint(condition=~Q(scheme_code=""), name="cards_card_scheme_code_set"),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{16}$"), name="cards_card_number_16_digits"
            ),
            models.CheckConstraint(
                condition=Q(status="offered")
                | Q(accepted_at__isnull=False, ledger_account__isnull=False),
                name="cards_card_accepted_has_account",
            ),
        ]
        indexes = [
            models.Index(
                fields=["first_purchase_deadline"],
                condition=Q(status="active"),
                name="cards_card_active_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"****{self.number[-4:]} ({self.status})"

    @property
    def grouped_number(self) -> str:
        """The number as printed on a card: 4-4-4-4."""
        return " ".join(self.number[i : i + 4] for i in range(0, 16, 4))

    @property
    def masked_number(self) -> str:
        return f"**** **** **** {self.number[-4:]}"

    @property
    def ledger_account_code(self) -> str:
        return f"card:{self.pk}"


class RunAnnouncement(models.Model):
    """The announcement of one published run: started once, worked through in batches."""

    run = models.OneToOneField(
        "selection.SelectionRun", on_delete=models.PROTECT, related_name="announcement"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    #: People told so far (one row each in PersonAnnouncement).
    announced = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("results announcement")

    def __str__(self) -> str:
        return f"{self.run_id} ({self.announced})"


class PersonAnnouncement(models.Model):
    """One person told the result of one run: the marker that makes telling idempotent."""

    run = models.ForeignKey("selection.SelectionRun", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    selected = models.BooleanField()
    sms_sent = models.BooleanField()
    announced_at = models.DateTimeField()

    class Meta:
        verbose_name = _("person told the results")
        constraints = [
            models.UniqueConstraint(fields=["run", "user"], name="cards_announced_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.user_id}"
