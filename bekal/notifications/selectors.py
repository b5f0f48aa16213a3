from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from bekal.notifications.models import OutboxMessage


def list_outbox(*, limit: int = 100) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.select_related("user").order_by("-created_at", "-id")[:limit]


def count_messages(*, recipient: str, kind: str, since: datetime) -> int:
    return OutboxMessage.objects.filter(
        recipient=recipient, kind=kind, created_at__gte=since
    ).count()


def last_message_at(*, recipient: str, kind: str) -> datetime | None:
    last = (
        OutboxMessage.objects.filter(recipient=recipient, kind=kind)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return last
