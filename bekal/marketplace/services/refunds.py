"""A platform cancels a scheduled session, and every buyer gets the price back.

The session's row is locked, so a purchase of it (which locks it too) runs before or
after the cancellation, never alongside. Each paid purchase is refunded by reversing its
ledger posting (the platform's receivable back to the card), in the same database
transaction as the cancellation: either every buyer is refunded or nothing changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bekal.core.audit import record_event
from bekal.ledger.services import reverse_transaction
from bekal.marketplace import notices
from bekal.marketplace.errors import (
    CancelReasonInvalidError,
    CourseNotFoundError,
    SessionAlreadyStartedError,
    SessionHasRedeemedVouchersError,
    SessionNotFoundError,
)
from bekal.marketplace.models import Course, CourseSession, Platform, Purchase

MAX_REASON_LENGTH = 300


@dataclass(frozen=True)
class SessionCancellation:
    session: CourseSession
    #: How many purchases of the session were refunded (the same when asked again).
    refunded: int


def _refunded_count(session: CourseSession) -> int:
    return Purchase.objects.filter(session=session, status=Purchase.Status.REFUNDED).count()


@transaction.atomic
def cancel_session(
    *,
    platform: Platform,
    course_external_id: str,
    session_external_id: str,
    reason: str,
    now: dt.datetime | None = None,
) -> SessionCancellation:
    """The platform cancels a session that has not started: each buyer's price goes back
    to the card, the voucher becomes refunded, and the buyer is told by email.

    Idempotent: cancelling a cancelled session returns the same result and refunds
    nothing again. Refused for another platform's course or session
    (CourseNotFoundError, SessionNotFoundError), a session that has started
    (SessionAlreadyStartedError) or with a redeemed voucher
    (SessionHasRedeemedVouchersError), and without a reason of 1 to 300 characters
    (CancelReasonInvalidError).

    A refund does not restart the card's revocation clock
    (bekal.cards.selectors.has_purchase): the person did buy within the days allowed;
    the platform cancelled.
    """
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON_LENGTH:
        raise CancelReasonInvalidError(field="reason")
    now = now or timezone.now()
    course = Course.objects.filter(platform=platform, external_id=course_external_id).first()
    if course is None:
        raise CourseNotFoundError()
    session = (
        CourseSession.objects.select_for_update()
        .filter(course=course, external_id=session_external_id)
        .first()
    )
    if session is None:
        raise SessionNotFoundError()
    if session.is_cancelled:
        return SessionCancellation(session=session, refunded=_refunded_count(session))
    if session.starts_at <= now:
        raise SessionAlreadyStartedError()
    purchases = list(
        Purchase.objects.select_for_update(of=("self",))
        .select_related("ledger_transaction", "user", "course", "platform")
        .filter(session=session)
        .exclude(status=Purchase.Status.REFUNDED)
        .order_by("pk")
    )
    if any(p.status != Purchase.Status.PAID for p in purchases):
        raise SessionHasRedeemedVouchersError()

    for purchase in purchases:
        reverse_transaction(
            transaction=purchase.ledger_transaction,
            idempotency_key=f"refund:{purchase.pk}",
            reason=f"Session {session.external_id} of course {course.external_id} "
            f"cancelled by {platform.code}: {reason}",
        )
        purchase.status = Purchase.Status.REFUNDED
        purchase.refunded_at = now
        purchase.refund_reason = reason
        purchase.save(update_fields=["status", "refunded_at", "refund_reason", "updated_at"])
        record_event(
            action="marketplace.purchase_refunded",
            subject_user=purchase.user,
            target=purchase,
            session=session.pk,
            price=purchase.price,
            card=purchase.card_id,
        )
        notices.tell_refunded(purchase=purchase, session=session)

    refunded = len(purchases)
    session.is_cancelled = True
    session.sold = F("sold") - refunded
    session.save(update_fields=["is_cancelled", "sold", "updated_at"])
    session.refresh_from_db()
    if refunded:
        Course.objects.filter(pk=course.pk).update(purchase_count=F("purchase_count") - refunded)
    record_event(
        action="marketplace.session_cancelled",
        target=session,
        course=course.pk,
        platform=platform.code,
        reason=reason,
        refunded=refunded,
    )
    return SessionCancellation(session=session, refunded=_refunded_count(session))
