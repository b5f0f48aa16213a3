"""Background jobs of care (Procrastinate). Thin: they call the sweep."""

from __future__ import annotations

from procrastinate.contrib.django import app

from bekal.care.escalation import escalate_due_tickets

CARE_QUEUE = "care"


@app.periodic(cron="*/5 * * * *", periodic_id="escalate_care_tickets")
@app.task(name="care.escalate_due_tickets", queue=CARE_QUEUE, queueing_lock="care.escalate")
def escalate_care_tickets(timestamp: int) -> None:
    """Every five minutes: record the escalations at 75% and 100% of the SLA targets."""
    escalate_due_tickets()
