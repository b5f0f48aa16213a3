"""Courses of the calling platform: submitted here, approved by the programme office,
then sold in the catalogue. A course is changed only while it waits for approval or
after a rejection; sessions may be added to a published one."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from bekal.api.partners.v1.schemas import (
    EXTERNAL_ID_PATTERN,
    WHOLE_NUMBER,
    BodyIn,
    CourseStatus,
    Description,
    ExternalId,
    Moment,
    MomentIn,
    Name,
    PageMeta,
    PageQuery,
    Reason,
    RegencyCode,
    Rupiah,
    Title,
    check_moment,
    page_of,
)
from bekal.api.partners.v1.security import platform_of
from bekal.marketplace.models import Category, Course, CourseSession, Format, Level
from bekal.marketplace.selectors import get_platform_course, list_platform_courses
from bekal.marketplace.services import catalogue, refunds

router = Router(tags=["courses"])

#: How long a course lasts, as bekal.marketplace.services.catalogue allows it.
Minutes = Annotated[
    int, Field(ge=30, le=200 * 60, description="30 minutes to 200 hours."), WHOLE_NUMBER
]
Places = Annotated[int, Field(ge=1, le=100_000), WHOLE_NUMBER]


class SessionIn(BodyIn):
    external_id: ExternalId
    starts_at: MomentIn
    ends_at: MomentIn
    capacity: Places | None = Field(None, description="Places; null: no limit.")

    def as_input(self) -> catalogue.SessionInput:
        return catalogue.SessionInput(
            external_id=self.external_id,
            starts_at=check_moment(self.starts_at, field="starts_at"),
            ends_at=check_moment(self.ends_at, field="ends_at"),
            capacity=self.capacity,
        )


class CourseIn(BodyIn):
    external_id: ExternalId
    provider_external_id: ExternalId
    title: Title
    description: Description
    category: Category
    level: Level
    format: Format
    price: Rupiah
    duration_minutes: Minutes
    regency_code: RegencyCode | None = Field(None, description="Required for in-person courses.")
    sessions: list[SessionIn] = Field([], max_length=100)


class CoursePatch(BodyIn):
    """Only the fields sent are changed; a field may not be sent as null (except
    regency_code)."""

    provider_external_id: ExternalId = None  # type: ignore[assignment]
    title: Title = None  # type: ignore[assignment]
    description: Description = None  # type: ignore[assignment]
    category: Category = None  # type: ignore[assignment]
    level: Level = None  # type: ignore[assignment]
    format: Format = None  # type: ignore[assignment]
    price: Rupiah = None  # type: ignore[assignment]
    duration_minutes: Minutes = None  # type: ignore[assignment]
    regency_code: RegencyCode | None = None


class WithdrawIn(BodyIn):
    note: Name = Field(description="Why the course is no longer sold.")


class CancelIn(BodyIn):
    reason: Reason = Field(description="Why the session is cancelled; told to every buyer.")


class SessionOut(Schema):
    external_id: str
    starts_at: Moment
    ends_at: Moment
    capacity: int | None
    sold: int
    is_cancelled: bool


class CancelledSessionOut(SessionOut):
    refunded: int = Field(description="How many purchases of the session were refunded.")


class CourseOut(Schema):
    external_id: str
    provider_external_id: str
    title: str
    description: str
    category: str
    level: str
    format: str
    price: int
    duration_minutes: int
    regency_code: str | None
    status: CourseStatus
    decision_note: str
    rating: float | None = Field(description="Average rating 1-5; null before a review.")
    review_count: int
    submitted_at: Moment
    decided_at: Moment | None
    sessions: list[SessionOut]


class CoursePage(PageMeta):
    items: list[CourseOut]


def session_out(session: CourseSession) -> SessionOut:
    return SessionOut(
        external_id=session.external_id,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=session.capacity,
        sold=session.sold,
        is_cancelled=session.is_cancelled,
    )


def course_out(course: Course) -> CourseOut:
    return CourseOut(
        external_id=course.external_id,
        provider_external_id=course.provider.external_id,
        title=course.title,
        description=course.description,
        category=course.category,
        level=course.level,
        format=course.format,
        price=course.price,
        duration_minutes=course.duration_minutes,
        regency_code=course.regency_id,
        status=course.status,  # type: ignore[arg-type]
        decision_note=course.decision_note,
        rating=course.rating,
        review_count=course.review_count,
        submitted_at=course.submitted_at,
        decided_at=course.decided_at,
        sessions=[session_out(s) for s in course.sessions.all()],
    )


CourseId = Path(..., pattern=EXTERNAL_ID_PATTERN, description="The platform's id of the course.")
SessionId = Path(..., pattern=EXTERNAL_ID_PATTERN, description="The platform's id of the session.")


@router.post("/courses", response={201: CourseOut}, summary="Submit a course for approval")
def submit_course(request: HttpRequest, payload: CourseIn) -> Status:
    course = catalogue.submit_course(
        platform=platform_of(request),
        provider_external_id=payload.provider_external_id,
        external_id=payload.external_id,
        title=payload.title,
        description=payload.description,
        category=payload.category.value,
        level=payload.level.value,
        format=payload.format.value,
        price=payload.price,
        duration_minutes=payload.duration_minutes,
        regency_code=payload.regency_code,
        sessions=[s.as_input() for s in payload.sessions],
    )
    return Status(201, course_out(course))


@router.get("/courses", response=CoursePage, summary="The platform's courses")
def list_courses(
    request: HttpRequest,
    page: Query[PageQuery],
    status: CourseStatus | None = None,
) -> CoursePage:
    courses = list_platform_courses(platform=platform_of(request), status=status or "")
    items, meta = page_of(courses, page)
    return CoursePage(items=[course_out(c) for c in items], **meta.model_dump())


@router.get("/courses/{external_id}", response=CourseOut, summary="One of the platform's courses")
def get_course(request: HttpRequest, external_id: str = CourseId) -> CourseOut:
    return course_out(get_platform_course(platform=platform_of(request), external_id=external_id))


@router.patch(
    "/courses/{external_id}",
    response=CourseOut,
    summary="Correct a course waiting for approval, or resubmit a rejected one",
)
def update_course(
    request: HttpRequest, payload: CoursePatch, external_id: str = CourseId
) -> CourseOut:
    course = get_platform_course(platform=platform_of(request), external_id=external_id)
    changes = payload.model_dump(mode="json", exclude_unset=True)
    return course_out(catalogue.update_course(course=course, **changes))


@router.post(
    "/courses/{external_id}/sessions",
    response={201: SessionOut},
    summary="Add a session to a live or in-person course",
)
def add_session(request: HttpRequest, payload: SessionIn, external_id: str = CourseId) -> Status:
    course = get_platform_course(platform=platform_of(request), external_id=external_id)
    session = catalogue.add_session(course=course, session=payload.as_input())
    return Status(201, session_out(session))


@router.post("/courses/{external_id}/withdraw", response=CourseOut, summary="Stop selling a course")
def withdraw_course(
    request: HttpRequest, payload: WithdrawIn, external_id: str = CourseId
) -> CourseOut:
    course = get_platform_course(platform=platform_of(request), external_id=external_id)
    return course_out(catalogue.withdraw_course(course=course, note=payload.note))


@router.post(
    "/courses/{external_id}/sessions/{session_external_id}/cancel",
    response=CancelledSessionOut,
    summary="Cancel a session that has not started; its buyers get their money back",
)
def cancel_session(
    request: HttpRequest,
    payload: CancelIn,
    external_id: str = CourseId,
    session_external_id: str = SessionId,
) -> CancelledSessionOut:
    cancelled = refunds.cancel_session(
        platform=platform_of(request),
        course_external_id=external_id,
        session_external_id=session_external_id,
        reason=payload.reason,
    )
    session = cancelled.session
    return CancelledSessionOut(
        external_id=session.external_id,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=session.capacity,
        sold=session.sold,
        is_cancelled=session.is_cancelled,
        refunded=cancelled.refunded,
    )
