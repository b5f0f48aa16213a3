"""Citizen accounts: sign up, confirm the email, log in, reset the password.

Nothing here says whether an email address has an account: sign-up, resend and reset
answer the same way for known and unknown addresses, and login failures count the same.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.accounts import throttling, tokens
from bekal.accounts.errors import (
    AccountInactiveError,
    EmailNotConfirmedError,
    InvalidCredentialsError,
    InvalidLinkError,
    InvalidPhoneCredentialsError,
    LoginIdentifierInvalidError,
    PhoneAccountNotActivatedError,
    ResendTooSoonError,
    TooManyAttemptsError,
)
from bekal.accounts.models import User, normalize_email
from bekal.accounts.phone_numbers import parse_mobile_number
from bekal.accounts.phone_verification import phone_index
from bekal.core.audit import record_event
from bekal.core.errors import DomainError
from bekal.core.links import portal_links
from bekal.notifications import selectors as outbox
from bekal.notifications.services import queue_templated_email

CONFIRMATION_KIND = "account_confirmation"
ACCOUNT_EXISTS_KIND = "account_exists"
RESET_KIND = "password_reset"
#: A sign-up repeated within this many seconds with the same data is the same form sent again.
SAME_FORM_WITHIN_SECONDS = 60


class InvalidSignUpError(DomainError):
    code = "invalid_sign_up"
    message = _("Please correct the errors below.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.errors = errors


def _queue_confirmation(user: User) -> None:
    token = tokens.make_confirmation_token(user)
    queue_templated_email(
        to=user.email,
        kind=CONFIRMATION_KIND,
        template="accounts/email/confirmation",
        context={
            "name": user.full_name,
            "link": portal_links().confirm_email(token),
            "days": settings.BEKAL_CONFIRMATION_MAX_AGE // 86400,
        },
        language=user.language,
        user=user,
    )


def sign_up(
    *, full_name: str, email: str, password: str, language: str = "id", ip: str | None = None
) -> User | None:
    """Create an unconfirmed account and queue its confirmation email.

    When the address already has an account, or gets one at this very moment from
    another request, nothing is created and its owner is told by email instead (unless
    it is the same form sent again); the caller answers every case with the same page.
    Never raises on a repeated submission. Returns the new user, or None when the
    address was taken.
    """
    full_name = " ".join(full_name.split())
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [str(_("Enter your full name as it is written on your KTP."))]
    elif len(full_name) > 150:
        errors["full_name"] = [str(_("The name is too long (at most 150 characters)."))]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [str(_("Enter a valid email address, for example nama@contoh.id."))]
    try:
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = [str(m) for m in exc.messages]
    if errors:
        raise InvalidSignUpError(errors)

    existing = User.objects.filter(email=email).first()
    if existing is not None:
        # One hash, as a sign-up costs: timing tells nothing.
        with transaction.atomic():
            _answer_taken_address(existing, full_name=full_name, password=password)
        return None
    try:
        # The outermost transaction when called from a request: no savepoint round trips.
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, full_name=full_name, language=language
            )
            record_event(action="account.signed_up", actor=user, target=user, ip_address=ip)
            _queue_confirmation(user)
    except IntegrityError:
        # The same address signed up at this very moment (a double tap, a retrying proxy,
        # two tabs): the insert waited for that sign-up to commit and found the address
        # taken; nothing of this one was kept. The answer is the same page; the first
        # request's email is on its way.
        existing = User.objects.filter(email=email).first()
        if existing is None:  # pragma: no cover - the other sign-up rolled back instead
            raise
        with transaction.atomic():
            _answer_taken_address(existing, full_name=full_name, password=password)
        return None
    return user


def _answer_taken_address(user: User, *, full_name: str, password: str) -> None:
    """A sign-up with an address that has an account: nothing is created.

    Checking the password costs the hash a real sign-up costs, so timing tells nothing.
    The same form sent again moments later (a double tap, a retrying proxy, two tabs:
    same name, same password, the account unconfirmed and under a minute old) needs
    nothing more: its confirmation email is already queued. Any other try is told to
    the owner by email.
    """
    same_password = user.check_password(password)
    resent = (
        same_password
        and user.full_name == full_name
        and user.email_confirmed_at is None
        and timezone.now() - user.date_joined < timedelta(seconds=SAME_FORM_WITHIN_SECONDS)
    )
    if not resent:
        _tell_owner_of_sign_up_attempt(user)


def _tell_owner_of_sign_up_attempt(user: User) -> None:
    since = timezone.now() - timedelta(days=1)
    if (
        outbox.count_messages(recipient=user.email or "", kind=ACCOUNT_EXISTS_KIND, since=since)
        >= 3
    ):
        return
    queue_templated_email(
        to=user.email,
        kind=ACCOUNT_EXISTS_KIND,
        template="accounts/email/account_exists",
        context={
            "name": user.full_name,
            "login_link": portal_links().login(),
            "reset_link": portal_links().password_reset(),
        },
        language=user.language,
        user=user,
    )


@transaction.atomic
def confirm_email(*, token: str, ip: str | None = None) -> User:
    user_id, email = tokens.read_confirmation_token(token)
    user = User.objects.select_for_update().filter(pk=user_id, email=email).first()
    if user is None:
        raise InvalidLinkError()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        record_event(action="account.email_confirmed", actor=user, target=user, ip_address=ip)
    return user


@transaction.atomic
def resend_confirmation(*, email: str, ip: str | None = None) -> None:
    """Send the confirmation link again, at most once a minute and a few times a day.

    Unknown and already-confirmed addresses get the same answer and no email.
    """
    email = normalize_email(email)
    last = outbox.last_message_at(recipient=email, kind=CONFIRMATION_KIND)
    now = timezone.now()
    interval = timedelta(seconds=settings.BEKAL_CONFIRMATION_RESEND_INTERVAL)
    if last is not None and now - last < interval:
        raise ResendTooSoonError(
            retry_after=int((interval - (now - last)).total_seconds()) + 1,
            seconds=int((interval - (now - last)).total_seconds()) + 1,
        )
    per_day = outbox.count_messages(
        recipient=email, kind=CONFIRMATION_KIND, since=now - timedelta(days=1)
    )
    if per_day >= settings.BEKAL_CONFIRMATION_RESEND_PER_DAY:
        raise TooManyAttemptsError(retry_after=3600, minutes=60)
    user = User.objects.filter(email=email, is_active=True, email_confirmed_at__isnull=True).first()
    if user is not None:
        _queue_confirmation(user)


def log_in(
    *, email: str, password: str, ip: str | None, request: Any = None, via: str = "portal"
) -> User:
    """Check the credentials under the per-account and per-address limits.

    `email` is what the person typed to say who they are: an email address, or the
    mobile number of a phone-number account (bekal.accounts.phone_accounts).
    Every login form (the portal and back office, the assisted desk, the Django admin:
    `via`) comes here. The account's counter is checked first: it is keyed by what the
    person claims to be, so it holds whatever address the attempts come from; the
    address's counter (the client's address, see bekal.core.client_address) is a coarser
    backstop against one source trying many accounts. Failures and successes are audited.
    """
    identifier = email.strip()
    phone = ""
    if "@" not in identifier:
        try:
            phone = parse_mobile_number(identifier)
        except DomainError:
            raise LoginIdentifierInvalidError(field="email") from None
        key = phone
        lookup = {"login_phone_index": phone_index(phone)}
        credentials = {"phone": phone}
        invalid: type[DomainError] = InvalidPhoneCredentialsError
    else:
        key = normalize_email(identifier)
        lookup = {"email": key}
        credentials = {"username": key}
        invalid = InvalidCredentialsError
    account_limit, ip_limit = throttling.login_limits()
    wait = throttling.retry_after(limit=account_limit, key=key) or throttling.retry_after(
        limit=ip_limit, key=ip or "unknown"
    )
    if wait:
        # Refused without checking the password, and still on the record.
        record_event(
            action="account.login_failed",
            target=User.objects.filter(**lookup).first(),
            ip_address=ip,
            locked=True,
            via=via,
        )
        raise TooManyAttemptsError(retry_after=wait, minutes=max(1, (wait + 59) // 60))
    user = authenticate(request, password=password, **credentials)
    if user is None:
        with transaction.atomic():
            wait = max(
                throttling.register_attempt(limit=account_limit, key=key),
                throttling.register_attempt(limit=ip_limit, key=ip or "unknown"),
            )
            known = User.objects.filter(**lookup).first()
            record_event(
                action="account.login_failed",
                target=known,
                ip_address=ip,
                locked=bool(wait),
                via=via,
            )
        if known is not None and not known.is_active and known.check_password(password):
            raise AccountInactiveError()
        if wait:
            raise TooManyAttemptsError(retry_after=wait, minutes=max(1, (wait + 59) // 60))
        raise invalid()
    assert isinstance(user, User)
    if phone and user.phone_confirmed_at is None:
        raise PhoneAccountNotActivatedError()
    if not phone and not user.email_confirmed:
        raise EmailNotConfirmedError()
    with transaction.atomic():
        throttling.reset(limit=account_limit, key=key)
        record_event(action="account.logged_in", actor=user, target=user, ip_address=ip, via=via)
    return user


@transaction.atomic
def request_password_reset(*, email: str, ip: str | None = None) -> None:
    """Email a reset link if the address has an account. Same answer either way."""
    email = normalize_email(email)
    account_limit, ip_limit = throttling.reset_limits()
    wait = max(
        throttling.retry_after(limit=account_limit, key=email),
        throttling.retry_after(limit=ip_limit, key=ip or "unknown"),
    )
    if wait:
        raise TooManyAttemptsError(retry_after=wait, minutes=max(1, (wait + 59) // 60))
    throttling.register_attempt(limit=account_limit, key=email)
    throttling.register_attempt(limit=ip_limit, key=ip or "unknown")
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return
    uidb64, token = tokens.make_reset_link_parts(user)
    queue_templated_email(
        to=user.email,
        kind=RESET_KIND,
        template="accounts/email/password_reset",
        context={
            "name": user.full_name,
            "link": portal_links().password_reset_confirm(uidb64, token),
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
        language=user.language,
        user=user,
    )
    record_event(action="account.password_reset_requested", target=user, ip_address=ip)


def check_reset_link(*, uidb64: str, token: str) -> User:
    return tokens.read_reset_link(uidb64, token)


@transaction.atomic
def reset_password(*, uidb64: str, token: str, password: str, ip: str | None = None) -> User:
    user = tokens.read_reset_link(uidb64, token)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidSignUpError({"password": [str(m) for m in exc.messages]}) from exc
    user.set_password(password)
    fields = ["password"]
    if user.email_confirmed_at is None:
        # Opening the link proves the person controls the address.
        user.email_confirmed_at = timezone.now()
        fields.append("email_confirmed_at")
    user.save(update_fields=fields)
    account_limit, _ip = throttling.login_limits()
    throttling.reset(limit=account_limit, key=user.email or "")
    record_event(action="account.password_reset", actor=user, target=user, ip_address=ip)
    return user
