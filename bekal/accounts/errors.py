from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError, ThrottledError


class InvalidCredentialsError(DomainError):
    code = "invalid_credentials"
    message = _("The email or password is not correct.")


class EmailNotConfirmedError(DomainError):
    code = "email_not_confirmed"
    message = _(
        "Your email address is not confirmed yet. Open the link in the email we sent you, "
        "or ask for a new one below."
    )


class AccountInactiveError(DomainError):
    code = "account_inactive"
    message = _("This account has been deactivated. Contact the programme's help desk.")


class InvalidLinkError(DomainError):
    code = "invalid_link"
    message = _("This link is not valid. Ask for a new one.")


class ExpiredLinkError(DomainError):
    code = "expired_link"
    message = _("This link has expired. Ask for a new one.")


class TooManyAttemptsError(ThrottledError):
    code = "too_many_attempts"
    message = _("Too many attempts. Please try again in %(minutes)s minutes.")


class ResendTooSoonError(ThrottledError):
    code = "resend_too_soon"
    message = _("An email was sent a moment ago. You can ask again in %(seconds)s seconds.")
