"""Reads of the accounts app: the phone step's state, when a new code may be sent, flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from bekal.accounts.models import PhoneChallenge, PhoneFlag, User, VerifiedPhone

CodeState = Literal["none", "waiting", "expired", "blocked", "verified"]

#: How long the per-day limit on codes looks back.
SEND_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class PhoneStatus:
    """The phone step as its owner sees it. Numbers are masked (0812****7890)."""

    #: The account has a verified mobile number.
    verified: bool
    #: The current verified number, masked; "" when none.
    masked_number: str
    verified_at: datetime | None
    #: The latest code: "none" (never asked), "waiting" (can be typed), "expired",
    #: "blocked" (too many wrong tries) or "verified" (used).
    code_state: CodeState
    #: The number the latest code went to, masked; "" when no code was sent.
    pending_masked_number: str
    #: When the latest code stops working (None when no code was sent).
    pending_expires_at: datetime | None
    #: Wrong tries the latest code still allows.
    attempts_left: int
    #: The earliest moment a new code may be sent to this account; None: now.
    next_code_at: datetime | None


@dataclass(frozen=True)
class SendWait:
    """Why a new code cannot be sent yet, and until when."""

    reason: Literal["too_soon", "too_many"]
    until: datetime


def get_current_phone(*, user: User) -> VerifiedPhone | None:
    return VerifiedPhone.objects.filter(user=user, replaced_at__isnull=True).first()


def get_latest_challenge(*, user: User) -> PhoneChallenge | None:
    return PhoneChallenge.objects.filter(user=user).order_by("-created_at", "-id").first()


def _day_limit_until(scope: Q, now: datetime) -> datetime | None:
    """When the oldest of the codes that fill the 24-hour limit leaves the window."""
    limit = settings.BEKAL_OTP_MAX_SENDS_PER_DAY
    recent = list(
        PhoneChallenge.objects.filter(scope, created_at__gt=now - SEND_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + SEND_WINDOW


def get_send_wait(
    *, user: User, phone_index: str | None = None, now: datetime | None = None
) -> SendWait | None:
    """Whether a new code may go to `user` (and to the number `phone_index`) at `now`.

    One code per BEKAL_OTP_RESEND_INTERVAL seconds and BEKAL_OTP_MAX_SENDS_PER_DAY per 24
    hours, counted per account and per number: the per-number count stops anyone using
    many accounts to flood one phone with SMS. None when a code may be sent now.
    """
    now = now or timezone.now()
    scopes = [Q(user=user)]
    if phone_index:
        scopes.append(Q(phone_index=phone_index))
    waits: list[SendWait] = []
    for scope in scopes:
        until = _day_limit_until(scope, now)
        if until is not None and until > now:
            waits.append(SendWait("too_many", until))
    if waits:
        return max(waits, key=lambda wait: wait.until)
    interval = timedelta(seconds=settings.BEKAL_OTP_RESEND_INTERVAL)
    either = scopes[0] | scopes[1] if len(scopes) == 2 else scopes[0]
    last = (
        PhoneChallenge.objects.filter(either)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is not None and last + interval > now:
        return SendWait("too_soon", last + interval)
    return None


def get_phone_status(*, user: User, now: datetime | None = None) -> PhoneStatus:
    now = now or timezone.now()
    # The challenge first: a verification committing between the two reads then shows
    # as "waiting" with the number verified, never as "verified" with no number.
    challenge = get_latest_challenge(user=user)
    current = get_current_phone(user=user)
    state: CodeState = "none"
    if challenge is not None:
        if challenge.status == PhoneChallenge.Status.VERIFIED:
            state = "verified"
        elif challenge.status == PhoneChallenge.Status.BLOCKED:
            state = "blocked"
        elif challenge.expires_at <= now:
            state = "expired"
        else:
            state = "waiting"
    attempts_left = 0
    if state == "waiting" and challenge is not None:
        attempts_left = max(0, settings.BEKAL_OTP_MAX_ATTEMPTS - challenge.attempts)
    # A resend goes to the latest code's number: that number's limits count too.
    resend_index = challenge.phone_index if challenge is not None and state != "verified" else None
    wait = get_send_wait(user=user, phone_index=resend_index, now=now)
    return PhoneStatus(
        verified=current is not None,
        masked_number=current.phone_masked if current else "",
        verified_at=current.verified_at if current else None,
        code_state=state,
        pending_masked_number=challenge.phone_masked if challenge else "",
        pending_expires_at=challenge.expires_at if challenge else None,
        attempts_left=attempts_left,
        next_code_at=wait.until if wait else None,
    )


def count_accounts_with_phone(*, phone_index: str) -> int:
    """Accounts whose current verified number has this blind index."""
    return (
        VerifiedPhone.objects.filter(phone_index=phone_index, replaced_at__isnull=True)
        .values("user")
        .distinct()
        .count()
    )


def list_phone_flags(*, open_only: bool = True, limit: int = 100) -> QuerySet[PhoneFlag]:
    """Shared numbers for the programme office, most recently grown first (masked only)."""
    flags = PhoneFlag.objects.order_by("-updated_at", "-id")
    if open_only:
        flags = flags.filter(reviewed_at__isnull=True)
    return flags[:limit]
