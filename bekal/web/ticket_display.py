"""How pages show a care ticket's clock: time left in working days and hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bekal.care.calendar import working_calendar
from bekal.care.models import Ticket
from bekal.care.sla import current_clock


def working_time_label(seconds: int) -> str:
    """3 working days 4 hours, in working time (11-hour days by default)."""
    per_day = working_calendar().seconds_per_day
    seconds = abs(seconds)
    days, rest = divmod(seconds, per_day)
    hours = rest // 3600
    parts = []
    if days:
        parts.append(ngettext("%(n)s working day", "%(n)s working days", days) % {"n": days})
    if hours or not days:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    return " ".join(parts)


@dataclass(frozen=True)
class ClockLabel:
    text: str
    #: "ok", "warn" (75% used), "late" (100%), "paused" or "done": a CSS class.
    state: str


def clock_label(ticket: Ticket, *, now: dt.datetime) -> ClockLabel:
    clock = current_clock(ticket, now=now)
    if clock is None:
        return ClockLabel(_("Resolved"), "done")
    if not clock.running:
        return ClockLabel(
            _("Paused, %(left)s left") % {"left": working_time_label(clock.left_seconds)},
            "paused",
        )
    what = {
        "first_response": _("first response"),
        "update": _("answer to the citizen's reply"),
    }.get(clock.clock, _("resolution"))
    if clock.breached:
        return ClockLabel(
            _("%(what)s late by %(late)s")
            % {"what": what, "late": working_time_label(-clock.left_seconds)},
            "late",
        )
    return ClockLabel(
        _("%(left)s left for the %(what)s")
        % {"left": working_time_label(clock.left_seconds), "what": what},
        "warn" if clock.percent_used >= 75 else "ok",
    )
