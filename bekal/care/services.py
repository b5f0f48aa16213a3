"""Care tickets: open (idempotently), answer, wait on the citizen, resolve, reply.

Every change writes its audit row in the same transaction. Staff act only on tickets of
their scope (bekal.care.selectors.staff_tickets): their region, and the sensitive
categories only with the `care.view_sensitive_ticket` permission.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from bekal.accounts.models import User
from bekal.accounts.selectors import get_current_phone
from bekal.care import attachments, sla
from bekal.care.errors import (
    CategoryError,
    CitizenRequiredError,
    MessageRequiredError,
    MessageTooLongError,
    TicketNotFoundError,
    TicketResolvedError,
)
from bekal.care.models import Category, Channel, SubjectKind, Ticket, TicketMessage
from bekal.care.selectors import record_refused_ticket_read, staff_tickets
from bekal.core.audit import record_event
from bekal.core.crypto import decrypt, encrypt
from bekal.core.links import portal_links
from bekal.notifications.services import queue_email, queue_sms
from bekal.regions.models import Regency

MAX_BODY = 4000
MIN_BODY = 10
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_REFERENCE_DRAWS = 5

#: What a citizen may choose on the website; the rest are set by staff or the system.
CITIZEN_CATEGORIES = (
    Category.INFORMATION,
    Category.COMPLAINT,
    Category.DISPUTE,
    Category.FRAUD,
    Category.BROKER,
)
STAFF_CATEGORIES = (*CITIZEN_CATEGORIES, Category.FIELD_CHECK)

SMS_ANSWERED = gettext_noop(
    "Bekal: an officer answered your ticket %(reference)s. Read it at %(link)s. "
    "To reply by SMS, start your message with %(reference)s."
)
SMS_RESOLVED = gettext_noop("Bekal: your ticket %(reference)s is resolved. Details: %(link)s")


def _new_reference() -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def _clean_body(body: str, *, minimum: int = MIN_BODY) -> str:
    text = (body or "").strip()
    if len(text) < max(1, minimum):
        raise MessageRequiredError(field="body")
    if len(text) > MAX_BODY:
        raise MessageTooLongError(field="body", limit=MAX_BODY)
    return text


def _add_message(
    *,
    ticket: Ticket,
    author_kind: str,
    author: User | None,
    channel: str,
    body: str,
    now: dt.datetime,
    internal: bool = False,
    attachment: tuple[bytes, str] | None = None,
) -> TicketMessage:
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=author_kind,
        author=author,
        channel=channel,
        body_encrypted=encrypt(body),
        internal=internal,
        created_at=now,
    )
    if attachment is not None:
        attachments.store(message=message, data=attachment[0], content_type=attachment[1])
    return message


def open_ticket(
    *,
    idempotency_key: str,
    category: str,
    body: str,
    channel: str,
    citizen: User | None,
    region: Regency | None,
    opened_by: User | None = None,
    subject_kind: str = "",
    subject_id: str = "",
    self_service_url: str = "",
    attachment: IO[bytes] | Any = None,
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> Ticket:
    """Open a ticket, or return the one already opened under `idempotency_key`.

    `channel` is where it came from: web (the citizen, signed in), desk or phone (an
    officer, `opened_by`, for a citizen who may have no account), sms, system.
    """
    existing = Ticket.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    allowed = CITIZEN_CATEGORIES if channel == Channel.WEB else Category.values
    if category not in allowed:
        raise CategoryError(field="category")
    if channel == Channel.WEB and citizen is None:
        raise CitizenRequiredError()
    if subject_kind not in SubjectKind.values:
        raise ValueError(f"unknown subject kind {subject_kind!r}")
    text = _clean_body(body)
    upload = attachments.read_upload(attachment) if attachment else None
    now = now or timezone.now()
    for attempt in range(_REFERENCE_DRAWS):
        try:
            with transaction.atomic():
                ticket = Ticket(
                    reference=_new_reference(),
                    idempotency_key=idempotency_key,
                    citizen=citizen,
                    region=region,
                    category=category,
                    channel=channel,
                    subject_kind=subject_kind,
                    subject_id=subject_id,
                    self_service_url=self_service_url,
                    opened_by=opened_by,
                    opened_at=now,
                )
                sla.start_clocks(ticket, now=now)
                ticket.save()
                _add_message(
                    ticket=ticket,
                    author_kind=(
                        TicketMessage.Author.SYSTEM
                        if channel == Channel.SYSTEM
                        else TicketMessage.Author.OFFICER
                        if opened_by is not None and opened_by != citizen
                        else TicketMessage.Author.CITIZEN
                    ),
                    author=opened_by or citizen,
                    channel=channel,
                    body=text,
                    now=now,
                    attachment=upload,
                )
                record_event(
                    action="care.ticket_opened",
                    actor=opened_by or citizen,
                    subject_user=citizen,
                    target=ticket,
                    ip_address=ip,
                    channel=channel,
                    category=category,
                    subject_kind=subject_kind,
                    subject_id=subject_id,
                )
        except IntegrityError:
            # The same key raced in (a double click, a retried job): the first one stands.
            existing = Ticket.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            if attempt == _REFERENCE_DRAWS - 1:
                raise
            # Else the reference drawn was already taken (32**6 of them): draw another.
        else:
            return ticket
    raise AssertionError("unreachable")


def open_system_ticket(
    *,
    key: str,
    citizen: User,
    category: str,
    subject_kind: str,
    subject_id: str,
    body: str,
    self_service_url: str = "",
    region: Regency | None = None,
) -> Ticket:
    """A ticket Bekal opens itself (an identity check refused, a payout name mismatch, a
    reconciliation break). Idempotent on `key`: an event seen twice opens one ticket."""
    return open_ticket(
        idempotency_key=f"system:{key}",
        category=category,
        body=body,
        channel=Channel.SYSTEM,
        citizen=citizen,
        region=region,
        subject_kind=subject_kind,
        subject_id=subject_id,
        self_service_url=self_service_url,
    )


def _in_scope(viewer: User, reference: str, ip: str | None) -> int:
    """The id of a ticket the viewer may act on; a refusal is audited (and kept: it is
    written before the refusal rolls anything back)."""
    with transaction.atomic():
        found = (
            staff_tickets(viewer=viewer)
            .filter(reference=reference)
            .values_list("pk", flat=True)
            .first()
        )
        if found is None:
            record_refused_ticket_read(viewer=viewer, reference=reference, ip=ip)
    if found is None:
        raise TicketNotFoundError()
    return found


def _locked(ticket_id: int) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket_id)


def _tell_citizen(ticket: Ticket, text: str, kind: str) -> None:
    """By SMS to the citizen's verified number; by email when they have none."""
    citizen = ticket.citizen
    if citizen is None:
        return
    phone = get_current_phone(user=citizen)
    link = portal_links().care_ticket(ticket.reference)
    with translation.override(citizen.language):
        body = gettext(text) % {"reference": ticket.reference, "link": link}
        subject = gettext("Your ticket %(reference)s") % {"reference": ticket.reference}
    if phone is not None:
        queue_sms(to=decrypt(phone.phone_encrypted), kind=kind, body=body, user=citizen)
    elif citizen.email and citizen.email_confirmed:
        queue_email(to=citizen.email, kind=kind, subject=subject, body=body, user=citizen)


def answer_ticket(
    *,
    viewer: User,
    reference: str,
    body: str,
    wait_on_citizen: bool = False,
    internal: bool = False,
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> Ticket:
    """An officer's answer. `wait_on_citizen` asks the citizen for something and stops
    the resolution clock until they reply; `internal` is a note only staff read."""
    text = _clean_body(body)
    ticket_id = _in_scope(viewer, reference, ip)
    with transaction.atomic():
        return _answer(viewer, _locked(ticket_id), text, wait_on_citizen, internal, now, ip)


def _answer(
    viewer: User,
    ticket: Ticket,
    text: str,
    wait_on_citizen: bool,
    internal: bool,
    now: dt.datetime | None,
    ip: str | None,
) -> Ticket:
    if not ticket.is_open:
        raise TicketResolvedError()
    now = now or timezone.now()
    _add_message(
        ticket=ticket,
        author_kind=TicketMessage.Author.OFFICER,
        author=viewer,
        channel=Channel.WEB,
        body=text,
        now=now,
        internal=internal,
    )
    if not internal:
        sla.record_first_response(ticket, now=now)
        if wait_on_citizen:
            sla.stop_clock(ticket, now=now)
            ticket.status = Ticket.Status.WAITING_ON_CITIZEN
        else:
            sla.resume_clock(ticket, now=now)
            ticket.status = Ticket.Status.IN_PROGRESS
        ticket.save()
        _tell_citizen(ticket, SMS_ANSWERED, "care_ticket_answered")
    record_event(
        action="care.ticket_answered",
        actor=viewer,
        subject_user=ticket.citizen,
        target=ticket,
        ip_address=ip,
        status=ticket.status,
        internal=internal,
    )
    return ticket


def resolve_ticket(
    *,
    viewer: User,
    reference: str,
    body: str,
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> Ticket:
    """Close a ticket with the answer the citizen reads; the clocks stop for good."""
    text = _clean_body(body)
    ticket_id = _in_scope(viewer, reference, ip)
    with transaction.atomic():
        return _resolve(viewer, _locked(ticket_id), text, now, ip)


def _resolve(
    viewer: User, ticket: Ticket, text: str, now: dt.datetime | None, ip: str | None
) -> Ticket:
    if not ticket.is_open:
        raise TicketResolvedError()
    now = now or timezone.now()
    _add_message(
        ticket=ticket,
        author_kind=TicketMessage.Author.OFFICER,
        author=viewer,
        channel=Channel.WEB,
        body=text,
        now=now,
    )
    sla.record_first_response(ticket, now=now)
    used = sla.resolution_used(ticket, now=now)
    sla.stop_clock(ticket, now=now)
    late = used > ticket.resolution_target_seconds or (
        (ticket.first_response_working_seconds or 0) > ticket.first_response_target_seconds
    )
    if late and ticket.breached_at is None:
        ticket.breached_at = now
    ticket.status = Ticket.Status.RESOLVED
    ticket.resolved_at = now
    ticket.save()
    _tell_citizen(ticket, SMS_RESOLVED, "care_ticket_resolved")
    record_event(
        action="care.ticket_resolved",
        actor=viewer,
        subject_user=ticket.citizen,
        target=ticket,
        ip_address=ip,
        resolution_working_seconds=used,
    )
    return ticket


@transaction.atomic
def reply_as_citizen(
    *,
    citizen: User,
    reference: str,
    body: str,
    channel: str = Channel.WEB,
    attachment: IO[bytes] | Any = None,
    now: dt.datetime | None = None,
    ip: str | None = None,
) -> Ticket:
    """The citizen's reply (web or SMS: any length there). A ticket waiting on them starts
    its clock again."""
    text = _clean_body(body, minimum=1 if channel == Channel.SMS else MIN_BODY)
    upload = attachments.read_upload(attachment) if attachment else None
    ticket = Ticket.objects.select_for_update().filter(reference=reference, citizen=citizen).first()
    if ticket is None:
        raise TicketNotFoundError()
    if not ticket.is_open:
        raise TicketResolvedError()
    now = now or timezone.now()
    _add_message(
        ticket=ticket,
        author_kind=TicketMessage.Author.CITIZEN,
        author=citizen,
        channel=channel,
        body=text,
        now=now,
        attachment=upload,
    )
    if ticket.status == Ticket.Status.WAITING_ON_CITIZEN:
        sla.resume_clock(ticket, now=now)
        ticket.status = Ticket.Status.IN_PROGRESS
    sla.start_update_clock(ticket, now=now)
    ticket.save()
    record_event(
        action="care.ticket_replied",
        actor=citizen,
        subject_user=citizen,
        target=ticket,
        ip_address=ip,
        channel=channel,
    )
    return ticket


def resolve_system_tickets(*, citizen: User, subject_kind: str, subject_id: str, body: str) -> int:
    """Resolve the citizen's open tickets about a subject that Bekal has seen settled (the
    identity check now verified): the system writes the closing message. Returns how many."""
    now = timezone.now()
    resolved = 0
    with transaction.atomic():
        open_ones = (
            Ticket.objects.select_for_update()
            .filter(citizen=citizen, subject_kind=subject_kind, subject_id=subject_id)
            .exclude(status=Ticket.Status.RESOLVED)
        )
        for ticket in open_ones:
            _add_message(
                ticket=ticket,
                author_kind=TicketMessage.Author.SYSTEM,
                author=None,
                channel=Channel.SYSTEM,
                body=body,
                now=now,
            )
            sla.stop_clock(ticket, now=now)
            ticket.update_warn_at = ticket.update_due_at = None
            ticket.status = Ticket.Status.RESOLVED
            ticket.resolved_at = now
            ticket.save()
            record_event(
                action="care.ticket_resolved",
                subject_user=citizen,
                target=ticket,
                by="system",
            )
            resolved += 1
    return resolved
