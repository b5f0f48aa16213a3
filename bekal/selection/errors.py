"""Refusals of the selection app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError


class RunStateError(DomainError):
    code = "selection_run_state"
    message = _(
        "This step cannot be taken now: the selection of this wave is at the step “%(status)s”."
    )


class RunMissingError(DomainError):
    code = "selection_run_missing"
    http_status = 409
    message = _("This wave has no selection yet: commit the seed first.")


class RunExistsError(DomainError):
    code = "selection_run_exists"
    message = _("This wave already has a selection run.")


class SeedTooLateError(DomainError):
    code = "selection_seed_too_late"
    message = _("The seed must be committed before the wave closes, and this wave has closed.")


class WaveStillOpenError(DomainError):
    code = "selection_wave_not_closed"
    message = _("The selection can only run once the wave is closed.")


class SeedCommitmentBrokenError(DomainError):
    code = "selection_seed_commitment_broken"
    message = _("The stored seed does not match its published hash. The run was stopped.")


class EligibilityFrozenError(DomainError):
    code = "selection_eligibility_frozen"
    message = _(
        "The selection of this wave has run, so its eligibility decisions can no longer be changed."
    )


class RunNotPublishedError(DomainError):
    code = "selection_not_published"
    message = _("The selection of wave %(number)s has not been published.")


class EarlierRunUnpublishedError(DomainError):
    code = "earlier_run_unpublished"
    message = _(
        "The selection of wave %(number)s is not published yet. Publish it before running "
        "this wave: the rules count only published selections, so that nobody is selected "
        "twice and no family gets more places than it may."
    )


class RunAlreadyPublishedError(DomainError):
    code = "selection_run_published"
    http_status = 409
    message = _(
        "The selection of this wave is published: a published selection cannot be cancelled."
    )


class RunNotCancellableError(DomainError):
    code = "selection_run_not_cancellable"
    message = _(
        "Only a selection whose seed is committed and which is not published can be cancelled."
    )


class CancelReasonMissingError(DomainError):
    code = "selection_cancel_reason_missing"
    message = _("Write why the selection is cancelled.")
