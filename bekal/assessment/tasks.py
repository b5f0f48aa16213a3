"""Background jobs of the test (Procrastinate, on PostgreSQL). Thin: they call services."""

from __future__ import annotations

from procrastinate.contrib.django import app

from bekal.assessment import services


@app.periodic(cron="* * * * *", periodic_id="finish_expired_attempts")
@app.task(
    name="assessment.finish_expired_attempts",
    queue="assessment",
    queueing_lock="assessment.finish_expired_attempts",
)
def finish_expired_attempts(timestamp: int) -> None:
    """Every minute: score the attempts whose time ran out (on what was answered)."""
    services.finish_expired_attempts()
