"""The catalogue: platforms and their API client, providers, courses and sessions.

Platforms submit providers, courses and sessions through the partner API; a course is
sold only once the programme office approves it, and never above the price cap of the
scheme in force (Scheme.max_course_price, or its training balance when it has none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bekal.accounts.models import PartnerClient, User
from bekal.accounts.partner_clients import create_partner_client
from bekal.core.audit import record_event
from bekal.core.money import format_rupiah
from bekal.marketplace.errors import (
    CourseExistsError,
    CourseInvalidError,
    CourseNotApprovedError,
    CourseNotEditableError,
    CourseNotSubmittedError,
    CoursePriceOverCapError,
    DecisionNoteRequiredError,
    PlatformExistsError,
    PlatformInactiveError,
    ProviderExistsError,
    ProviderNotFoundError,
    SessionInvalidError,
)
from bekal.marketplace.models import (
    Category,
    Course,
    CourseSession,
    Format,
    Level,
    Platform,
    Provider,
)
from bekal.programmes.models import Scheme
from bekal.programmes.selectors import get_scheme_in_force
from bekal.regions.models import Regency

#: The longest a session may last (a multi-day offline course is several sessions).
MAX_SESSION_LENGTH = dt.timedelta(days=14)
#: Fields of a course its platform may change while it waits for approval.
EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "level",
    "format",
    "price",
    "duration_minutes",
    "regency_code",
    "provider_external_id",
)


def price_cap(scheme: Scheme) -> int:
    """The most one course may cost under `scheme`."""
    return int(scheme.max_course_price or scheme.training_balance)


@dataclass(frozen=True, slots=True)
class SessionInput:
    external_id: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int | None = None


@transaction.atomic
def create_platform(
    *, code: str, name: str, website: str = "", actor: User | None = None
) -> Platform:
    """A platform and the partner API client it calls as (credentials are issued apart).
    A code already taken raises PlatformExistsError."""
    code = code.strip()
    if Platform.objects.filter(code=code).exists():
        raise PlatformExistsError(field="code")
    client = create_partner_client(
        name=name, kind=PartnerClient.Kind.TRAINING_PLATFORM, actor=actor
    )
    try:
        with transaction.atomic():
            platform = Platform.objects.create(code=code, name=name, website=website, client=client)
    except IntegrityError:
        raise PlatformExistsError(field="code") from None
    record_event(action="marketplace.platform_created", actor=actor, target=platform)
    return platform


def _check_active(platform: Platform) -> None:
    if not platform.is_active or not platform.client.is_active:
        raise PlatformInactiveError()


def _regency(code: str | None, *, field: str) -> Regency | None:
    if not code:
        return None
    regency = Regency.objects.filter(code=code).first()
    if regency is None:
        raise CourseInvalidError(
            field=field, reason=_("%(code)s is not a regency or city code") % {"code": code}
        )
    return regency


@transaction.atomic
def register_provider(
    *, platform: Platform, external_id: str, name: str, regency_code: str | None = None
) -> Provider:
    """A training provider of the platform; its id is the platform's own."""
    _check_active(platform)
    external_id, name = external_id.strip(), name.strip()
    if not external_id or not name:
        raise CourseInvalidError(field="name", reason=_("a provider needs an id and a name"))
    if Provider.objects.filter(platform=platform, external_id=external_id).exists():
        raise ProviderExistsError(field="external_id")
    regency = _regency(regency_code, field="regency_code")
    try:
        with transaction.atomic():
            provider = Provider.objects.create(
                platform=platform, external_id=external_id, name=name, regency=regency
            )
    except IntegrityError:
        raise ProviderExistsError(field="external_id") from None
    record_event(action="marketplace.provider_registered", target=provider, platform=platform.code)
    return provider


def _validate_course(fields: dict[str, Any], *, now: dt.datetime) -> None:
    """Raise the first problem of a course's fields (already typed by the caller)."""
    title = fields["title"].strip()
    if not 5 <= len(title) <= 200:
        raise CourseInvalidError(field="title", reason=_("a title has 5 to 200 characters"))
    if not fields["description"].strip():
        raise CourseInvalidError(field="description", reason=_("a description is required"))
    for name, choices in (("category", Category), ("level", Level), ("format", Format)):
        if fields[name] not in choices.values:
            raise CourseInvalidError(
                field=name,
                reason=_("%(value)s is not one of %(choices)s")
                % {"value": fields[name], "choices": ", ".join(choices.values)},
            )
    price = fields["price"]
    if type(price) is not int or price <= 0:
        raise CourseInvalidError(field="price", reason=_("a price is a whole number of rupiah"))
    cap = price_cap(get_scheme_in_force(on=timezone.localdate(now)))
    if price > cap:
        raise CoursePriceOverCapError(
            field="price", price=format_rupiah(price), cap=format_rupiah(cap)
        )
    duration = fields["duration_minutes"]
    if type(duration) is not int or not 30 <= duration <= 200 * 60:
        raise CourseInvalidError(
            field="duration_minutes", reason=_("a course lasts 30 minutes to 200 hours")
        )
    if fields["format"] == Format.OFFLINE and not fields.get("regency_code"):
        raise CourseInvalidError(
            field="regency_code", reason=_("an in-person course says where it takes place")
        )


def _check_session(course: Course, session: SessionInput, *, now: dt.datetime) -> None:
    if not course.has_sessions:
        raise SessionInvalidError(field="sessions", reason=_("a self-paced course has no sessions"))
    if not session.external_id.strip():
        raise SessionInvalidError(field="external_id", reason=_("a session needs an id"))
    if session.starts_at.tzinfo is None or session.ends_at.tzinfo is None:
        raise SessionInvalidError(field="starts_at", reason=_("times need a time zone"))
    if session.starts_at <= now:
        raise SessionInvalidError(field="starts_at", reason=_("a session starts in the future"))
    if not session.starts_at < session.ends_at <= session.starts_at + MAX_SESSION_LENGTH:
        raise SessionInvalidError(
            field="ends_at", reason=_("a session ends after it starts, within 14 days")
        )
    if session.capacity is not None and session.capacity < 1:
        raise SessionInvalidError(field="capacity", reason=_("a session has at least 1 place"))


def _create_session(course: Course, session: SessionInput, *, now: dt.datetime) -> CourseSession:
    _check_session(course, session, now=now)
    if CourseSession.objects.filter(course=course, external_id=session.external_id).exists():
        raise SessionInvalidError(
            field="external_id", reason=_("this course already has a session with this id")
        )
    return CourseSession.objects.create(
        course=course,
        external_id=session.external_id.strip(),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=session.capacity,
    )


@transaction.atomic
def submit_course(
    *,
    platform: Platform,
    provider_external_id: str,
    external_id: str,
    title: str,
    description: str,
    category: str,
    level: str,
    format: str,
    price: int,
    duration_minutes: int,
    regency_code: str | None = None,
    sessions: list[SessionInput] | None = None,
    now: dt.datetime | None = None,
) -> Course:
    """A platform submits a course (with its first sessions) for the office to approve."""
    _check_active(platform)
    now = now or timezone.now()
    external_id = external_id.strip()
    if not external_id:
        raise CourseInvalidError(field="external_id", reason=_("a course needs an id"))
    fields = {
        "title": title,
        "description": description,
        "category": category,
        "level": level,
        "format": format,
        "price": price,
        "duration_minutes": duration_minutes,
        "regency_code": regency_code,
    }
    _validate_course(fields, now=now)
    provider = Provider.objects.filter(platform=platform, external_id=provider_external_id).first()
    if provider is None:
        raise ProviderNotFoundError(field="provider_external_id")
    if Course.objects.filter(platform=platform, external_id=external_id).exists():
        raise CourseExistsError(field="external_id")
    regency = _regency(regency_code, field="regency_code") if format == Format.OFFLINE else None
    try:
        with transaction.atomic():
            course = Course.objects.create(
                platform=platform,
                provider=provider,
                external_id=external_id,
                title=title.strip(),
                description=description.strip(),
                category=category,
                level=level,
                format=format,
                price=price,
                duration_minutes=duration_minutes,
                regency=regency,
                submitted_at=now,
            )
    except IntegrityError:
        raise CourseExistsError(field="external_id") from None
    for session in sessions or []:
        _create_session(course, session, now=now)
    record_event(
        action="marketplace.course_submitted",
        target=course,
        platform=platform.code,
        price=price,
    )
    return course


@transaction.atomic
def update_course(*, course: Course, now: dt.datetime | None = None, **changes: Any) -> Course:
    """The platform corrects a course waiting for approval, or a rejected one (which is
    submitted again). A published course is never changed in place."""
    now = now or timezone.now()
    course = Course.objects.select_for_update().select_related("platform__client").get(pk=course.pk)
    _check_active(course.platform)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise CourseInvalidError(field=sorted(unknown)[0], reason=_("this field cannot be changed"))
    if course.status not in (Course.Status.SUBMITTED, Course.Status.REJECTED):
        raise CourseNotEditableError()
    fields: dict[str, Any] = {
        "title": course.title,
        "description": course.description,
        "category": course.category,
        "level": course.level,
        "format": course.format,
        "price": course.price,
        "duration_minutes": course.duration_minutes,
        "regency_code": course.regency_id,
    }
    fields.update({k: v for k, v in changes.items() if k != "provider_external_id"})
    _validate_course(fields, now=now)
    if "provider_external_id" in changes:
        provider = Provider.objects.filter(
            platform=course.platform, external_id=changes["provider_external_id"]
        ).first()
        if provider is None:
            raise ProviderNotFoundError(field="provider_external_id")
        course.provider = provider
    if fields["format"] == Format.SELF_PACED and course.sessions.exists():
        raise CourseInvalidError(field="format", reason=_("this course has sessions"))
    for name in ("title", "description", "category", "level", "format", "price"):
        setattr(
            course, name, fields[name].strip() if isinstance(fields[name], str) else fields[name]
        )
    course.duration_minutes = fields["duration_minutes"]
    course.regency = (
        _regency(fields["regency_code"], field="regency_code")
        if fields["format"] == Format.OFFLINE
        else None
    )
    resubmitted = course.status == Course.Status.REJECTED
    course.status = Course.Status.SUBMITTED
    course.submitted_at = now
    course.save()
    record_event(
        action="marketplace.course_updated",
        target=course,
        changed=sorted(changes),
        resubmitted=resubmitted,
    )
    return course


@transaction.atomic
def add_session(
    *, course: Course, session: SessionInput, now: dt.datetime | None = None
) -> CourseSession:
    """A new scheduled session of a live or in-person course (no new approval needed)."""
    now = now or timezone.now()
    course = Course.objects.select_for_update().select_related("platform__client").get(pk=course.pk)
    _check_active(course.platform)
    if course.status in (Course.Status.WITHDRAWN, Course.Status.REJECTED):
        raise CourseNotEditableError()
    created = _create_session(course, session, now=now)
    record_event(action="marketplace.session_added", target=created, course=course.pk)
    return created


def _decide(course: Course, *, actor: User, status: str, note: str, now: dt.datetime) -> Course:
    course.status = status
    course.decided_at = now
    course.decided_by = actor
    course.decision_note = note
    course.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "updated_at"])
    return course


@transaction.atomic
def approve_course(
    *, course: Course, actor: User, note: str = "", now: dt.datetime | None = None
) -> Course:
    """The office publishes a submitted course. Its price is checked against the cap of
    the scheme in force today, which may have changed since it was submitted."""
    now = now or timezone.now()
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != Course.Status.SUBMITTED:
        raise CourseNotSubmittedError()
    cap = price_cap(get_scheme_in_force(on=timezone.localdate(now)))
    if course.price > cap:
        raise CoursePriceOverCapError(
            field="price", price=format_rupiah(course.price), cap=format_rupiah(cap)
        )
    _decide(course, actor=actor, status=Course.Status.APPROVED, note=note.strip(), now=now)
    record_event(action="marketplace.course_approved", actor=actor, target=course)
    return course


@transaction.atomic
def reject_course(
    *, course: Course, actor: User, note: str, now: dt.datetime | None = None
) -> Course:
    """The office sends a submitted course back to its platform, saying why."""
    if not note.strip():
        raise DecisionNoteRequiredError(field="note")
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != Course.Status.SUBMITTED:
        raise CourseNotSubmittedError()
    _decide(
        course,
        actor=actor,
        status=Course.Status.REJECTED,
        note=note.strip(),
        now=now or timezone.now(),
    )
    record_event(action="marketplace.course_rejected", actor=actor, target=course, note=note)
    return course


@transaction.atomic
def withdraw_course(
    *,
    course: Course,
    note: str,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> Course:
    """Stop selling a published course (the office, `actor`, or its own platform).
    Vouchers already bought stay valid."""
    if not note.strip():
        raise DecisionNoteRequiredError(field="note")
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != Course.Status.APPROVED:
        raise CourseNotApprovedError()
    course.status = Course.Status.WITHDRAWN
    course.decision_note = note.strip()
    course.decided_at = now or timezone.now()
    if actor is not None:
        course.decided_by = actor
    course.save(update_fields=["status", "decision_note", "decided_at", "decided_by", "updated_at"])
    record_event(
        action="marketplace.course_withdrawn",
        actor=actor,
        target=course,
        note=note,
        by="office" if actor is not None else "platform",
    )
    return course
