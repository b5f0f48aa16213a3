"""Refusals of the payouts, each with a stable code and an Indonesian message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError, NotFoundError, PermissionDeniedError


class SurveyNotOpenError(DomainError):
    code = "survey_not_open"
    message = _("This survey is not open yet: first complete and review a training.")


class SurveyInvalidError(DomainError):
    code = "survey_invalid"
    message = _("Please answer every question of the survey.")


class PhoneNotVerifiedError(DomainError):
    code = "phone_not_verified"
    message = _("Verify your mobile number first: the code is sent to it.")


class EwalletPhoneMismatchError(DomainError):
    code = "ewallet_phone_mismatch"
    message = _(
        "An e-wallet must be registered to your verified mobile number. Use the e-wallet "
        "of that number, or change your verified number first."
    )


class AccountNumberInvalidError(DomainError):
    code = "account_number_invalid"
    message = _("The account number is 10 to 16 digits.")


class AccountNotFoundError(DomainError):
    code = "payout_account_not_found"
    message = _(
        "The provider does not know this account. Check the number, or link another account."
    )


class AccountClosedError(DomainError):
    code = "payout_account_closed"
    message = _("This account is closed. Link an account that is open.")


class NameMismatchError(DomainError):
    code = "payout_name_mismatch"
    message = _(
        "The account holder's name (%(holder)s) is not the name on your KTP. Link an "
        "account in your own name."
    )


class NameNotComparableError(DomainError):
    code = "payout_name_not_possible"
    message = _(
        "The provider did not give the account holder's name, so it cannot be checked. "
        "Link another account, or contact the programme office."
    )


class AccountChangeTooSoonError(DomainError):
    code = "payout_account_change_too_soon"
    message = _("Your payout account was changed recently. You can change it again on %(date)s.")


class LinkCodeWrongError(DomainError):
    code = "payout_link_code_wrong"
    message = _("The code is wrong or has expired. Ask for a new code.")


class LinkNotRequestedError(DomainError):
    code = "payout_link_not_requested"
    message = _("Start by entering the account to link.")


class ProviderUnavailableRefusal(DomainError):
    code = "payout_provider_unavailable"
    http_status = 503
    message = _("The payment provider does not answer right now. Please try again in a moment.")


class BatchNotFoundError(NotFoundError):
    message = _("This batch does not exist.")


class BatchStateError(DomainError):
    code = "batch_state"
    message = _("This batch is %(status)s: that cannot be done any more.")


class SameOfficerError(PermissionDeniedError):
    code = "batch_four_eyes"
    message = _("A batch is approved by another officer than the one who prepared it.")


class ControlTotalsError(DomainError):
    code = "batch_control_totals"
    message = _(
        "The control totals do not agree: the batch holds %(count)s payments for Rp %(total)s."
    )


class NothingToBatchError(DomainError):
    code = "batch_nothing_due"
    message = _("No payment is due with a linked and checked account.")
