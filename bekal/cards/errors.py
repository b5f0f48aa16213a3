"""Refusals of the cards app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError


class NotSelectedError(DomainError):
    code = "card_not_selected"
    http_status = 403
    message = _("Only a person selected in a published wave can accept the card terms.")


class CardRevokedError(DomainError):
    code = "card_revoked"
    http_status = 409
    message = _("This card has been revoked.")


class TermsVersionError(DomainError):
    code = "card_terms_changed"
    http_status = 409
    message = _("The card terms have changed. Read the new terms and accept them again.")


class ResultsNotPublishedError(DomainError):
    code = "card_results_not_published"
    http_status = 409
    message = _("The results of this selection have not been published yet.")
