"""Signed, expiring links for email confirmation and password reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from bekal.accounts.errors import ExpiredLinkError, InvalidLinkError
from bekal.accounts.models import User

_CONFIRM_SALT = "bekal.accounts.confirm-email"


def make_confirmation_token(user: User) -> str:
    # The email is part of the payload: a link sent to an old address stops working if
    # the address changes.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_CONFIRM_SALT, compress=True)


def read_confirmation_token(token: str) -> tuple[int, str]:
    try:
        data = signing.loads(token, salt=_CONFIRM_SALT, max_age=settings.BEKAL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ExpiredLinkError() from exc
    except signing.BadSignature as exc:
        raise InvalidLinkError() from exc
    try:
        return int(data["u"]), str(data["e"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidLinkError() from exc


class _ResetTokens(PasswordResetTokenGenerator):
    """Django's reset tokens: invalid once the password or last login changes."""

    key_salt = "bekal.accounts.password-reset"


reset_tokens = _ResetTokens()


def make_reset_link_parts(user: User) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), reset_tokens.make_token(user)


def read_reset_link(uidb64: str, token: str) -> User:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = User.objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist) as exc:
        raise InvalidLinkError() from exc
    if not reset_tokens.check_token(user, token):
        raise InvalidLinkError()
    return user
