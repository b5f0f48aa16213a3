"""The sweep that escalates tickets whose clocks reach 75% and 100% of their target:
the first response, the answer to a citizen's reply (per round), the resolution.

A running clock stores the moments of 75% and 100% (bekal.care.sla), so the sweep is a
few indexed queries, not calendar arithmetic per ticket. Each escalation is a row, unique
per (ticket, clock, round, level), with its audit event; a sweep run twice, or two sweeps at
once, escalate once
(an advisory lock serialises sweeps). At 100% the ticket's `breached_at` is set.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bekal.care.models import Ticket, TicketEscalation
from bekal.core.models import AuditEvent

Clock = TicketEscalation.Clock

_LEVELS = (
    (Clock.FIRST_RESPONSE, 75, "first_response_warn_at"),
    (Clock.FIRST_RESPONSE, 100, "first_response_due_at"),
    (Clock.UPDATE, 75, "update_warn_at"),
    (Clock.UPDATE, 100, "update_due_at"),
    (Clock.RESOLUTION, 75, "resolution_warn_at"),
    (Clock.RESOLUTION, 100, "resolution_due_at"),
)


def _candidates(clock: str, level: int, moment_field: str, now: dt.datetime) -> QuerySet[Ticket]:
    running: dict[str, Q] = {
        Clock.FIRST_RESPONSE: Q(first_responded_at__isnull=True),
        Clock.UPDATE: Q(update_due_at__isnull=False),
        Clock.RESOLUTION: Q(clock_resumed_at__isnull=False),
    }
    done = TicketEscalation.objects.filter(ticket=OuterRef("pk"), clock=clock, level=level)
    if clock == Clock.UPDATE:
        done = done.filter(round=OuterRef("update_round"))
    else:
        done = done.filter(round=0)
    return (
        Ticket.objects.filter(running[clock], **{f"{moment_field}__lte": now})
        .exclude(status=Ticket.Status.RESOLVED)
        .exclude(Exists(done))
    )


@transaction.atomic
def escalate_due_tickets(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """Record the escalations due at `now`; returns how many were recorded."""
    now = now or timezone.now()
    with connection.cursor() as cursor:  # one sweep at a time: each escalation audited once
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('care.escalate_due_tickets'))")
    recorded = 0
    for clock, level, moment_field in _LEVELS:
        due = list(
            _candidates(clock, level, moment_field, now)
            .order_by(moment_field)
            .values_list("pk", "update_round")[:batch]
        )
        if not due:
            continue
        ids = [pk for pk, _ in due]
        rows = [
            TicketEscalation(
                ticket_id=pk,
                clock=clock,
                round=update_round if clock == Clock.UPDATE else 0,
                level=level,
                escalated_at=now,
            )
            for pk, update_round in due
        ]
        created = TicketEscalation.objects.bulk_create(rows, ignore_conflicts=True)
        if level == 100:
            Ticket.objects.filter(pk__in=ids, breached_at__isnull=True).update(breached_at=now)
        # One audit row per escalation, written in one statement (a backlog after an
        # outage escalates thousands at once).
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action="care.ticket_escalated",
                object_type=Ticket._meta.label_lower,
                object_id=str(escalation.ticket_id),
                details={"clock": clock, "round": escalation.round, "level": level},
            )
            for escalation in created
        )
        recorded += len(created)
    return recorded
