"""The card terms a selected person accepts, versioned.

The text lives in code (English msgids, Indonesian in the translation catalogue). Any
change to what the terms say is a new TERMS_VERSION: an acceptance records the version
the person read, and an acceptance of an older version is refused.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bekal.core.money import format_rupiah
from bekal.programmes.models import Scheme

TERMS_VERSION = "2025.1"

_PARAGRAPHS: tuple[Promise, ...] = (
    _(
        "The card holds a training balance of %(balance)s. It can only be used to buy "
        "trainings from the programme's partner platforms; it cannot be withdrawn as cash."
    ),
    _(
        "You must buy your first training within %(days)s days of accepting these terms. "
        "If you do not, the card is revoked, its balance returns to the programme and you "
        "cannot be selected again."
    ),
    _("The card is yours alone. Never give its number or your password to anyone."),
    _(
        "Incentives are paid after you finish a training, to the mobile number you verified. "
        "Keep that number active."
    ),
    _(
        "You confirm that the data you gave is true. A card obtained with false data is "
        "revoked and the money may be claimed back."
    ),
)


def card_terms(*, scheme: Scheme) -> list[str]:
    """The terms under `scheme`, in the active language, one paragraph each."""
    params = {
        "balance": format_rupiah(int(scheme.training_balance)),
        "days": scheme.first_purchase_days,
    }
    return [str(paragraph) % params for paragraph in _PARAGRAPHS]
