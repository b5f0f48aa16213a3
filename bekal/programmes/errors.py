"""Refusals of the programmes app: schemes, waves, joining, exclusion lists."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError

# --- schemes ---------------------------------------------------------------------------


class SchemeVersionStaleError(DomainError):
    code = "scheme_version_stale"
    message = _(
        "Scheme %(code)s has a newer version (%(latest)s) than the one you edited "
        "(%(version)s). Open the latest version and make your change there."
    )


class SchemeUnchangedError(DomainError):
    code = "scheme_unchanged"
    message = _("Nothing was changed, so no new version of the scheme was made.")


class SchemeFieldNotRevisableError(DomainError):
    code = "scheme_field_not_revisable"
    message = _("The field %(field)s of a scheme cannot be revised.")


class SchemeInvalidError(DomainError):
    code = "scheme_invalid"
    message = _("The scheme is not valid: %(reason)s")


# --- waves -----------------------------------------------------------------------------


class WaveInvalidError(DomainError):
    code = "wave_invalid"
    message = _("The wave is not valid: %(reason)s")


class WaveQuotaExceedsNationalError(DomainError):
    code = "wave_quota_exceeds_national"
    message = _(
        "The regional quotas add up to %(total)s places, more than the national quota "
        "of %(national)s."
    )


class WaveQuotaExceedsProvinceError(DomainError):
    code = "wave_quota_exceeds_province"
    message = _(
        "The quotas of the regencies/cities of %(province)s add up to %(total)s places, "
        "more than the province's quota of %(quota)s."
    )


class WaveQuotaRegionError(DomainError):
    code = "wave_quota_region"
    message = _("%(region)s is not the code of a province or a regency/city.")


class WaveQuotaDuplicateError(DomainError):
    code = "wave_quota_duplicate"
    message = _("The region %(region)s has more than one quota.")


class WaveTierInvalidError(DomainError):
    code = "wave_tier_invalid"
    message = _("Priority tier %(rank)s is not valid: %(reason)s")


class WaveStateError(DomainError):
    code = "wave_state"
    message = _("The wave is %(status)s; only a draft wave can be opened.")
    message_close = _("The wave is %(status)s; only an open wave can be closed.")
    http_status = 409

    def __init__(self, *, closing: bool = False, **params: Any) -> None:
        super().__init__(self.message_close if closing else self.message, **params)


class WaveWindowPassedError(DomainError):
    code = "wave_window_passed"
    message = _("The wave's closing time has passed; it cannot be opened.")
    http_status = 409


# --- joining ---------------------------------------------------------------------------


class WaveNotOpenError(DomainError):
    code = "wave_not_open"
    message = _("This wave is not open for joining now.")
    http_status = 409


class RegistrationIncompleteError(DomainError):
    code = "registration_incomplete"
    message = _("Complete your registration before you join a wave.")
    http_status = 409


class AssessmentNotPassedError(DomainError):
    code = "test_not_passed"
    message = _("Pass the test before you join a wave.")
    http_status = 409


class AlreadyJoinedError(DomainError):
    code = "wave_already_joined"
    message = _("You have already joined this wave.")
    http_status = 409


class AlreadyInOpenWaveError(DomainError):
    code = "wave_already_in_open_wave"
    message = _(
        "You are already in %(wave)s, which is still open. You can be in one wave at a time."
    )
    http_status = 409


class CarryOverError(DomainError):
    code = "wave_carry_over"
    message = _("Applicants cannot be carried over from %(source)s to %(target)s: %(reason)s")
    http_status = 409


# --- exclusion lists -------------------------------------------------------------------


class ExclusionFileError(DomainError):
    code = "exclusion_file_invalid"
    message = _("The file cannot be imported: %(reason)s")


class ExclusionFileHeaderError(DomainError):
    code = "exclusion_file_header"
    message = _(
        "The first line of the file must be a header with a column named nik "
        "(for example: nik,valid_from,valid_to)."
    )


class ExclusionFileGoneError(DomainError):
    code = "exclusion_file_gone"
    message = _(
        "The file of this list was deleted after its import. Upload the file again to "
        "import it again."
    )
    http_status = 409


class ExclusionImportRunningError(DomainError):
    code = "exclusion_import_running"
    message = _("This list is being imported already. Wait until the import has finished.")
    http_status = 409
