"""Reads of the desks app: an officer's desk, today's counts, a registration in scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.desks.errors import AssistedRegistrationNotFoundError, NotDeskOfficerError
from bekal.desks.models import AssistedRegistration, AssistedStep, Desk, DeskFlag, DeskMembership


def get_officer_desk(*, officer: User) -> Desk | None:
    """The open desk the officer works at now, if any."""
    if not officer.is_authenticated:
        return None
    membership = (
        DeskMembership.objects.select_related("desk", "desk__regency")
        .filter(officer=officer, ended_at__isnull=True, desk__is_active=True)
        .first()
    )
    return membership.desk if membership is not None else None


def is_desk_officer(*, user: User) -> bool:
    return get_officer_desk(officer=user) is not None


def require_officer_desk(*, officer: User) -> Desk:
    desk = get_officer_desk(officer=officer)
    if desk is None or officer.role != User.Role.REGIONAL_OFFICER:
        raise NotDeskOfficerError()
    return desk


def today() -> dt.date:
    """The Asia/Jakarta day: the limits count the office's day."""
    return timezone.localdate()


@dataclass(frozen=True)
class DayCounts:
    desk: int
    officer: int
    desk_limit: int
    officer_limit: int


def get_day_counts(*, desk: Desk, officer: User, day: dt.date | None = None) -> DayCounts:
    day = day or today()
    started = AssistedRegistration.objects.filter(day=day)
    return DayCounts(
        desk=started.filter(desk=desk).count(),
        officer=started.filter(officer=officer).count(),
        desk_limit=settings.BEKAL_DESK_DAILY_LIMIT,
        officer_limit=settings.BEKAL_DESK_OFFICER_DAILY_LIMIT,
    )


def get_registration(
    *, officer: User, registration_id: int, ip: str | None = None
) -> AssistedRegistration:
    """A registration of the officer's desk (any officer of it may continue one).

    Staff reading a person's record: the opening is audited, a refused one too."""
    desk = require_officer_desk(officer=officer)
    registration = (
        AssistedRegistration.objects.select_related("desk", "officer", "citizen")
        .filter(pk=registration_id, desk=desk)
        .first()
    )
    record_event(
        action="desk.registration_opened" if registration else "desk.registration_refused",
        actor=officer,
        subject_user=registration.citizen if registration else None,
        target=registration,
        ip_address=ip,
        desk_id=desk.pk,
        registration_id=registration_id,
    )
    if registration is None:
        raise AssistedRegistrationNotFoundError()
    return registration


def list_registrations_of_day(
    *, desk: Desk, viewer: User, day: dt.date | None = None, ip: str | None = None
) -> list[AssistedRegistration]:
    """The desk's registrations of the day, newest first; the list shown is audited."""
    shown = list(
        AssistedRegistration.objects.select_related("officer", "citizen")
        .filter(desk=desk, day=day or today())
        .order_by("-started_at")[:200]
    )
    record_event(
        action="desk.registrations_listed",
        actor=viewer,
        ip_address=ip,
        desk_id=desk.pk,
        registration_ids=[registration.pk for registration in shown],
    )
    return shown


def list_steps(*, registration: AssistedRegistration) -> QuerySet[AssistedStep]:
    return registration.steps.select_related("officer", "desk").all()


def get_assisted_registration_of(*, citizen: User) -> AssistedRegistration | None:
    """Where and by whom the citizen was registered, if at a desk."""
    return (
        AssistedRegistration.objects.select_related("desk", "officer")
        .filter(citizen=citizen)
        .first()
    )


def list_desk_flags(*, open_only: bool = True, limit: int = 100) -> QuerySet[DeskFlag]:
    flags = DeskFlag.objects.select_related("desk", "officer").order_by("-flagged_at", "-id")
    if open_only:
        flags = flags.filter(reviewed_at__isnull=True)
    return flags[:limit]
