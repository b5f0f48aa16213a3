from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError, NotFoundError, PermissionDeniedError


class NotDeskOfficerError(PermissionDeniedError):
    code = "not_desk_officer"
    message = _("This page is for officers of a registration desk.")


class AssistedRegistrationNotFoundError(NotFoundError):
    code = "assisted_registration_not_found"
    message = _("No registration with this number at your desk.")


class DeskDailyLimitError(DomainError):
    code = "desk_daily_limit"
    http_status = 409
    message = _(
        "This desk has registered %(limit)s people today, the most allowed in one day. "
        "Registration at this desk opens again tomorrow; the citizen can also register "
        "at another desk or online."
    )


class OfficerDailyLimitError(DomainError):
    code = "officer_daily_limit"
    http_status = 409
    message = _(
        "You have registered %(limit)s people today, the most one officer may in a day. "
        "Another officer of the desk can continue."
    )


class AccountNotActivatedError(DomainError):
    code = "assisted_account_not_activated"
    http_status = 409
    message = _(
        "The account is not activated yet: the citizen types the code from the SMS on "
        "their own phone first."
    )
