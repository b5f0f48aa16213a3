"""Reads of care tickets: the citizen's own, the staff queues (scoped and audited), and
the figures per region for the dashboards.

Scope, the same rule as the registrants' (bekal.participants.staff): the programme office
sees every region, an officer of a regional labour office only tickets of their
regency/city; fraud and broker tickets only with the `care.view_sensitive_ticket`
permission (the restricted group). Every ticket page a staff member opens is audited, and
so is a refused one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Aggregate, Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from bekal.accounts.models import User
from bekal.care.errors import NotCareStaffError, TicketNotFoundError
from bekal.care.models import (
    SENSITIVE_CATEGORIES,
    Ticket,
    TicketAttachment,
    TicketEscalation,
    TicketMessage,
)
from bekal.core.audit import record_event

SENSITIVE_PERMISSION = "care.view_sensitive_ticket"


def is_care_staff(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or user.role == User.Role.PROGRAMME_ADMIN
        or (user.role == User.Role.REGIONAL_OFFICER and user.region_id is not None)
    )


def sees_every_region(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == User.Role.PROGRAMME_ADMIN)


def sees_sensitive(user: User) -> bool:
    return user.has_perm(SENSITIVE_PERMISSION)


def staff_tickets(*, viewer: User) -> QuerySet[Ticket]:
    """Every ticket `viewer` may see (default deny)."""
    if not is_care_staff(viewer):
        raise NotCareStaffError()
    tickets = Ticket.objects.all()
    if not sees_every_region(viewer):
        tickets = tickets.filter(region_id=viewer.region_id)
    if not sees_sensitive(viewer):
        tickets = tickets.exclude(category__in=SENSITIVE_CATEGORIES)
    return tickets


def record_refused_ticket_read(*, viewer: User, reference: str, ip: str | None) -> None:
    record_event(
        action="care.ticket_refused",
        actor=viewer,
        ip_address=ip,
        reference=reference[:8],
        region=viewer.region_id or "",
    )


@transaction.atomic
def list_queue(
    *,
    viewer: User,
    status: str = "open",
    region_id: str | None = None,
    ip: str | None = None,
    limit: int = 200,
) -> list[Ticket]:
    """Open tickets of the viewer's scope, the least time left first (tickets waiting on
    the citizen, whose clock stands, after them); `status="resolved"` for the resolved.

    `region_id` narrows the programme office's view to one region's queue. Audited with
    the tickets shown."""
    tickets = staff_tickets(viewer=viewer).select_related("region", "citizen")
    if region_id is not None:
        tickets = tickets.filter(region__pk=region_id)
    if status == "resolved":
        tickets = tickets.filter(status=Ticket.Status.RESOLVED).order_by("-resolved_at")
    else:
        # The next deadline: the first response while it is awaited, else the resolution;
        # a stopped clock (waiting on the citizen) sorts last.
        next_due = Case(
            When(
                first_responded_at__isnull=True,
                then=Least("first_response_due_at", Coalesce("resolution_due_at", Value(_FAR))),
            ),
            When(
                update_due_at__isnull=False,
                then=Least("update_due_at", Coalesce("resolution_due_at", Value(_FAR))),
            ),
            default=F("resolution_due_at"),
        )
        tickets = (
            tickets.exclude(status=Ticket.Status.RESOLVED)
            .annotate(next_due=next_due)
            .order_by(F("next_due").asc(nulls_last=True), "id")
        )
    shown = list(tickets[:limit])
    record_event(
        action="care.queue_listed",
        actor=viewer,
        ip_address=ip,
        status=status,
        region=region_id or "",
        ticket_ids=[ticket.pk for ticket in shown],
    )
    return shown


_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class MessageEntry:
    message: TicketMessage
    files: list[TicketAttachment]


@dataclass(frozen=True)
class TicketView:
    ticket: Ticket
    entries: list[MessageEntry]


def _view(ticket: Ticket, *, include_internal: bool) -> TicketView:
    messages = ticket.messages.select_related("author").order_by("created_at", "id")
    if not include_internal:
        messages = messages.filter(internal=False)
    shown = list(messages)
    files: dict[int, list[TicketAttachment]] = {}
    for attachment in TicketAttachment.objects.filter(message__in=shown):
        files.setdefault(attachment.message_id, []).append(attachment)
    return TicketView(
        ticket=ticket,
        entries=[MessageEntry(message=m, files=files.get(m.pk, [])) for m in shown],
    )


def open_ticket_for_staff(*, viewer: User, reference: str, ip: str | None = None) -> TicketView:
    """A ticket's page for staff: checked against the scope, audited (refusals too)."""
    with transaction.atomic():
        ticket = (
            staff_tickets(viewer=viewer)
            .select_related("region", "citizen", "opened_by")
            .filter(reference=reference)
            .first()
        )
        if ticket is not None:
            record_event(
                action="care.ticket_opened_by_staff",
                actor=viewer,
                subject_user=ticket.citizen,
                target=ticket,
                ip_address=ip,
            )
            return _view(ticket, include_internal=True)
        record_refused_ticket_read(viewer=viewer, reference=reference, ip=ip)
    raise TicketNotFoundError()


def list_citizen_tickets(*, citizen: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(citizen=citizen).order_by("-opened_at", "-id")


def get_citizen_ticket(*, citizen: User, reference: str) -> TicketView:
    ticket = Ticket.objects.filter(citizen=citizen, reference=reference).first()
    if ticket is None:
        raise TicketNotFoundError()
    return _view(ticket, include_internal=False)


def get_attachment(*, viewer: User, attachment_id: int, ip: str | None = None) -> TicketAttachment:
    """An attachment its ticket's citizen, or staff of the ticket's scope (audited), may
    read; otherwise TicketNotFoundError."""
    attachment = (
        TicketAttachment.objects.select_related("message__ticket")
        .filter(pk=attachment_id, message__internal=False)
        .first()
    )
    if attachment is None:
        raise TicketNotFoundError()
    ticket = attachment.message.ticket
    if viewer.is_authenticated and ticket.citizen_id == viewer.pk:
        return attachment
    if is_care_staff(viewer) and staff_tickets(viewer=viewer).filter(pk=ticket.pk).exists():
        record_event(
            action="care.attachment_read",
            actor=viewer,
            subject_user=ticket.citizen,
            target=attachment,
            ip_address=ip,
        )
        return attachment
    raise TicketNotFoundError()


@dataclass(frozen=True)
class RegionQueue:
    region_id: str | None
    region_name: str
    open: int


def list_queue_regions(*, viewer: User) -> list[RegionQueue]:
    """The regions with open tickets in the viewer's scope, with their counts."""
    rows = (
        staff_tickets(viewer=viewer)
        .exclude(status=Ticket.Status.RESOLVED)
        .values("region_id", "region__name")
        .annotate(open=Count("id"))
        .order_by("region__name")
    )
    return [RegionQueue(r["region_id"], r["region__name"] or "", r["open"]) for r in rows]


def escalation_levels(*, ticket_ids: list[int]) -> dict[int, int]:
    """The highest escalation (75 or 100) of each ticket that has one."""
    levels: dict[int, int] = {}
    for ticket_id, level in TicketEscalation.objects.filter(ticket_id__in=ticket_ids).values_list(
        "ticket_id", "level"
    ):
        levels[ticket_id] = max(level, levels.get(ticket_id, 0))
    return levels


# --- figures for the dashboards ------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5) over a column."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class RegionFigures:
    """One region's care figures; `region_id` is the regency's Kemendagri code (its key),
    None for the programme office's own queue."""

    region_id: str | None
    region_name: str
    open: int
    breached: int
    #: Median working seconds to the first response, over tickets answered in the period.
    median_first_response_seconds: float | None


#: What ticket_figures_by_region groups by: the regency, its province, or nothing (one row).
FIGURE_GROUPS: dict[str, tuple[str, ...]] = {
    "regency": ("region_id", "region__name"),
    "province": ("region__province_id", "region__province__name"),
    "all": (),
}


def ticket_figures_by_region(
    *,
    region_ids: list[str] | None = None,
    since: dt.datetime | None = None,
    now: dt.datetime | None = None,
    group: str = "regency",
) -> list[RegionFigures]:
    """Per region: tickets open now, open tickets past a deadline now (first response,
    answer to a reply, or resolution), and the median working time to a first response
    of tickets opened since `since` (all time if None). One grouped query; `region_ids`
    narrows it (the caller resolves the viewer's scope). Sensitive categories are counted
    like any other. `group` "province" gives a row per province (region_id: the province's
    code), "all" one row for every ticket taken (region_id None, no name)."""
    now = now or timezone.now()
    tickets = Ticket.objects.all()
    if region_ids is not None:
        tickets = tickets.filter(region_id__in=region_ids)
    open_q = ~Q(status=Ticket.Status.RESOLVED)
    late_q = open_q & (
        Q(first_responded_at__isnull=True, first_response_due_at__lt=now)
        | Q(update_due_at__lt=now)
        | Q(resolution_due_at__lt=now)
    )
    answered_q = Q(first_response_working_seconds__isnull=False)
    if since is not None:
        answered_q &= Q(opened_at__gte=since)
    figures = {
        "open": Count("id", filter=open_q),
        "breached": Count("id", filter=late_q),
        "median": Median("first_response_working_seconds", filter=answered_q),
    }
    fields = FIGURE_GROUPS[group]
    rows: list[dict[str, Any]]
    if fields:
        code, name = fields
        rows = [
            {**row, "code": row[code], "name": row[name]}
            for row in tickets.values(*fields).annotate(**figures).order_by(name)
        ]
    else:
        rows = [{**tickets.aggregate(**figures), "code": None, "name": ""}]
    return [
        RegionFigures(
            region_id=row["code"],
            region_name=row["name"] or "",
            open=row["open"],
            breached=row["breached"],
            median_first_response_seconds=row["median"],
        )
        for row in rows
    ]
