"""Background jobs of the notifications app (Procrastinate, on PostgreSQL)."""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from bekal.notifications import delivery


@app.task(
    name="notifications.deliver_message",
    queue="notifications",
    retry=RetryStrategy(max_attempts=8, exponential_wait=5),
)
def deliver_message(message_id: int) -> None:
    delivery.deliver(message_id=message_id)
