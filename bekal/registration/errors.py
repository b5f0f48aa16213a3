"""Refusals of the registration steps: profile, identity check, declaration.

The NIK and KK refusals are the parser's own (bekal.identity.nik): NikBirthDateMismatchError
("nik_birth_date_mismatch"), NikRegionMismatchError, KkFormatError, ...
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError


class DuplicateNikError(DomainError):
    code = "nik_already_registered"
    http_status = 409
    message = _(
        "This NIK is already registered with another account. If that account is yours, log "
        "in with the email address you used then; if you forgot its password, choose "
        "“Forgot your password?” on the login page and enter that email address. If you "
        "never registered, someone else may have used your NIK: file a complaint with the "
        "help desk (Monday to Friday, 08:00 to 19:00 WIB) and show them your KTP."
    )

    def __init__(self, *, nik_index: str) -> None:
        super().__init__(field="nik")
        #: The blind index of the NIK, for the record of the attempt (never shown).
        self.nik_index = nik_index


class InvalidProfileError(DomainError):
    code = "profile_invalid"
    message = _("Please correct this field.")


class VillageNotFoundError(DomainError):
    code = "village_not_found"
    message = _("Choose the village (desa/kelurahan) from the list.")


class IdentityVerifiedError(DomainError):
    code = "identity_already_verified"
    message = _(
        "Your identity has already been verified by the population registry, so your NIK, "
        "name and date of birth can no longer be changed here. If they are wrong, contact "
        "the help desk."
    )


class ProfileRequiredError(DomainError):
    code = "profile_required"
    message = _("Fill in and submit your profile first.")


class DeclarationOutdatedError(DomainError):
    code = "declaration_outdated"
    message = _("The text of the declaration has changed since you opened it. Read it again.")


class RegistryUnavailableError(Exception):
    """The population registry did not answer; the identity check job is retried later."""
