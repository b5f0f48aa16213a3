"""Delivering one outbox message through the configured channel."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bekal.notifications import smtp_connections
from bekal.notifications.models import OutboxMessage
from bekal.notifications.sms import SmsRejectedError, get_backend

logger = logging.getLogger(__name__)

_CODE = re.compile(r"[0-9]{4,}")


def redact_codes(body: str) -> str:
    """The body with every run of four or more digits (a one-time code) blanked out."""
    return _CODE.sub(lambda match: "•" * len(match.group()), body)


def _send(message: OutboxMessage) -> list[str]:
    """Hand the message to its channel; return the fields of `message` it changed."""
    if message.channel == OutboxMessage.Channel.EMAIL:
        smtp_connections.send(
            lambda connection: EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.recipient],
                connection=connection,
            )
        )
        return []
    if message.channel == OutboxMessage.Channel.SMS:
        backend = get_backend()
        message.gateway_message_id = backend.send(to=message.address, body=message.body)[:128]
        changed = ["gateway_message_id"]
        if message.sensitive and backend.delivers_outside:
            message.body = redact_codes(message.body)
            changed.append("body")
        return changed
    raise ValueError(f"no delivery for channel {message.channel}")


def deliver(*, message_id: int) -> OutboxMessage | None:
    """Send a queued message once. Safe to run again: a sent message is not re-sent.

    A failure is recorded on the message (attempts, last error) and raised again so the
    job is retried later; the message itself stays queued and is never lost. A message
    the SMS gateway refuses for good (SmsRejectedError) is marked failed, not retried; one
    whose `expires_at` has passed is marked expired and not sent.
    """
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, status=OutboxMessage.Status.QUEUED)
                .first()
            )
            if message is None:
                return None  # already sent, being sent by another worker, or gone
            if message.expires_at is not None and message.expires_at <= timezone.now():
                message.status = OutboxMessage.Status.EXPIRED
                message.body = redact_codes(message.body) if message.sensitive else message.body
                message.save(update_fields=["status", "body"])
                logger.info("outbox message %s expired before it could be delivered", message_id)
                return message
            message.attempts += 1
            try:
                changed = _send(message)
            except SmsRejectedError as exc:
                message.status = OutboxMessage.Status.FAILED
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.save(update_fields=["attempts", "status", "last_error"])
                logger.warning("SMS gateway refused outbox message %s: %s", message_id, exc)
                return message
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "status", "sent_at", "last_error", *changed])
            return message
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("delivery of outbox message %s failed: %s", message_id, exc)
        raise
