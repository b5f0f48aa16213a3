"""A voucher's life after the purchase: the provider redeems it when the training starts,
the platform reports the completion with a certificate.

A platform reaches only its own vouchers: every lookup is by (platform, code), and
another platform's code is simply not found.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bekal.core.audit import record_event
from bekal.marketplace import notices
from bekal.marketplace.errors import (
    CertificateNumberTakenError,
    CompletionEvidenceError,
    RedeemWindowError,
    SessionNotEndedError,
    VoucherAlreadyCompletedError,
    VoucherAlreadyRedeemedError,
    VoucherNotFoundError,
    VoucherNotRedeemedError,
    VoucherRefundedError,
)
from bekal.marketplace.models import Completion, Platform, Purchase
from bekal.marketplace.vouchers import normalize_voucher_code

CERTIFICATE_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-/._"
)


def redeem_window(*, starts_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """When a voucher of a session starting at `starts_at` may be redeemed."""
    return (
        starts_at - dt.timedelta(minutes=settings.BEKAL_REDEEM_WINDOW_BEFORE_MINUTES),
        starts_at + dt.timedelta(minutes=settings.BEKAL_REDEEM_WINDOW_AFTER_MINUTES),
    )


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i T")


def _locked_voucher(platform: Platform, voucher_code: str) -> Purchase:
    code = normalize_voucher_code(voucher_code)
    purchase = (
        Purchase.objects.select_for_update(of=("self",))
        .select_related("course", "session", "user")
        .filter(platform=platform, voucher_code=code)
        .first()
        if code
        else None
    )
    if purchase is None:
        raise VoucherNotFoundError(field="voucher_code")
    return purchase


@transaction.atomic
def redeem_voucher(
    *, platform: Platform, voucher_code: str, now: dt.datetime | None = None
) -> Purchase:
    """The provider starts the training: the voucher is used, once.

    A session's voucher is redeemed only within its window around the start
    (RedeemWindowError); a self-paced course's at any time. A second redeem raises
    VoucherAlreadyRedeemedError; a refunded voucher VoucherRefundedError; another
    platform's code VoucherNotFoundError.
    """
    now = now or timezone.now()
    purchase = _locked_voucher(platform, voucher_code)
    if purchase.status == Purchase.Status.REFUNDED:
        raise VoucherRefundedError()
    if purchase.status != Purchase.Status.PAID:
        raise VoucherAlreadyRedeemedError()
    if purchase.session is not None:
        opens, closes = redeem_window(starts_at=purchase.session.starts_at)
        if not opens <= now <= closes:
            raise RedeemWindowError(opens=_when(opens), closes=_when(closes))
    purchase.status = Purchase.Status.REDEEMED
    purchase.redeemed_at = now
    purchase.save(update_fields=["status", "redeemed_at", "updated_at"])
    record_event(
        action="marketplace.voucher_redeemed",
        subject_user=purchase.user,
        target=purchase,
        platform=platform.code,
    )
    return purchase


def _whole(evidence: dict[str, Any], name: str, low: int, high: int) -> int:
    value = evidence.get(name)
    if type(value) is not int or not low <= value <= high:
        raise CompletionEvidenceError(
            field=f"evidence.{name}",
            reason=_("%(name)s is a whole number from %(low)s to %(high)s")
            % {"name": name, "low": low, "high": high},
        )
    return value


def completion_evidence(purchase: Purchase, evidence: dict[str, Any]) -> dict[str, Any]:
    """The evidence a platform must hold, checked and reduced to what is kept.

    A live or in-person session: `attended_minutes`, at least 1 and at most the
    session's length. A self-paced course: `progress_percent`, which must be 100, and
    `final_test_score` from 0 to 100.
    """
    if not isinstance(evidence, dict):
        raise CompletionEvidenceError(field="evidence", reason=_("evidence is an object"))
    if purchase.session is not None:
        length = int((purchase.session.ends_at - purchase.session.starts_at).total_seconds() // 60)
        allowed = {"attended_minutes"}
        kept = {"attended_minutes": _whole(evidence, "attended_minutes", 1, max(length, 1))}
    else:
        allowed = {"progress_percent", "final_test_score"}
        progress = _whole(evidence, "progress_percent", 0, 100)
        if progress != 100:
            raise CompletionEvidenceError(
                field="evidence.progress_percent",
                reason=_("a self-paced course is completed at 100 percent"),
            )
        kept = {
            "progress_percent": progress,
            "final_test_score": _whole(evidence, "final_test_score", 0, 100),
        }
    extra = set(evidence) - allowed
    if extra:
        raise CompletionEvidenceError(
            field=f"evidence.{sorted(extra)[0]}",
            reason=_("unexpected field %(name)s") % {"name": sorted(extra)[0]},
        )
    return kept


@transaction.atomic
def record_completion(
    *,
    platform: Platform,
    voucher_code: str,
    certificate_number: str,
    evidence: dict[str, Any],
    completed_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Completion:
    """The platform reports that the participant finished the training, with the number
    of the certificate it issued and the evidence it holds.

    Refused for a refunded voucher (VoucherRefundedError), for a voucher never redeemed
    (VoucherNotRedeemedError), before the session
    ended (SessionNotEndedError), twice (VoucherAlreadyCompletedError), with a
    certificate number already used on the platform (CertificateNumberTakenError), or
    with evidence that does not show completion (CompletionEvidenceError).
    """
    now = now or timezone.now()
    purchase = _locked_voucher(platform, voucher_code)
    if purchase.status == Purchase.Status.REFUNDED:
        raise VoucherRefundedError()
    if purchase.status == Purchase.Status.COMPLETED:
        raise VoucherAlreadyCompletedError()
    if purchase.status != Purchase.Status.REDEEMED:
        raise VoucherNotRedeemedError()
    if purchase.session is not None and now < purchase.session.ends_at:
        raise SessionNotEndedError(ends=_when(purchase.session.ends_at))
    number = certificate_number.strip()
    if not 1 <= len(number) <= 64 or not set(number) <= CERTIFICATE_CHARACTERS:
        raise CompletionEvidenceError(
            field="certificate_number",
            reason=_("a certificate number is 1 to 64 letters, digits and - / . _"),
        )
    kept = completion_evidence(purchase, evidence)
    completed_at = completed_at or now
    assert purchase.redeemed_at is not None
    earliest = purchase.session.ends_at if purchase.session is not None else purchase.redeemed_at
    if completed_at.tzinfo is None or not earliest <= completed_at <= now:
        raise CompletionEvidenceError(
            field="completed_at",
            reason=_("the completion time falls after the training and not in the future"),
        )
    if Completion.objects.filter(platform=platform, certificate_number=number).exists():
        raise CertificateNumberTakenError(field="certificate_number")
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                purchase=purchase,
                platform=platform,
                certificate_number=number,
                completed_at=completed_at,
                reported_at=now,
                evidence=kept,
                verification_token=secrets.token_hex(16),
            )
    except IntegrityError:
        raise CertificateNumberTakenError(field="certificate_number") from None
    purchase.status = Purchase.Status.COMPLETED
    purchase.completed_at = completed_at
    purchase.save(update_fields=["status", "completed_at", "updated_at"])
    record_event(
        action="marketplace.training_completed",
        subject_user=purchase.user,
        target=purchase,
        platform=platform.code,
        certificate_number=number,
    )
    notices.tell_completed(purchase=purchase, completion=completion)
    return completion
