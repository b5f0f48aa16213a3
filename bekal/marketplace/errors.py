"""Refusals of the marketplace: each has a stable code that partners and tests rely on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError, NotFoundError

# --- catalogue --------------------------------------------------------------------------


class PlatformInactiveError(DomainError):
    code = "platform_inactive"
    http_status = 403
    message = _("This platform is not active in the programme.")


class PlatformExistsError(DomainError):
    code = "platform_exists"
    http_status = 409
    message = _("A platform with this code already exists.")


class ProviderNotFoundError(NotFoundError):
    code = "provider_not_found"
    message = _("No training provider with this id on your platform.")


class ProviderExistsError(DomainError):
    code = "provider_exists"
    http_status = 409
    message = _("A training provider with this id already exists on your platform.")


class CourseNotFoundError(NotFoundError):
    code = "course_not_found"
    message = _("No course with this id.")


class CourseExistsError(DomainError):
    code = "course_exists"
    http_status = 409
    message = _("A course with this id already exists on your platform.")


class CourseInvalidError(DomainError):
    code = "course_invalid"
    http_status = 422
    message = _("The course is not valid: %(reason)s")


class CoursePriceOverCapError(DomainError):
    code = "course_price_over_cap"
    http_status = 422
    message = _("The price %(price)s is above the highest course price of %(cap)s.")


class CourseNotEditableError(DomainError):
    code = "course_not_editable"
    http_status = 409
    message = _(
        "A published, rejected or withdrawn course cannot be changed; submit a new course instead."
    )


class CourseNotSubmittedError(DomainError):
    code = "course_not_submitted"
    http_status = 409
    message = _("Only a course waiting for approval can be approved or rejected.")


class CourseNotApprovedError(DomainError):
    code = "course_not_approved"
    http_status = 409
    message = _("Only a published course can be withdrawn.")


class DecisionNoteRequiredError(DomainError):
    code = "decision_note_required"
    http_status = 422
    message = _("Say why, so the platform can correct it.")


class SessionInvalidError(DomainError):
    code = "session_invalid"
    http_status = 422
    message = _("The session is not valid: %(reason)s")


class SessionNotFoundError(NotFoundError):
    code = "session_not_found"
    message = _("No session with this id for this course.")


class SessionAlreadyStartedError(DomainError):
    code = "session_already_started"
    http_status = 409
    message = _("This session has already started; it can no longer be cancelled.")


class SessionHasRedeemedVouchersError(DomainError):
    code = "session_has_redeemed_vouchers"
    http_status = 409
    message = _("A voucher of this session has already been redeemed; it cannot be cancelled.")


class CancelReasonInvalidError(DomainError):
    code = "cancel_reason_invalid"
    http_status = 422
    message = _("Say why the session is cancelled, in 1 to 300 characters.")


# --- purchase ---------------------------------------------------------------------------


class NoActiveCardError(DomainError):
    code = "card_not_active"
    http_status = 409
    message = _("You need an active card to buy a training. Accept your card's terms first.")


class CourseNotAvailableError(DomainError):
    code = "course_not_available"
    http_status = 409
    message = _("This training is no longer sold.")


class SessionRequiredError(DomainError):
    code = "session_required"
    http_status = 422
    message = _("Choose a session of this training.")


class SessionClosedError(DomainError):
    code = "session_closed"
    http_status = 409
    message = _("This session has already started or was cancelled. Choose another one.")


class SessionFullError(DomainError):
    code = "session_full"
    http_status = 409
    message = _("This session is full. Choose another one.")


class CourseAlreadyBoughtError(DomainError):
    code = "course_already_bought"
    http_status = 409
    message = _("You have already bought this training with your card.")


class BalanceTooLowError(DomainError):
    code = "balance_insufficient"
    http_status = 409
    message = _("Your card balance is %(balance)s; this training costs %(price)s.")


class PriceOverCardCapError(DomainError):
    code = "course_over_price_cap"
    http_status = 409
    message = _("Your card's scheme allows trainings up to %(cap)s; this one costs %(price)s.")


# --- vouchers: redemption and completion ------------------------------------------------


class VoucherNotFoundError(NotFoundError):
    code = "voucher_not_found"
    message = _("No voucher with this code on your platform.")


class VoucherAlreadyRedeemedError(DomainError):
    code = "voucher_already_redeemed"
    http_status = 409
    message = _("This voucher has already been redeemed.")


class VoucherRefundedError(DomainError):
    code = "voucher_refunded"
    http_status = 409
    message = _("This voucher was refunded: its session was cancelled.")


class RedeemWindowError(DomainError):
    code = "redeem_outside_window"
    http_status = 409
    message = _("This voucher can be redeemed only between %(opens)s and %(closes)s.")


class VoucherNotRedeemedError(DomainError):
    code = "voucher_not_redeemed"
    http_status = 409
    message = _("A training is completed only after its voucher has been redeemed.")


class SessionNotEndedError(DomainError):
    code = "session_not_ended"
    http_status = 409
    message = _("The session ends at %(ends)s; report the completion after that.")


class VoucherAlreadyCompletedError(DomainError):
    code = "voucher_already_completed"
    http_status = 409
    message = _("The completion of this training has already been reported.")


class CompletionEvidenceError(DomainError):
    code = "completion_evidence_invalid"
    http_status = 422
    message = _("The completion evidence is not valid: %(reason)s")


class CertificateNumberTakenError(DomainError):
    code = "certificate_number_taken"
    http_status = 409
    message = _("This certificate number was already used on your platform.")


# --- reviews ----------------------------------------------------------------------------


class PurchaseNotFoundError(NotFoundError):
    code = "purchase_not_found"
    message = _("No such training among your purchases.")


class ReviewNotAllowedError(DomainError):
    code = "review_not_completed"
    http_status = 409
    message = _("You can review a training once you have completed it.")


class ReviewExistsError(DomainError):
    code = "review_exists"
    http_status = 409
    message = _("You have already reviewed this training.")


class ReviewInvalidError(DomainError):
    code = "review_invalid"
    http_status = 422
    message = _("The review is not valid: %(reason)s")


class CertificateNotFoundError(NotFoundError):
    code = "certificate_not_found"
    message = _("No certificate matches this address.")
