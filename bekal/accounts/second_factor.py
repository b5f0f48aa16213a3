"""Staff second factor: a code from an authenticator app (TOTP, RFC 6238) after the password.

pyotp computes the codes; Bekal keeps the device itself (bekal.accounts.models.
StaffTotpDevice) so that the shared secret is encrypted like every other secret we hold,
and a code is accepted once only (the last accepted time step is stored). Wrong codes are
throttled per account like passwords, and every enrolment, success and failure is audited.

Who is staff: anybody who can see other people's data (the programme office, regional
officers, admin users). They must use the second factor when
`BEKAL_STAFF_SECOND_FACTOR_REQUIRED` is on; one who has enrolled is always asked.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.accounts import throttling
from bekal.accounts.errors import TooManyAttemptsError
from bekal.accounts.models import StaffTotpDevice, User
from bekal.core import crypto
from bekal.core.audit import record_event
from bekal.core.errors import DomainError

#: Codes of the previous and next 30-second step are accepted (clocks of phones drift).
_VALID_WINDOW = 1


class InvalidCodeError(DomainError):
    code = "invalid_second_factor_code"
    message = _("This code is not correct. Enter the 6 digits your authenticator app shows now.")


class NotEnrolledError(DomainError):
    code = "second_factor_not_enrolled"
    message = _("Set up your authenticator app first.")


def is_staff_account(user: User) -> bool:
    """Can this account see other people's data (and so needs the staff protections)?"""
    return bool(
        user.is_authenticated
        and (
            user.is_staff
            or user.is_superuser
            or user.role in (User.Role.PROGRAMME_ADMIN, User.Role.REGIONAL_OFFICER)
        )
    )


def confirmed_device(user: User) -> StaffTotpDevice | None:
    return StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def needs_second_factor(user: User) -> bool:
    if not is_staff_account(user):
        return False
    return bool(settings.BEKAL_STAFF_SECOND_FACTOR_REQUIRED) or confirmed_device(user) is not None


def _limit() -> throttling.Limit:
    lockout = timedelta(seconds=settings.BEKAL_LOGIN_LOCKOUT_SECONDS)
    return throttling.Limit(
        "second_factor", settings.BEKAL_SECOND_FACTOR_FAILURES, lockout, lockout
    )


@transaction.atomic
def start_enrolment(*, user: User) -> StaffTotpDevice:
    """A new, unconfirmed device with a fresh secret (replacing an unconfirmed one)."""
    if confirmed_device(user) is not None:
        raise DomainError(
            _("An authenticator app is already set up for this account."),
            code="second_factor_already_enrolled",
        )
    StaffTotpDevice.objects.filter(user=user).delete()
    return StaffTotpDevice.objects.create(
        user=user, secret_encrypted=crypto.encrypt(pyotp.random_base32())
    )


def pending_device(user: User) -> StaffTotpDevice | None:
    return StaffTotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()


def provisioning_uri(device: StaffTotpDevice) -> str:
    secret = crypto.decrypt(device.secret_encrypted)
    return pyotp.TOTP(secret).provisioning_uri(
        name=device.user.email, issuer_name=settings.BEKAL_SECOND_FACTOR_ISSUER
    )


def setup_key(device: StaffTotpDevice) -> str:
    """The secret in groups of four, for typing into an app instead of scanning."""
    secret = crypto.decrypt(device.secret_encrypted)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: StaffTotpDevice) -> str:
    """The enrolment QR code as inline SVG (segno), for the authenticator app to scan."""
    return str(segno.make(provisioning_uri(device), error="m").svg_inline(scale=4))


def _accepted_step(device: StaffTotpDevice, code: str, now: float) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(crypto.decrypt(device.secret_encrypted))
    step = int(now // totp.interval)
    for offset in range(-_VALID_WINDOW, _VALID_WINDOW + 1):
        candidate = step + offset
        if candidate > device.last_step and totp.at(candidate * totp.interval) == code:
            return candidate
    return None


def _check(*, user: User, device: StaffTotpDevice, code: str, ip: str | None, action: str) -> None:
    limit = _limit()
    wait = throttling.retry_after(limit=limit, key=user.email or f"user:{user.pk}")
    if wait:
        raise TooManyAttemptsError(retry_after=wait, minutes=max(1, (wait + 59) // 60))
    step = _accepted_step(device, code, time.time())
    if step is None:
        with transaction.atomic():
            wait = throttling.register_attempt(limit=limit, key=user.email or f"user:{user.pk}")
            record_event(
                action="account.second_factor_failed",
                actor=user,
                target=user,
                ip_address=ip,
                locked=bool(wait),
            )
        if wait:
            raise TooManyAttemptsError(retry_after=wait, minutes=max(1, (wait + 59) // 60))
        raise InvalidCodeError(field="code")
    with transaction.atomic():
        updated = StaffTotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(
            last_step=step, confirmed_at=device.confirmed_at or timezone.now()
        )
        if not updated:  # the same code raced in twice: only one may pass
            raise InvalidCodeError(field="code")
        throttling.reset(limit=limit, key=user.email or f"user:{user.pk}")
        record_event(action=action, actor=user, target=user, ip_address=ip)


def confirm_enrolment(*, user: User, code: str, ip: str | None = None) -> None:
    """Confirm the pending device with a first code from the app."""
    device = pending_device(user)
    if device is None:
        raise NotEnrolledError()
    _check(user=user, device=device, code=code, ip=ip, action="account.second_factor_enrolled")


def verify(*, user: User, code: str, ip: str | None = None) -> None:
    """Check a code at login; throttled and audited. Raises a DomainError if refused."""
    device = confirmed_device(user)
    if device is None:
        raise NotEnrolledError()
    _check(user=user, device=device, code=code, ip=ip, action="account.second_factor_verified")
