"""Refusals of care."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError, NotFoundError, PermissionDeniedError


class TicketNotFoundError(NotFoundError):
    code = "ticket_not_found"
    message = _("No ticket with this reference that you may see.")


class NotCareStaffError(PermissionDeniedError):
    code = "not_care_staff"
    message = _("This page is for programme staff and regional officers.")


class CategoryError(DomainError):
    code = "ticket_category_invalid"
    message = _("Choose what your question is about.")


class MessageRequiredError(DomainError):
    code = "ticket_message_required"
    message = _("Write your message (at least 10 characters).")


class MessageTooLongError(DomainError):
    code = "ticket_message_too_long"
    message = _("The message is too long (at most %(limit)s characters).")


class TicketResolvedError(DomainError):
    code = "ticket_resolved"
    http_status = 409
    message = _("This ticket is resolved. Open a new ticket if you need more help.")


class AttachmentTypeError(DomainError):
    code = "attachment_type"
    message = _("Attach a photo (JPEG or PNG) or a PDF.")


class AttachmentTooLargeError(DomainError):
    code = "attachment_too_large"
    message = _("The attachment is too large (at most %(limit_mb)s MB).")


class CitizenRequiredError(DomainError):
    code = "ticket_citizen_required"
    message = _("A ticket opened on the website belongs to a signed-in citizen.")


class CitizenNotFoundError(DomainError):
    code = "ticket_citizen_not_found"
    message = _("No participant account with this email address or verified mobile number.")
