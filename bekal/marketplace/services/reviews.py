"""The participant's review of a completed training: required before the first incentive
(bekal.marketplace.selectors.get_incentive_readiness)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.marketplace.errors import (
    PurchaseNotFoundError,
    ReviewExistsError,
    ReviewInvalidError,
    ReviewNotAllowedError,
)
from bekal.marketplace.models import Course, Purchase, Review

MAX_COMMENT = 2000


@transaction.atomic
def submit_review(
    *,
    user: User,
    purchase_id: int,
    rating: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Review:
    """Rate (1-5) and review one's own completed training, once. The course's rating is
    updated in the same transaction."""
    purchase = Purchase.objects.select_for_update().filter(pk=purchase_id, user=user).first()
    if purchase is None:
        raise PurchaseNotFoundError()
    if purchase.status != Purchase.Status.COMPLETED:
        raise ReviewNotAllowedError()
    if Review.objects.filter(purchase=purchase).exists():
        raise ReviewExistsError()
    if type(rating) is not int or not 1 <= rating <= 5:
        raise ReviewInvalidError(field="rating", reason=_("a rating is 1 to 5 stars"))
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ReviewInvalidError(
            field="comment", reason=_("a review has at most %(n)s characters") % {"n": MAX_COMMENT}
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                purchase=purchase,
                user=user,
                course_id=purchase.course_id,
                rating=rating,
                comment=comment,
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        raise ReviewExistsError() from None
    Course.objects.filter(pk=purchase.course_id).update(
        review_count=F("review_count") + 1, rating_total=F("rating_total") + rating
    )
    record_event(
        action="marketplace.training_reviewed",
        actor=user,
        subject_user=user,
        target=review,
        course=purchase.course_id,
        rating=rating,
    )
    return review
