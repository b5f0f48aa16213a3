"""Delivering one outbox message through the configured channel."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bekal.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)


def _send(message: OutboxMessage) -> None:
    if message.channel == OutboxMessage.Channel.EMAIL:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
        ).send(fail_silently=False)
    else:
        raise ValueError(f"no delivery for channel {message.channel}")


def deliver(*, message_id: int) -> OutboxMessage | None:
    """Send a queued message once. Safe to run again: a sent message is not re-sent.

    A failure is recorded on the message (attempts, last error) and raised again so the
    job is retried later; the message itself stays queued and is never lost.
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
            _send(message)
            message.attempts += 1
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
            return message
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("delivery of outbox message %s failed: %s", message_id, exc)
        raise
