"""Phone-number accounts: people without email, keyed by a mobile number they proved.

    user = open_phone_account(full_name="Siti", phone="0812...", acting_user=officer,
                              desk_name="Meja Disnaker Kota Bengkulu")   # SMS code sent
    activate_phone_account(user=user, code="123456")       # the citizen typed the code
    request_password_code(phone="0812...")                 # later, on any device
    set_password_with_code(phone="0812...", code="654321", password="...")
    log_in(email="0812...", password="...")                # bekal.accounts.services

The citizen keeps the keys: the account is opened with no usable password, activated by
the code the SMS brings to the citizen's own phone, and its password is set later by the
citizen alone, with another code sent to that phone. No service here takes a password
from an officer. Every message of such an account goes by SMS (bekal.notifications picks
the channel from `User.message_phone()`).
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from bekal.accounts import phone_verification, throttling
from bekal.accounts.errors import (
    PasswordCodeInvalidError,
    PhoneAccountExistsError,
    PhoneLoginMismatchError,
    TooManyAttemptsError,
)
from bekal.accounts.models import PhonePasswordCode, User
from bekal.accounts.phone_numbers import mask_phone_number, parse_mobile_number
from bekal.core.audit import record_event
from bekal.core.crypto import blind_index, encrypt
from bekal.notifications.services import queue_sms

PASSWORD_CODE_KIND = "phone_password_code"  # noqa: S105  (a message kind)
#: How long a code to set the password lives, and the wrong tries it allows.
PASSWORD_CODE_TTL = timedelta(minutes=10)
PASSWORD_CODE_MAX_ATTEMPTS = 5
_CODE = re.compile(r"[0-9]{6}")


def find_phone_account(*, phone: str) -> User | None:
    """The account whose login is this number (any common spelling), if any."""
    e164 = parse_mobile_number(phone)
    return User.objects.filter(login_phone_index=phone_verification.phone_index(e164)).first()


@transaction.atomic
def open_phone_account(
    *,
    full_name: str,
    phone: str,
    language: str = "id",
    acting_user: User | None = None,
    desk_name: str = "",
    ip: str | None = None,
) -> User:
    """Open an account keyed by `phone`, with no usable password, and send its activation
    code by SMS to that phone.

    The same person sent again before activation (a double tap, a retry: same number,
    same name, not activated) gets the same account and no second code. Refusals: the
    phone parser's errors, PhoneAccountExistsError, the SMS code's send limits.
    """
    full_name = " ".join(full_name.split())
    e164 = parse_mobile_number(phone)
    index = phone_verification.phone_index(e164)
    existing = User.objects.select_for_update().filter(login_phone_index=index).first()
    if existing is not None:
        if existing.phone_confirmed_at is None and existing.full_name == full_name:
            return existing
        raise PhoneAccountExistsError(field="phone")
    user = User(
        email=None,
        full_name=full_name,
        language=language,
        login_phone_encrypted=encrypt(e164),
        login_phone_index=index,
        login_phone_masked=mask_phone_number(e164),
    )
    user.set_unusable_password()
    user.save()
    record_event(
        action="account.phone_account_opened",
        actor=acting_user or user,
        target=user,
        ip_address=ip,
        phone=user.login_phone_masked,
    )
    phone_verification.send_phone_code(user=user, phone=e164, ip=ip, desk_name=desk_name)
    return user


def activate_phone_account(
    *, user: User, code: str, acting_user: User | None = None, ip: str | None = None
) -> User:
    """Check the activation code the citizen received; the login number is then proved
    (it is also the account's verified phone). Idempotent once activated.

    Refusals: the SMS code's (bekal.accounts.phone_verification.verify_phone_code),
    PhoneLoginMismatchError. Call outside a transaction: a wrong try is committed.
    """
    verified = phone_verification.verify_phone_code(user=user, code=code, ip=ip)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if verified.phone_index != user.login_phone_index:
            raise PhoneLoginMismatchError(field="code")
        if user.phone_confirmed_at is None:
            user.phone_confirmed_at = timezone.now()
            user.save(update_fields=["phone_confirmed_at"])
            record_event(
                action="account.phone_account_activated",
                actor=acting_user or user,
                target=user,
                ip_address=ip,
                phone=user.login_phone_masked,
            )
    return user


def password_code_message(*, code: str, language: str) -> str:
    minutes = int(PASSWORD_CODE_TTL.total_seconds() // 60)
    with translation.override(language):
        return gettext(
            "Code to set your Bekal password: %(code)s (valid %(minutes)s minutes). "
            "Never give this code to anyone, including officers."
        ) % {"code": code, "minutes": minutes}


def _code_hash(code: str, salt: str) -> str:
    return blind_index(f"{salt}:{code}", purpose="password-code")


@transaction.atomic
def request_password_code(*, phone: str, ip: str | None = None) -> None:
    """Send a code to set the password to `phone`, if it is an account's login.

    The same answer for every number (nothing says whether it has an account); limited
    like password resets, per number and per address, and by the SMS send limits.
    """
    e164 = parse_mobile_number(phone)
    account_limit, ip_limit = throttling.reset_limits()
    wait = max(
        throttling.retry_after(limit=account_limit, key=e164),
        throttling.retry_after(limit=ip_limit, key=ip or "unknown"),
    )
    if wait:
        raise TooManyAttemptsError(retry_after=wait, minutes=max(1, (wait + 59) // 60))
    throttling.register_attempt(limit=account_limit, key=e164)
    throttling.register_attempt(limit=ip_limit, key=ip or "unknown")
    user = (
        User.objects.select_for_update()
        .filter(login_phone_index=phone_verification.phone_index(e164), is_active=True)
        .first()
    )
    if user is None:
        return
    now = timezone.now()
    PhonePasswordCode.objects.filter(user=user, status=PhonePasswordCode.Status.PENDING).update(
        status=PhonePasswordCode.Status.REPLACED
    )
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)
    entry = PhonePasswordCode.objects.create(
        user=user,
        code_salt=salt,
        code_hash=_code_hash(code, salt),
        created_at=now,
        expires_at=now + PASSWORD_CODE_TTL,
    )
    queue_sms(
        to=e164,
        kind=PASSWORD_CODE_KIND,
        body=password_code_message(code=code, language=user.language),
        user=user,
        sensitive=True,
        expires_at=entry.expires_at,
    )
    record_event(
        action="account.password_code_sent",
        actor=user,
        target=user,
        ip_address=ip,
        phone=user.login_phone_masked,
    )


def set_password_with_code(
    *, phone: str, code: str, password: str, ip: str | None = None, now: datetime | None = None
) -> User:
    """Set a phone-number account's password with the code sent to its number.

    The code also proves the number, so an account not yet activated is activated.
    Refusals: PasswordCodeInvalidError (unknown number, wrong, expired or used code, the
    same answer for each), the password rules (InvalidSignUpError). A wrong try is
    committed before the refusal: call outside a transaction.
    """
    from bekal.accounts.services import InvalidSignUpError

    e164 = parse_mobile_number(phone)
    code = re.sub(r"[\s-]", "", code or "")
    now = now or timezone.now()
    user = User.objects.filter(
        login_phone_index=phone_verification.phone_index(e164), is_active=True
    ).first()
    if user is None or not _CODE.fullmatch(code):
        raise PasswordCodeInvalidError(field="code")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidSignUpError({"password": [str(m) for m in exc.messages]}) from exc
    with transaction.atomic():
        entry = (
            PhonePasswordCode.objects.select_for_update()
            .filter(user=user)
            .order_by("-created_at", "-id")
            .first()
        )
        if (
            entry is None
            or entry.status != PhonePasswordCode.Status.PENDING
            or entry.expires_at <= now
        ):
            raise PasswordCodeInvalidError(field="code")
        if hmac.compare_digest(_code_hash(code, entry.code_salt), entry.code_hash):
            entry.status = PhonePasswordCode.Status.USED
            entry.used_at = now
            entry.save(update_fields=["status", "used_at"])
            user.set_password(password)
            fields = ["password"]
            if user.phone_confirmed_at is None:
                user.phone_confirmed_at = now
                fields.append("phone_confirmed_at")
            user.save(update_fields=fields)
            account_limit, _ip = throttling.login_limits()
            throttling.reset(limit=account_limit, key=e164)
            record_event(
                action="account.password_set_by_phone", actor=user, target=user, ip_address=ip
            )
            return user
        entry.attempts += 1
        if entry.attempts >= PASSWORD_CODE_MAX_ATTEMPTS:
            entry.status = PhonePasswordCode.Status.BLOCKED
        entry.save(update_fields=["attempts", "status"])
    raise PasswordCodeInvalidError(field="code")
