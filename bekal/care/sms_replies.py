"""Citizens' replies by SMS, forwarded by the gateway.

The sender's number is matched (by its blind index) to the accounts that verified it as
their current number, and the ticket by a reference anywhere in the text ("ABC234 sudah
saya kirim"). A message is kept once per gateway id: the gateway retrying a delivery adds
one reply. An SMS that matches nothing is recorded with the reason and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.db import IntegrityError, transaction

from bekal.accounts.models import User, VerifiedPhone
from bekal.accounts.phone_verification import phone_index
from bekal.care.errors import TicketResolvedError
from bekal.care.models import Channel, InboundSms, Ticket
from bekal.care.services import reply_as_citizen
from bekal.core.audit import record_event


def gateway_signature(*, secret: str, path: str, timestamp: str, body: bytes) -> str:
    """The signature the SMS gateway sends with a forwarded reply (bekal.api.sms): hex
    HMAC-SHA256 over "POST", the path, the timestamp and the body's SHA-256."""
    message = "\n".join(("POST", path, timestamp, hashlib.sha256(body).hexdigest()))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


_REFERENCE = re.compile(r"\b([A-HJ-NP-Z2-9]{6})\b")


def _citizens(sender: str) -> list[User]:
    index = phone_index(sender)
    ids = VerifiedPhone.objects.filter(phone_index=index, replaced_at__isnull=True).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids))


def record_sms_reply(*, gateway_message_id: str, sender: str, text: str) -> InboundSms:
    """Record one inbound SMS (E.164 `sender`) and add it to the ticket it names."""
    seen = InboundSms.objects.filter(gateway_message_id=gateway_message_id).first()
    if seen is not None:
        return seen
    index = phone_index(sender)
    outcome, ticket = _match(sender=sender, text=text)
    try:
        with transaction.atomic():
            inbound = InboundSms.objects.create(
                gateway_message_id=gateway_message_id,
                sender_index=index,
                ticket=ticket,
                outcome=outcome,
            )
            if ticket is not None and outcome == "matched":
                assert ticket.citizen is not None
                try:
                    reply_as_citizen(
                        citizen=ticket.citizen,
                        reference=ticket.reference,
                        body=text.strip()[:4000],
                        channel=Channel.SMS,
                    )
                except TicketResolvedError:
                    inbound.outcome = "resolved"
                    inbound.save(update_fields=["outcome"])
            record_event(
                action="care.sms_received",
                subject_user=ticket.citizen if ticket else None,
                target=inbound,
                outcome=inbound.outcome,
            )
    except IntegrityError:
        return InboundSms.objects.get(gateway_message_id=gateway_message_id)
    return inbound


def _match(*, sender: str, text: str) -> tuple[str, Ticket | None]:
    citizens = _citizens(sender)
    if not citizens:
        return "unknown_sender", None
    references = _REFERENCE.findall(text.upper())
    if not references:
        return "no_reference", None
    ticket = (
        Ticket.objects.filter(reference__in=references, citizen__in=citizens)
        .order_by("-opened_at")
        .first()
    )
    if ticket is None:
        return "not_found", None
    if not ticket.is_open:
        return "resolved", ticket
    return "matched", ticket
