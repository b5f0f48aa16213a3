"""Refusals of an identity document upload, and of a read of one.

Each refusal has its own stable code; the message tells a participant on a phone what
to do next.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError, NotFoundError, PermissionDeniedError


class DocumentError(DomainError):
    """Any refusal of an uploaded photo; the subclasses say which."""

    code = "document_refused"
    message = _("This photo cannot be accepted. Take or choose it again.")


class DocumentKindError(DocumentError):
    code = "document_kind_unknown"
    message = _("Unknown kind of document.")


class DocumentEmptyError(DocumentError):
    code = "document_empty"
    message = _("The file is empty. Choose a photo and try again.")


class DocumentTooLargeError(DocumentError):
    code = "document_too_large"
    message = _(
        "The file is larger than %(limit_mb)s MB. Take the photo again with your camera, "
        "or choose a smaller photo."
    )


class DocumentNotAnImageError(DocumentError):
    code = "document_not_an_image"
    message = _(
        "This file is not a photo. Choose a photo in JPEG, PNG, WebP or HEIC format, "
        "or take one with your camera."
    )


class DocumentFormatNotAllowedError(DocumentError):
    code = "document_format_not_allowed"
    message = _(
        "Images in %(format)s format are not accepted. Choose a photo in JPEG, PNG, WebP "
        "or HEIC format, or take one with your camera."
    )


class DocumentTooManyPixelsError(DocumentError):
    code = "document_too_many_pixels"
    message = _(
        "The image has too many pixels (at most %(limit)s million are accepted). "
        "Take the photo again with your camera at its normal resolution."
    )


class DocumentTooSmallError(DocumentError):
    code = "document_too_small"
    message = _(
        "The photo is too small (%(width)s x %(height)s pixels) for the KTP to be read. "
        "It must be at least %(min_long)s x %(min_short)s pixels: take it again with your camera."
    )


class DocumentCorruptError(DocumentError):
    code = "document_corrupt"
    message = _(
        "The photo is damaged or incomplete and cannot be opened. Take it again or choose it again."
    )


class DocumentPolyglotError(DocumentError):
    code = "document_polyglot"
    message = _(
        "The file contains data that is not part of a photo, so it is not accepted. "
        "Take the photo again with your camera, or choose another photo."
    )


class DocumentNotFoundError(NotFoundError):
    code = "document_not_found"
    message = _("This document does not exist.")


class DocumentAccessDeniedError(PermissionDeniedError):
    code = "document_access_denied"
    message = _("You may not see this document.")


class DocumentFileDeletedError(NotFoundError):
    code = "document_deleted"
    message = _("This photo has been deleted.")
    http_status = 410
