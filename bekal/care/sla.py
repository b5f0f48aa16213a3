"""SLA clocks of care tickets, in working time (bekal.care.calendar).

Targets per category default to the national complaints service (SP4N-LAPOR!): a first
response within 3 working days; information and complaints resolved within 5, disputes
within 14, matters needing a field check within 60. `BEKAL_CARE_FIRST_RESPONSE_DAYS` and
`BEKAL_CARE_RESOLUTION_DAYS` change them. A working day is the calendar's working hours.

The resolution clock stops while the ticket waits on the citizen and starts again when
they reply; the time already used is kept. Each running clock stores the moments when
75% and 100% of its target will have been used (`*_warn_at`, `*_due_at`), so the sweep
that escalates finds the tickets with one indexed query and no calendar arithmetic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from bekal.care.calendar import working_calendar
from bekal.care.models import Ticket

WARN_AT = 0.75


@dataclass(frozen=True)
class Targets:
    first_response_seconds: int
    update_seconds: int
    resolution_seconds: int


def targets_for(category: str) -> Targets:
    """The category's targets in working seconds."""
    per_day = working_calendar().seconds_per_day
    days = settings.BEKAL_CARE_RESOLUTION_DAYS
    return Targets(
        first_response_seconds=int(settings.BEKAL_CARE_FIRST_RESPONSE_DAYS * per_day),
        update_seconds=int(settings.BEKAL_CARE_UPDATE_DAYS * per_day),
        resolution_seconds=int(days.get(category, days["complaint"]) * per_day),
    )


def start_clocks(ticket: Ticket, *, now: dt.datetime) -> None:
    """Set a new ticket's targets and deadlines (not saved)."""
    calendar = working_calendar()
    targets = targets_for(ticket.category)
    ticket.first_response_target_seconds = targets.first_response_seconds
    ticket.resolution_target_seconds = targets.resolution_seconds
    ticket.update_target_seconds = targets.update_seconds
    ticket.first_response_warn_at = calendar.add_working_seconds(
        now, WARN_AT * targets.first_response_seconds
    )
    ticket.first_response_due_at = calendar.add_working_seconds(now, targets.first_response_seconds)
    ticket.resolution_used_seconds = 0
    _run_resolution_clock(ticket, now=now)


def _run_resolution_clock(ticket: Ticket, *, now: dt.datetime) -> None:
    calendar = working_calendar()
    target, used = ticket.resolution_target_seconds, ticket.resolution_used_seconds
    ticket.clock_resumed_at = now
    ticket.resolution_warn_at = calendar.add_working_seconds(now, max(0, WARN_AT * target - used))
    ticket.resolution_due_at = calendar.add_working_seconds(now, max(0, target - used))


def resolution_used(ticket: Ticket, *, now: dt.datetime) -> int:
    """Working seconds of the resolution target used so far."""
    used = ticket.resolution_used_seconds
    if ticket.clock_resumed_at is not None:
        used += working_calendar().working_seconds_between(ticket.clock_resumed_at, now)
    return used


def first_response_used(ticket: Ticket, *, now: dt.datetime) -> int:
    end = ticket.first_responded_at or now
    return working_calendar().working_seconds_between(ticket.opened_at, end)


def stop_clock(ticket: Ticket, *, now: dt.datetime) -> None:
    """Stop the resolution clock (waiting on the citizen, or resolved), keeping what was
    used (not saved)."""
    ticket.resolution_used_seconds = resolution_used(ticket, now=now)
    ticket.clock_resumed_at = None
    ticket.resolution_warn_at = None
    ticket.resolution_due_at = None


def resume_clock(ticket: Ticket, *, now: dt.datetime) -> None:
    """Start the resolution clock again where it stopped (not saved)."""
    if ticket.clock_resumed_at is None:
        _run_resolution_clock(ticket, now=now)


def record_first_response(ticket: Ticket, *, now: dt.datetime) -> None:
    """An officer answered the citizen: the first response, else the update awaited."""
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
        ticket.first_response_working_seconds = first_response_used(ticket, now=now)
    ticket.update_warn_at = None
    ticket.update_due_at = None


def start_update_clock(ticket: Ticket, *, now: dt.datetime) -> None:
    """The citizen wrote again on an answered ticket: an answer is due within the update
    target (a new round), unless one is already awaited (not saved)."""
    if ticket.first_responded_at is None or ticket.update_due_at is not None:
        return
    calendar = working_calendar()
    target = ticket.update_target_seconds
    ticket.update_round += 1
    ticket.update_warn_at = calendar.add_working_seconds(now, WARN_AT * target)
    ticket.update_due_at = calendar.add_working_seconds(now, target)


def _left_until(due: dt.datetime, *, now: dt.datetime) -> int:
    """Working seconds from now to `due`; negative once it has passed."""
    calendar = working_calendar()
    if now <= due:
        return calendar.working_seconds_between(now, due)
    return -calendar.working_seconds_between(due, now)


@dataclass(frozen=True)
class ClockView:
    """What a page shows of a ticket's clock: working seconds left (negative when late)."""

    clock: str
    target_seconds: int
    used_seconds: int
    running: bool

    @property
    def left_seconds(self) -> int:
        return self.target_seconds - self.used_seconds

    @property
    def percent_used(self) -> int:
        return int(100 * self.used_seconds / self.target_seconds) if self.target_seconds else 100

    @property
    def breached(self) -> bool:
        return self.used_seconds >= self.target_seconds


def current_clock(ticket: Ticket, *, now: dt.datetime) -> ClockView | None:
    """The clock that matters now: first response until it is given, then an answer to
    the citizen's reply while one is awaited, then resolution; None once resolved."""
    if not ticket.is_open:
        return None
    if ticket.first_responded_at is None:
        return ClockView(
            clock="first_response",
            target_seconds=ticket.first_response_target_seconds,
            used_seconds=first_response_used(ticket, now=now),
            running=True,
        )
    if ticket.update_due_at is not None:
        return ClockView(
            clock="update",
            target_seconds=ticket.update_target_seconds,
            used_seconds=ticket.update_target_seconds - _left_until(ticket.update_due_at, now=now),
            running=True,
        )
    return ClockView(
        clock="resolution",
        target_seconds=ticket.resolution_target_seconds,
        used_seconds=resolution_used(ticket, now=now),
        running=ticket.clock_resumed_at is not None,
    )
