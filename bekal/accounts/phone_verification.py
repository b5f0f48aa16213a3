"""Verifying a participant's mobile number with a 6-digit code sent by SMS.

    send_phone_code(user=user, phone="0812 3456 7890")    # a code goes out by SMS
    resend_phone_code(user=user)                          # a new code, same number
    verify_phone_code(user=user, code="123456")           # the number is verified

Rules (settings): a code lives BEKAL_OTP_TTL_SECONDS (5 minutes) and dies after
BEKAL_OTP_MAX_ATTEMPTS wrong tries; a new code may be sent once per
BEKAL_OTP_RESEND_INTERVAL seconds and BEKAL_OTP_MAX_SENDS_PER_DAY times in 24 hours, per
account and per number; a new code replaces the previous one. The code is kept only as a
keyed hash with a salt of its own and compared in constant time. A verified number is
stored encrypted with a blind index; a number verified by more than
BEKAL_PHONE_MAX_ACCOUNTS accounts is flagged for the programme office, not refused.

`verify_phone_code` commits a wrong try before it refuses, so call it outside a
transaction (as views do): a caller's rollback would give the guesser its try back.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from bekal.accounts import selectors
from bekal.accounts.errors import (
    OtpExpiredError,
    OtpMalformedError,
    OtpNotRequestedError,
    OtpResendTooSoonError,
    OtpTooManyAttemptsError,
    OtpTooManySendsError,
    OtpWrongError,
    PhoneAlreadyVerifiedError,
)
from bekal.accounts.models import PhoneChallenge, PhoneFlag, User, VerifiedPhone
from bekal.accounts.phone_numbers import mask_phone_number, parse_mobile_number
from bekal.core.audit import record_event
from bekal.core.crypto import blind_index, decrypt, encrypt
from bekal.notifications.services import queue_sms
from bekal.notifications.sms import gsm7_length

CODE_KIND = "phone_verification_code"
CODE_DIGITS = 6
_CODE = re.compile(r"[0-9]{6}")
_SEPARATORS = re.compile(r"[\s-]")


def phone_index(e164: str) -> str:
    """The blind index of a number: equal numbers are found without being readable."""
    return blind_index(e164, purpose="phone")


def _code_hash(code: str, salt: str) -> str:
    return blind_index(f"{salt}:{code}", purpose="otp")


def _lock(name: str) -> None:
    """A transaction-scoped PostgreSQL advisory lock named `name`."""
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _lock_user_then_number(user: User, index: str | None) -> None:
    # Always in this order, so two requests never wait on each other in a circle.
    _lock(f"phone-user:{user.pk}")
    if index is not None:
        _lock(f"phone-number:{index}")


def code_message(*, code: str, language: str) -> str:
    """The SMS body in `language`: one GSM-7 segment.

    When it fits, a last line binds the code to the site's domain ("@bekal.go.id
    #123456", the origin-bound one-time code format), so phones offer to fill it in only
    on Bekal's own pages.
    """
    minutes = max(1, settings.BEKAL_OTP_TTL_SECONDS // 60)
    with translation.override(language):
        text = gettext(
            "Your Bekal code: %(code)s. Valid for %(minutes)s minutes. "
            "Never give this code to anyone, including officers."
        ) % {"code": code, "minutes": minutes}
    host = urlsplit(settings.SITE_URL).hostname
    if host and _is_domain(host):
        bound = f"{text}\n\n@{host} #{code}"
        if (gsm7_length(bound) or 161) <= 160:
            return bound
    return text


def activation_message(*, code: str, language: str, desk_name: str) -> str:
    """The SMS body of the code that activates an account opened at an assisted desk."""
    minutes = max(1, settings.BEKAL_OTP_TTL_SECONDS // 60)
    with translation.override(language):
        return gettext(
            "Bekal account activation code: %(code)s (valid %(minutes)s minutes). Type it "
            "yourself on the screen of %(desk)s. Nobody may ask you for money or for your "
            "password."
        ) % {"code": code, "minutes": minutes, "desk": desk_name}


def _is_domain(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return "." in host
    return False  # an IP address cannot bind a code to a site


def _check_send_limits(*, user: User, index: str, now: datetime) -> None:
    wait = selectors.get_send_wait(user=user, phone_index=index, now=now)
    if wait is None:
        return
    seconds = max(1, int((wait.until - now).total_seconds() + 0.999))
    if wait.reason == "too_soon":
        raise OtpResendTooSoonError(retry_after=seconds, seconds=seconds)
    raise OtpTooManySendsError(
        retry_after=seconds,
        limit=settings.BEKAL_OTP_MAX_SENDS_PER_DAY,
        time=date_format(timezone.localtime(wait.until), "j F, H:i T"),
    )


def _issue(
    *,
    user: User,
    e164: str,
    index: str,
    now: datetime,
    ip: str | None,
    resend: bool,
    desk_name: str = "",
) -> PhoneChallenge:
    PhoneChallenge.objects.filter(user=user, status=PhoneChallenge.Status.PENDING).update(
        status=PhoneChallenge.Status.REPLACED
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(16)
    challenge = PhoneChallenge.objects.create(
        user=user,
        phone_encrypted=encrypt(e164),
        phone_index=index,
        phone_masked=mask_phone_number(e164),
        code_salt=salt,
        code_hash=_code_hash(code, salt),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.BEKAL_OTP_TTL_SECONDS),
    )
    if desk_name:
        body = activation_message(code=code, language=user.language, desk_name=desk_name)
    else:
        body = code_message(code=code, language=user.language)
    queue_sms(
        to=e164,
        kind=CODE_KIND,
        body=body,
        user=user,
        sensitive=True,
        expires_at=challenge.expires_at,
    )
    record_event(
        action="phone.code_sent",
        actor=user,
        target=challenge,
        ip_address=ip,
        phone=challenge.phone_masked,
        resend=resend,
    )
    return challenge


@transaction.atomic
def send_phone_code(
    *,
    user: User,
    phone: str,
    ip: str | None = None,
    now: datetime | None = None,
    desk_name: str = "",
) -> PhoneChallenge:
    """Send a new code by SMS to `phone` (any common spelling of an Indonesian mobile number).

    `desk_name`: the code activates an account opened at this assisted desk, and its SMS
    says so (the citizen types it on the desk's screen).

    Refusals: PhoneInvalidError, PhoneNotMobileError, PhoneUnknownOperatorError,
    PhoneAlreadyVerifiedError, OtpResendTooSoonError, OtpTooManySendsError.
    """
    e164 = parse_mobile_number(phone)
    index = phone_index(e164)
    now = now or timezone.now()
    _lock_user_then_number(user, index)
    current = selectors.get_current_phone(user=user)
    if current is not None and current.phone_index == index:
        raise PhoneAlreadyVerifiedError(field="phone")
    latest = selectors.get_latest_challenge(user=user)
    if (
        latest is not None
        and latest.status == PhoneChallenge.Status.PENDING
        and latest.phone_index == index
        and now - latest.created_at < timedelta(seconds=settings.BEKAL_OTP_RESEND_INTERVAL)
    ):
        # The same number sent again before a new code may go (a double tap, a retry):
        # the code just sent is the answer; asking for another is what "resend" is for.
        return latest
    _check_send_limits(user=user, index=index, now=now)
    return _issue(
        user=user, e164=e164, index=index, now=now, ip=ip, resend=False, desk_name=desk_name
    )


@transaction.atomic
def resend_phone_code(
    *, user: User, ip: str | None = None, now: datetime | None = None, desk_name: str = ""
) -> PhoneChallenge:
    """Send a new code to the number of the latest one (it replaces the earlier code).

    Refusals: OtpNotRequestedError, OtpResendTooSoonError, OtpTooManySendsError.
    """
    now = now or timezone.now()
    _lock_user_then_number(user, None)
    latest = selectors.get_latest_challenge(user=user)
    if latest is None or latest.status == PhoneChallenge.Status.VERIFIED:
        raise OtpNotRequestedError(field="code")
    _lock(f"phone-number:{latest.phone_index}")
    _check_send_limits(user=user, index=latest.phone_index, now=now)
    return _issue(
        user=user,
        e164=decrypt(latest.phone_encrypted),
        index=latest.phone_index,
        now=now,
        ip=ip,
        resend=True,
        desk_name=desk_name,
    )


def verify_phone_code(
    *, user: User, code: str, ip: str | None = None, now: datetime | None = None
) -> VerifiedPhone:
    """Check the code of the latest SMS; on success the number becomes the account's.

    Refusals: OtpMalformedError, OtpNotRequestedError, OtpExpiredError,
    OtpWrongError (with `attempts_left`), OtpTooManyAttemptsError. A wrong try is
    committed before the refusal is raised.
    """
    code = _SEPARATORS.sub("", code or "")
    if not _CODE.fullmatch(code):
        raise OtpMalformedError(field="code")
    now = now or timezone.now()
    with transaction.atomic():
        _lock_user_then_number(user, None)
        challenge = selectors.get_latest_challenge(user=user)
        if (
            challenge is not None
            and challenge.status == PhoneChallenge.Status.VERIFIED
            and hmac.compare_digest(_code_hash(code, challenge.code_salt), challenge.code_hash)
        ):
            # The right code sent again (a double tap, a retry): the number it verified.
            verified = selectors.get_current_phone(user=user)
            if verified is not None and verified.phone_index == challenge.phone_index:
                return verified
        if challenge is None or challenge.status in (
            PhoneChallenge.Status.VERIFIED,
            PhoneChallenge.Status.REPLACED,
        ):
            raise OtpNotRequestedError(field="code")
        if challenge.status == PhoneChallenge.Status.BLOCKED:
            raise OtpTooManyAttemptsError(field="code")
        if challenge.expires_at <= now:
            raise OtpExpiredError(field="code")
        if hmac.compare_digest(_code_hash(code, challenge.code_salt), challenge.code_hash):
            _lock(f"phone-number:{challenge.phone_index}")
            return _accept(challenge=challenge, now=now, ip=ip)
        challenge.attempts += 1
        attempts_left = max(0, settings.BEKAL_OTP_MAX_ATTEMPTS - challenge.attempts)
        if attempts_left == 0:
            challenge.status = PhoneChallenge.Status.BLOCKED
            record_event(
                action="phone.code_blocked",
                actor=user,
                target=challenge,
                ip_address=ip,
                phone=challenge.phone_masked,
            )
        challenge.save(update_fields=["attempts", "status"])
    # Outside the transaction: the wrong try is committed before the refusal.
    if attempts_left == 0:
        raise OtpTooManyAttemptsError(field="code")
    raise OtpWrongError(field="code", attempts_left=attempts_left)


def _accept(*, challenge: PhoneChallenge, now: datetime, ip: str | None) -> VerifiedPhone:
    user = challenge.user
    previous = VerifiedPhone.objects.filter(user=user, replaced_at__isnull=True).first()
    if previous is not None:
        previous.replaced_at = now
        previous.save(update_fields=["replaced_at"])
    verified = VerifiedPhone.objects.create(
        user=user,
        phone_encrypted=challenge.phone_encrypted,
        phone_index=challenge.phone_index,
        phone_masked=challenge.phone_masked,
        verified_at=now,
    )
    challenge.status = PhoneChallenge.Status.VERIFIED
    challenge.verified_at = now
    challenge.save(update_fields=["status", "verified_at"])
    record_event(
        action="phone.verified",
        actor=user,
        target=verified,
        ip_address=ip,
        phone=verified.phone_masked,
        replaced=previous.phone_masked if previous is not None else "",
    )
    _flag_if_shared(verified=verified, now=now, ip=ip)
    return verified


def _flag_if_shared(*, verified: VerifiedPhone, now: datetime, ip: str | None) -> None:
    count = selectors.count_accounts_with_phone(phone_index=verified.phone_index)
    if count <= settings.BEKAL_PHONE_MAX_ACCOUNTS:
        return
    flag, created = PhoneFlag.objects.get_or_create(
        phone_index=verified.phone_index,
        defaults={
            "phone_encrypted": verified.phone_encrypted,
            "phone_masked": verified.phone_masked,
            "account_count": count,
            "flagged_at": now,
            "updated_at": now,
        },
    )
    if not created:
        # One more account on a number already flagged: back to the review queue.
        flag.account_count = count
        flag.updated_at = now
        flag.reviewed_at = None
        flag.reviewed_by = None
        flag.save(update_fields=["account_count", "updated_at", "reviewed_at", "reviewed_by"])
    record_event(
        action="phone.flagged",
        actor=verified.user,
        target=flag,
        ip_address=ip,
        phone=flag.phone_masked,
        account_count=count,
        limit=settings.BEKAL_PHONE_MAX_ACCOUNTS,
    )
