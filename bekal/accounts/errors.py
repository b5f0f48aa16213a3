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


# Phone verification by SMS code (bekal.accounts.phone_verification).


class PhoneInvalidError(DomainError):
    code = "phone_invalid"
    message = _(
        "This is not a valid Indonesian phone number. Write it like 0812 3456 7890 "
        "or +62 812 3456 7890."
    )


class PhoneNotMobileError(DomainError):
    code = "phone_not_mobile"
    message = _(
        "This is a landline number. Enter a mobile number that can receive SMS, "
        "for example 0812 3456 7890."
    )


class PhoneUnknownOperatorError(DomainError):
    code = "phone_unknown_operator"
    message = _(
        "No mobile operator uses numbers starting with %(prefix)s. Check the number, "
        "or use another mobile number."
    )


class PhoneAlreadyVerifiedError(DomainError):
    code = "phone_already_verified"
    message = _("This number is already verified on your account.")


class OtpNotRequestedError(DomainError):
    code = "otp_not_requested"
    message = _("No code is waiting for you. Enter your mobile number to get a code.")


class OtpMalformedError(DomainError):
    code = "otp_malformed"
    message = _("The code has 6 digits. Type only the digits from the SMS.")


class OtpExpiredError(DomainError):
    code = "otp_expired"
    message = _("This code has expired. Ask for a new code.")


class OtpWrongError(DomainError):
    code = "otp_wrong"
    message = _("The code is not correct. Attempts left for this code: %(attempts_left)s.")


class OtpTooManyAttemptsError(DomainError):
    code = "otp_too_many_attempts"
    message = _("The code was typed wrong too many times and no longer works. Ask for a new code.")


class OtpResendTooSoonError(ThrottledError):
    code = "otp_resend_too_soon"
    message = _("A code was sent a moment ago. You can ask for a new one in %(seconds)s seconds.")


class OtpTooManySendsError(ThrottledError):
    code = "otp_too_many_sends"
    message = _(
        "The most codes allowed in 24 hours (%(limit)s) have been sent. "
        "You can ask for a new code after %(time)s."
    )


# Phone-number accounts (bekal.accounts.phone_accounts).


class InvalidPhoneCredentialsError(DomainError):
    code = "invalid_phone_credentials"
    message = _("The phone number or password is not correct.")


class PhoneAccountNotActivatedError(DomainError):
    code = "phone_account_not_activated"
    message = _(
        "This account is not activated yet. It is activated with the code sent by SMS to "
        "its phone number, at the desk where it was opened."
    )


class PhoneAccountExistsError(DomainError):
    code = "phone_account_exists"
    message = _(
        "This phone number already has a Bekal account. Each person needs their own "
        "number; the holder can set a password with it at any time."
    )


class PhoneLoginMismatchError(DomainError):
    code = "phone_login_mismatch"
    message = _("The code was sent to another number than this account's. Ask for a new code.")


class PasswordCodeInvalidError(DomainError):
    code = "password_code_invalid"
    message = _(
        "The phone number or the code is not correct, or the code has expired. Ask for a new code."
    )


class LoginIdentifierInvalidError(DomainError):
    code = "login_identifier_invalid"
    message = _(
        "Enter your email address (for example nama@contoh.id) or your mobile number "
        "(for example 0812 3456 7890)."
    )
