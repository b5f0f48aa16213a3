"""Attachments of care messages: checked by their first bytes, encrypted, then stored.

Only JPEG, PNG and PDF are accepted (recognised by their magic bytes, not by the name or
the type the browser claims), up to `BEKAL_CARE_ATTACHMENT_MAX_BYTES`. The content is
encrypted (bekal.core.crypto) before it reaches the "care_attachments" storage, like the
identity documents, so no storage ever holds a readable file.
"""

from __future__ import annotations

import secrets
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

from bekal.care.errors import AttachmentTooLargeError, AttachmentTypeError
from bekal.care.models import TicketAttachment, TicketMessage
from bekal.core.crypto import decrypt_bytes, encrypt_bytes

STORAGE_ALIAS = "care_attachments"

_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def storage() -> Storage:
    return storages[STORAGE_ALIAS]


def read_upload(uploaded_file: IO[bytes] | Any) -> tuple[bytes, str]:
    """The file's bytes and its recognised type, or a refusal."""
    limit = settings.BEKAL_CARE_ATTACHMENT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise AttachmentTooLargeError(limit_mb=limit // (1024 * 1024))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = bytes(uploaded_file.read(limit + 1))
    if len(data) > limit:
        raise AttachmentTooLargeError(limit_mb=limit // (1024 * 1024))
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return data, content_type
    raise AttachmentTypeError(field="attachment")


def store(*, message: TicketMessage, data: bytes, content_type: str) -> TicketAttachment:
    """Encrypt and store the file, and write its row in the caller's transaction. (A
    rollback after this leaves the encrypted file without a row: unreadable without the
    keys, under a random name.)"""
    name = storage().save(
        f"{timezone.now():%Y/%m}/{secrets.token_hex(16)}.enc", ContentFile(encrypt_bytes(data))
    )
    return TicketAttachment.objects.create(
        message=message, storage_name=name, content_type=content_type, size=len(data)
    )


def read(attachment: TicketAttachment) -> bytes:
    with storage().open(attachment.storage_name, "rb") as stored:
        return decrypt_bytes(stored.read())
