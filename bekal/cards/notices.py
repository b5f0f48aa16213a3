"""What the cards app tells people, by email and SMS, through the notifications outbox.

Each function queues its messages in the caller's transaction, in the person's language.
An SMS goes to the person's verified number, when they have one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from bekal.accounts.models import User
from bekal.core.links import portal_links
from bekal.core.money import format_rupiah
from bekal.notifications.services import queue_sms, queue_templated_email
from bekal.programmes.models import Wave

if TYPE_CHECKING:
    from bekal.cards.models import Card

RESULT_SELECTED = "selection_result_selected"
RESULT_NOT_SELECTED = "selection_result_not_selected"
CARD_ACTIVE = "card_active"
CARD_REVOKED = "card_revoked"

# SMS texts: marked for translation here, translated in the person's language when sent.
SMS_SELECTED = gettext_noop(
    "Bekal: you were selected in wave %(wave)s. Accept the card terms at %(link)s "
    "to receive your training balance."
)
SMS_NOT_SELECTED = gettext_noop(
    "Bekal: you were not selected in wave %(wave)s. You move to the next wave "
    "automatically; there is nothing to do."
)
SMS_REVOKED = gettext_noop(
    "Bekal: your card ending %(digits)s was revoked because no training was bought "
    "within %(days)s days. Details: %(link)s"
)


def card_link() -> str:
    return portal_links().card()


def _sms(*, user: User, phone: str | None, kind: str, text: str, params: dict[str, object]) -> bool:
    if not phone:
        return False
    with translation.override(user.language):
        body = gettext(text) % params
    queue_sms(to=phone, kind=kind, body=body, user=user)
    return True


def tell_result(*, user: User, phone: str | None, selected: bool, wave: Wave) -> bool:
    """Email (and SMS when `phone`) the person the result of `wave`. True if an SMS went."""
    context = {
        "name": user.get_short_name() or user.full_name,
        "wave": wave.number,
        "card_link": card_link(),
        "waves_link": portal_links().wave_list(),
    }
    kind = RESULT_SELECTED if selected else RESULT_NOT_SELECTED
    template = "cards/email/selected" if selected else "cards/email/not_selected"
    queue_templated_email(
        to=user.email,
        kind=kind,
        template=template,
        context=context,
        language=user.language,
        user=user,
    )
    text = SMS_SELECTED if selected else SMS_NOT_SELECTED
    return _sms(
        user=user,
        phone=phone,
        kind=kind,
        text=text,
        params={"wave": wave.number, "link": card_link()},
    )


def tell_card_active(*, card: Card, user: User, balance: int) -> None:
    deadline = card.first_purchase_deadline
    assert deadline is not None
    with translation.override(user.language):
        deadline_text = date_format(timezone.localtime(deadline), "j F Y, H:i T")
    queue_templated_email(
        to=user.email,
        kind=CARD_ACTIVE,
        template="cards/email/card_active",
        context={
            "name": user.get_short_name() or user.full_name,
            "last_digits": card.number[-4:],
            "balance": format_rupiah(balance),
            "deadline": deadline_text,
            "card_link": card_link(),
        },
        language=user.language,
        user=user,
    )


def tell_card_revoked(*, card: Card, user: User, phone: str | None, returned: int) -> bool:
    queue_templated_email(
        to=user.email,
        kind=CARD_REVOKED,
        template="cards/email/card_revoked",
        context={
            "name": user.get_short_name() or user.full_name,
            "last_digits": card.number[-4:],
            "days": card.scheme.first_purchase_days,
            "returned": format_rupiah(returned),
            "card_link": card_link(),
        },
        language=user.language,
        user=user,
    )
    return _sms(
        user=user,
        phone=phone,
        kind=CARD_REVOKED,
        text=SMS_REVOKED,
        params={
            "digits": card.number[-4:],
            "days": card.scheme.first_purchase_days,
            "link": card_link(),
        },
    )
