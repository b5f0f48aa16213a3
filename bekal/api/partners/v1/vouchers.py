"""Vouchers of the calling platform's courses: read them, redeem them when the training
starts, report their completion with a certificate.

A participant appears under a reference that is stable for one platform and differs
between platforms (a keyed hash of the person), with the name the certificate needs;
never an email address, a phone number or a NIK.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from bekal.api.partners.v1.schemas import (
    VOUCHER_CODE_PATTERN,
    WHOLE_NUMBER,
    BodyIn,
    CertificateNumber,
    Moment,
    MomentIn,
    PageMeta,
    PageQuery,
    VoucherStatus,
    check_moment,
    page_of,
)
from bekal.api.partners.v1.security import platform_of
from bekal.core.crypto import blind_index
from bekal.core.links import portal_links
from bekal.marketplace.models import Completion, Platform, Purchase
from bekal.marketplace.selectors import get_platform_voucher, list_platform_vouchers
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher, redeem_window

router = Router(tags=["vouchers"])

REFERENCE_LENGTH = 24
Count = Annotated[int, Field(ge=0, le=1_000_000), WHOLE_NUMBER]


class CourseRef(Schema):
    external_id: str
    title: str


class SessionRef(Schema):
    external_id: str
    starts_at: Moment
    ends_at: Moment


class RedeemWindow(Schema):
    opens: Moment
    closes: Moment


class Participant(Schema):
    reference: str = Field(description="Stable for this platform; not shared with others.")
    full_name: str


class CertificateOut(Schema):
    voucher_code: str
    certificate_number: str
    completed_at: Moment
    verification_url: str = Field(description="Public page that confirms the certificate.")


class VoucherOut(Schema):
    code: str = Field(description="XXXX-XXXX-XXXX")
    status: VoucherStatus
    price: int
    course: CourseRef
    session: SessionRef | None
    redeem_window: RedeemWindow | None = Field(
        description="When a session's voucher may be redeemed; null: at any time (self-paced)."
    )
    participant: Participant
    paid_at: Moment
    redeemed_at: Moment | None
    completed_at: Moment | None
    certificate: CertificateOut | None
    refunded_at: Moment | None = Field(
        description="When the price went back to the card (the session was cancelled)."
    )
    refund_reason: str = Field(description="Why the session was cancelled; empty otherwise.")


class VoucherPage(PageMeta):
    items: list[VoucherOut]


class Evidence(BodyIn):
    """A live or in-person session: attended_minutes. A self-paced course:
    progress_percent (100) and final_test_score (0-100)."""

    attended_minutes: Count | None = None
    progress_percent: Count | None = None
    final_test_score: Count | None = None


class CompletionIn(BodyIn):
    certificate_number: CertificateNumber
    completed_at: MomentIn | None = Field(None, description="Default: now.")
    evidence: Evidence


def participant_reference(platform: Platform, user_id: int) -> str:
    purpose = f"partner-participant:{platform.code}"
    return blind_index(str(user_id), purpose=purpose)[:REFERENCE_LENGTH]


def verification_url(completion: Completion) -> str:
    return portal_links().certificate_check(completion.verification_token)


def certificate_out(purchase: Purchase, completion: Completion) -> CertificateOut:
    return CertificateOut(
        voucher_code=purchase.voucher_display,
        certificate_number=completion.certificate_number,
        completed_at=completion.completed_at,
        verification_url=verification_url(completion),
    )


def voucher_out(purchase: Purchase, platform: Platform) -> VoucherOut:
    session = purchase.session
    completion = getattr(purchase, "completion", None)
    window = None
    if session is not None:
        opens, closes = redeem_window(starts_at=session.starts_at)
        window = RedeemWindow(opens=opens, closes=closes)
    return VoucherOut(
        code=purchase.voucher_display,
        status=purchase.status,  # type: ignore[arg-type]
        price=purchase.price,
        course=CourseRef(external_id=purchase.course.external_id, title=purchase.course.title),
        session=(
            SessionRef(
                external_id=session.external_id,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
            )
            if session is not None
            else None
        ),
        redeem_window=window,
        participant=Participant(
            reference=participant_reference(platform, purchase.user_id),
            full_name=purchase.user.full_name,
        ),
        paid_at=purchase.paid_at,
        redeemed_at=purchase.redeemed_at,
        completed_at=purchase.completed_at,
        certificate=certificate_out(purchase, completion) if completion is not None else None,
        refunded_at=purchase.refunded_at,
        refund_reason=purchase.refund_reason,
    )


VoucherCode = Path(..., pattern=VOUCHER_CODE_PATTERN, description="XXXX-XXXX-XXXX")


@router.get("/vouchers", response=VoucherPage, summary="Vouchers of the platform's courses")
def list_vouchers(
    request: HttpRequest,
    page: Query[PageQuery],
    status: VoucherStatus | None = None,
) -> VoucherPage:
    platform = platform_of(request)
    vouchers, meta = page_of(list_platform_vouchers(platform=platform, status=status or ""), page)
    return VoucherPage(items=[voucher_out(v, platform) for v in vouchers], **meta.model_dump())


@router.get("/vouchers/{code}", response=VoucherOut, summary="One voucher")
def get_voucher(request: HttpRequest, code: str = VoucherCode) -> VoucherOut:
    platform = platform_of(request)
    return voucher_out(get_platform_voucher(platform=platform, voucher_code=code), platform)


@router.post(
    "/vouchers/{code}/redeem",
    response=VoucherOut,
    summary="Redeem a voucher when its training starts",
)
def redeem(request: HttpRequest, code: str = VoucherCode) -> VoucherOut:
    platform = platform_of(request)
    return voucher_out(redeem_voucher(platform=platform, voucher_code=code), platform)


@router.post(
    "/vouchers/{code}/completion",
    response={201: CertificateOut},
    summary="Report that the participant completed the training",
)
def report_completion(
    request: HttpRequest, payload: CompletionIn, code: str = VoucherCode
) -> Status:
    completion = record_completion(
        platform=platform_of(request),
        voucher_code=code,
        certificate_number=payload.certificate_number,
        evidence=payload.evidence.model_dump(exclude_none=True),
        completed_at=(
            check_moment(payload.completed_at, field="completed_at")
            if payload.completed_at is not None
            else None
        ),
    )
    return Status(201, certificate_out(completion.purchase, completion))
