"""Queue messages in the outbox; a worker job delivers them.

The outbox row and the delivery job are written in the caller's transaction: a sign-up
that commits has its confirmation email queued, and one that rolls back sends nothing.
Email goes through Django's email backend, SMS through the SMS gateway
(`bekal.notifications.sms`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

from bekal.core.crypto import encrypt
from bekal.notifications.models import OutboxMessage

_LINK = re.compile(r"https?://\S+")


def mask_number(e164: str) -> str:
    """+6281234567890 as the outbox shows it: 0812****7890.

    The outbox's own masking, so that notifications needs nothing from the apps that
    send through it; migration 0004 ran with this function and still imports it.
    """
    digits = "0" + e164[3:] if e164.startswith("+62") else e164.lstrip("+")
    return digits[:4] + "*" * max(0, len(digits) - 8) + digits[-4:]


@transaction.atomic
def queue_email(
    *,
    to: str,
    kind: str,
    subject: str,
    body: str,
    user: Any = None,
) -> OutboxMessage:
    from bekal.notifications.tasks import deliver_message

    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        kind=kind,
        recipient=to,
        user=user,
        subject=subject[:255],
        body=body,
    )
    deliver_message.defer(message_id=message.pk)
    return message


def _render_text(name: str, context: dict[str, Any]) -> str:
    template = get_template(name).template  # type: ignore[attr-defined]
    return str(template.render(Context(context, autoescape=False)))


def _sms_number(user: Any) -> str:
    """The number a person without email is written to (a phone-number account), or ""."""
    message_phone = getattr(user, "message_phone", None)
    return str(message_phone()) if callable(message_phone) else ""


def _sms_text(template: str, context: dict[str, Any], subject: str, body: str) -> str:
    """An email's message as an SMS: `<template>_sms.txt` when the notice has one, else
    its subject followed by the links of its body (an SMS cannot carry the whole email)."""
    try:
        return " ".join(_render_text(f"{template}_sms.txt", context).split())
    except TemplateDoesNotExist:
        links = list(dict.fromkeys(_LINK.findall(body)))
        return " ".join([f"Bekal: {subject}", *links])


def queue_templated_email(
    *,
    to: str | None,
    kind: str,
    template: str,
    context: dict[str, Any],
    language: str,
    user: Any = None,
) -> OutboxMessage:
    """Render `<template>_subject.txt` and `<template>_body.txt` in the recipient's language,
    as plain text: nothing is HTML-escaped (a course "A & B" stays "A & B").

    The one dispatch point of the journey's notices: a person without email (a
    phone-number account: `to` is empty and `user.message_phone()` gives a number) gets
    the notice by SMS instead, from `<template>_sms.txt` or the subject and links."""
    with translation.override(language):
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        body = _render_text(f"{template}_body.txt", context)
        phone = "" if to else _sms_number(user)
        if phone:
            text = _sms_text(template, context, subject, body)
            return queue_sms(to=phone, kind=kind, body=text, user=user)
    if not to:
        raise ValueError(f"no address for the notice {kind!r}")
    return queue_email(to=to, kind=kind, subject=subject, body=body, user=user)


@transaction.atomic
def queue_sms(
    *,
    to: str,
    kind: str,
    body: str,
    user: Any = None,
    sensitive: bool = False,
    expires_at: datetime | None = None,
) -> OutboxMessage:
    """Queue an SMS to `to` (E.164, +62...). The caller writes `body` in the user's language.
    The outbox keeps the number encrypted and shows it masked.

    `sensitive`: the body holds a one-time code, blanked out of the outbox once a real
    gateway has taken the message. `expires_at`: when the code dies; a delivery retried
    after it sends nothing (the person would receive a dead code) and marks it expired.
    """
    from bekal.notifications.tasks import deliver_message

    if not body.strip():
        raise ValueError("an SMS needs a body")
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.SMS,
        kind=kind,
        recipient=mask_number(to),
        recipient_encrypted=encrypt(to),
        user=user,
        body=body,
        sensitive=sensitive,
        expires_at=expires_at,
    )
    deliver_message.defer(message_id=message.pk)
    return message
