"""The funnel's stages and a wave's figures: the keys the rollups count under.

A person's funnel stages are the journey steps they have reached (each a yes/no of the
person as the base tables hold them now); a wave's figures are those of its
applications. The database keeps the same keys: `reporting_stage_keys()` in the
migration that installs the triggers lists the funnel in this order (a test compares).
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bekal.programmes.rules import REASON_LABELS


class Stage(models.TextChoices):
    """The funnel, in the journey's order (bit n of PersonFigures.stages is the n-th)."""

    ACCOUNT = "account", _("Account created")
    EMAIL_CONFIRMED = "email_confirmed", _("Email confirmed")
    IDENTITY_VERIFIED = "identity_verified", _("NIK verified")
    DOCUMENTS = "documents", _("KTP photo and selfie")
    PHONE = "phone", _("Mobile number verified")
    DECLARATION = "declaration", _("Declaration signed")
    TEST_PASSED = "test_passed", _("Test passed")
    JOINED_WAVE = "joined_wave", _("Joined a wave")
    SELECTED = "selected", _("Selected")
    CARD_ACCEPTED = "card_accepted", _("Card accepted")
    TRAINING_BOUGHT = "training_bought", _("First training bought")
    TRAINING_COMPLETED = "training_completed", _("Training completed")
    #: Counted once payouts exist (bekal.disbursements); 0 until then.
    INCENTIVE_PAID = "incentive_paid", _("Incentive paid")
    REVOKED = "revoked", _("Card revoked")


#: Stages not yet fed by any part of Bekal: shown as "not available yet", not as 0.
STAGES_NOT_YET_COUNTED = frozenset({Stage.INCENTIVE_PAID})


class WaveFigure(models.TextChoices):
    """What a wave's applications count under, per regency (the application's)."""

    APPLIED = "applied", _("Applicants")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected (carried over)")
    CARRIED_IN = "carried_in", _("Carried over from an earlier wave")
    CARD_ACCEPTED = "card_accepted", _("Card accepted")
    REVOKED = "revoked", _("Card revoked")


#: A refusal reason of the eligibility rules is counted as "reason:<code>".
REASON_PREFIX = "reason:"


def reason_label(code: str) -> str | Promise:
    return REASON_LABELS.get(code, code)
