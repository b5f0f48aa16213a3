"""What the marketplace tells participants by email, through the notifications outbox,
in the caller's transaction and the person's language."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.formats import date_format

from bekal.accounts.models import User
from bekal.cards.notices import card_link
from bekal.core.links import portal_links
from bekal.core.money import format_rupiah
from bekal.marketplace.models import Completion, CourseSession, Purchase
from bekal.notifications.services import queue_templated_email

VOUCHER_ISSUED = "training_voucher"
TRAINING_COMPLETED = "training_completed"
PURCHASE_REFUNDED = "training_refunded"


def tell_voucher(*, purchase: Purchase, user: User) -> None:
    session = purchase.session
    with translation.override(user.language):
        starts = (
            date_format(timezone.localtime(session.starts_at), "l, j F Y, H:i T")
            if session is not None
            else ""
        )
    queue_templated_email(
        to=user.email,
        kind=VOUCHER_ISSUED,
        template="marketplace/email/voucher",
        context={
            "name": user.get_short_name() or user.full_name,
            "course": purchase.course.title,
            "platform": purchase.platform.name,
            "voucher": purchase.voucher_display,
            "price": format_rupiah(purchase.price),
            "starts": starts,
            "card_link": card_link(),
        },
        language=user.language,
        user=user,
    )


def tell_completed(*, purchase: Purchase, completion: Completion) -> None:
    user = purchase.user
    queue_templated_email(
        to=user.email,
        kind=TRAINING_COMPLETED,
        template="marketplace/email/completed",
        context={
            "name": user.get_short_name() or user.full_name,
            "course": purchase.course.title,
            "certificate": completion.certificate_number,
            "card_link": card_link(),
        },
        language=user.language,
        user=user,
    )


def tell_refunded(*, purchase: Purchase, session: CourseSession) -> None:
    """The session was cancelled: the price is back on the card; choose another one."""
    user = purchase.user
    with translation.override(user.language):
        starts = date_format(timezone.localtime(session.starts_at), "l, j F Y, H:i T")
    course_link = portal_links().course(purchase.course_id)
    queue_templated_email(
        to=user.email,
        kind=PURCHASE_REFUNDED,
        template="marketplace/email/refunded",
        context={
            "name": user.get_short_name() or user.full_name,
            "course": purchase.course.title,
            "platform": purchase.platform.name,
            "starts": starts,
            "price": format_rupiah(purchase.price),
            "reason": purchase.refund_reason,
            "course_link": course_link,
        },
        language=user.language,
        user=user,
    )
