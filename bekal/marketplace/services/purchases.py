"""Buying a training with the card's balance.

One ledger transaction moves the price from the card's account to the platform's
receivable (what the programme owes the platform); the purchase row, its voucher code
and the session place are written in the same database transaction. The card's row is
locked first, so two purchases with one card, or a purchase and the card's revocation,
run one after the other; the ledger refuses any posting that would take the card below
zero. The first purchase moves money out of the card, which is what stops the card's
revocation clock (bekal.cards.selectors.has_purchase).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bekal.accounts.models import User
from bekal.cards.errors import CardRevokedError
from bekal.cards.models import Card
from bekal.core.audit import record_event
from bekal.core.money import format_rupiah
from bekal.ledger.errors import IdempotencyConflictError, InsufficientBalanceError
from bekal.ledger.models import AccountKind
from bekal.ledger.services import open_account, post_transaction
from bekal.marketplace import notices
from bekal.marketplace.errors import (
    BalanceTooLowError,
    CourseAlreadyBoughtError,
    CourseNotAvailableError,
    NoActiveCardError,
    PriceOverCardCapError,
    SessionClosedError,
    SessionFullError,
    SessionInvalidError,
    SessionRequiredError,
)
from bekal.marketplace.models import Course, CourseSession, Platform, Purchase
from bekal.marketplace.services.catalogue import price_cap
from bekal.marketplace.vouchers import new_voucher_code

PURCHASE_KIND = "training_purchase"


def receivable_account(platform: Platform):  # type: ignore[no-untyped-def]
    return open_account(
        code=platform.receivable_account_code,
        kind=AccountKind.PLATFORM_RECEIVABLE,
        owner_type="marketplace.platform",
        owner_id=str(platform.pk),
    )


def _replay(existing: Purchase, *, user: User, course_id: int, session_id: int | None) -> Purchase:
    if (existing.user_id, existing.course_id, existing.session_id) != (
        user.pk,
        course_id,
        session_id,
    ):
        raise IdempotencyConflictError(idempotency_key=existing.idempotency_key)
    return existing


def _locked_active_card(user: User) -> Card:
    card = (
        Card.objects.select_for_update(of=("self",))
        .select_related("scheme", "ledger_account")
        .filter(user=user)
        .order_by("-offered_at", "-pk")
        .first()
    )
    if card is None or card.status == Card.Status.OFFERED:
        raise NoActiveCardError()
    if card.status == Card.Status.REVOKED:
        raise CardRevokedError()
    return card


def _locked_session(
    course: Course, session_id: int | None, *, now: dt.datetime
) -> CourseSession | None:
    if not course.has_sessions:
        if session_id is not None:
            raise SessionInvalidError(field="session", reason="a self-paced course has no sessions")
        return None
    if session_id is None:
        raise SessionRequiredError(field="session")
    session = CourseSession.objects.select_for_update().filter(pk=session_id, course=course).first()
    if session is None:
        raise SessionRequiredError(field="session")
    if session.is_cancelled or session.starts_at <= now:
        raise SessionClosedError(field="session")
    if session.capacity is not None and session.sold >= session.capacity:
        raise SessionFullError(field="session")
    return session


@transaction.atomic
def purchase_course(
    *,
    user: User,
    course_id: int,
    idempotency_key: str,
    session_id: int | None = None,
    now: dt.datetime | None = None,
) -> Purchase:
    """The card holder buys a course (and a session of it, for a live or in-person one)
    with the card's balance, and gets a voucher.

    Idempotent by `idempotency_key` (the buyer's form sends one per page): the same key
    returns the same purchase; the same key for another course raises
    IdempotencyConflictError. Refusals change nothing: NoActiveCardError,
    CardRevokedError, CourseNotAvailableError, SessionRequiredError, SessionClosedError,
    SessionFullError, CourseAlreadyBoughtError, PriceOverCardCapError, BalanceTooLowError.
    """
    if not 8 <= len(idempotency_key) <= 100:
        raise ValueError("a purchase key is 8 to 100 characters")
    now = now or timezone.now()
    existing = Purchase.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay(existing, user=user, course_id=course_id, session_id=session_id)
    card = _locked_active_card(user)
    # A concurrent request with this key may have committed while we waited for the card.
    existing = Purchase.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay(existing, user=user, course_id=course_id, session_id=session_id)

    course = (
        Course.objects.select_related("platform__client", "provider")
        .filter(pk=course_id, status=Course.Status.APPROVED, platform__is_active=True)
        .first()
    )
    if course is None:
        raise CourseNotAvailableError()
    session = _locked_session(course, session_id, now=now)
    if (
        Purchase.objects.filter(card=card, course=course)
        .exclude(status=Purchase.Status.REFUNDED)
        .exists()
    ):
        raise CourseAlreadyBoughtError()
    cap = price_cap(card.scheme)
    if course.price > cap:
        raise PriceOverCardCapError(price=format_rupiah(course.price), cap=format_rupiah(cap))
    assert card.ledger_account is not None  # an active card has its account
    try:
        posting = post_transaction(
            idempotency_key=f"purchase:{idempotency_key}",
            kind=PURCHASE_KIND,
            lines=[
                (card.ledger_account, -course.price),
                (receivable_account(course.platform), course.price),
            ],
            description=f"Card {card.pk} buys course {course.pk} on {course.platform.code}",
            metadata={"card": card.pk, "course": course.pk, "session": session_id},
        )
    except InsufficientBalanceError as error:
        raise BalanceTooLowError(
            balance=format_rupiah(error.available), price=format_rupiah(course.price)
        ) from None

    for _attempt in range(5):
        try:
            with transaction.atomic():
                purchase = Purchase.objects.create(
                    card=card,
                    user=user,
                    course=course,
                    session=session,
                    platform=course.platform,
                    price=course.price,
                    ledger_transaction=posting,
                    idempotency_key=idempotency_key,
                    voucher_code=new_voucher_code(),
                    paid_at=now,
                )
            break
        except IntegrityError as error:
            if "voucher_code" not in str(error):
                raise
    else:  # pragma: no cover - five collisions in 2^60 codes
        raise RuntimeError("could not draw a free voucher code")
    if session is not None:
        CourseSession.objects.filter(pk=session.pk).update(sold=F("sold") + 1)
    Course.objects.filter(pk=course.pk).update(purchase_count=F("purchase_count") + 1)
    record_event(
        action="marketplace.course_bought",
        actor=user,
        subject_user=user,
        target=purchase,
        course=course.pk,
        session=session_id,
        price=course.price,
        card=card.pk,
    )
    notices.tell_voucher(purchase=purchase, user=user)
    return purchase
