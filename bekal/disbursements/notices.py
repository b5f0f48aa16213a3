"""What the payouts tell the participant, by email and SMS, when an instalment is paid
or has failed. Queued in the caller's transaction, in the person's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from bekal.accounts.models import User
from bekal.accounts.selectors import get_current_phone
from bekal.core.crypto import decrypt
from bekal.core.links import portal_links
from bekal.core.money import format_rupiah
from bekal.disbursements.models import Instalment, PayoutAccount
from bekal.disbursements.reasons import failure_advice
from bekal.notifications.services import queue_email, queue_sms

PAID = "incentive_paid"
FAILED = "incentive_failed"


def _send(*, user: User, kind: str, subject: str, body: str, sms: str) -> None:
    if user.email:  # a phone-number account has none: the SMS tells it
        queue_email(to=user.email, kind=kind, subject=subject, body=body, user=user)
    phone = get_current_phone(user=user)
    if phone is not None:
        queue_sms(to=decrypt(phone.phone_encrypted), kind=kind, body=sms, user=user)


def tell_paid(*, instalment: Instalment, account: PayoutAccount) -> None:
    user = User.objects.get(pk=instalment.user_id)
    with translation.override(user.language):
        amount = format_rupiah(int(instalment.amount))
        params = {
            "amount": amount,
            "account": f"{account.get_channel_display()} {account.masked_number}",
        }
        _send(
            user=user,
            kind=PAID,
            subject=gettext("Your incentive of %(amount)s was paid") % params,
            body=gettext(
                "Your incentive of %(amount)s was paid into %(account)s.\n\nDetails: %(link)s"
            )
            % {**params, "link": portal_links().incentives()},
            sms=gettext("Bekal: incentive %(amount)s paid into %(account)s.") % params,
        )


def tell_failed(*, instalment: Instalment, account: PayoutAccount) -> None:
    user = User.objects.get(pk=instalment.user_id)
    with translation.override(user.language):
        amount = format_rupiah(int(instalment.amount))
        why, todo = failure_advice(instalment.failure_code)
        params = {"amount": amount, "why": why, "todo": todo, "link": portal_links().incentives()}
        _send(
            user=user,
            kind=FAILED,
            subject=gettext("Your incentive of %(amount)s could not be paid") % params,
            body=gettext("%(why)s\n\n%(todo)s\n\n%(link)s") % params,
            sms=gettext("Bekal: incentive %(amount)s not paid. %(todo)s %(link)s") % params,
        )
