"""Identity documents: upload, read, retention. Writes are audited in their transaction.

A photo is checked and re-encoded (bekal.identity.documents.images) before anything is
written; the clean JPEG is encrypted (bekal.core.crypto) and only then handed to the
storage, so neither the filesystem nor an S3 bucket ever holds a readable photo.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import BigIntegerField, F, Func, IntegerField, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.core.crypto import decrypt_bytes, encrypt_bytes
from bekal.identity import selectors
from bekal.identity.documents import errors, images
from bekal.identity.documents.phash import to_signed, to_unsigned
from bekal.identity.models import (
    PHASH_BAND_BITS,
    PHASH_BANDS,
    DocumentReuseFlag,
    IdentityDocument,
    phash_band,
)

logger = logging.getLogger(__name__)

STORAGE_ALIAS = "identity_documents"

#: Two photos whose hashes differ in at most this many of 64 bits are the same photo
#: (re-encoded, rescaled, slightly brightened). Must stay below PHASH_BANDS for the
#: banded index search to find every such pair. Higher values flag distinct photos of
#: the same card template (every KTP has the same layout), so it stays small.
REUSE_MAX_DISTANCE = 3
REUSE_MAX_MATCHES = 20
_PURGE_BATCH = 500


def upload_document(
    *,
    owner: User,
    kind: str,
    uploaded_file: IO[bytes] | Any,
    acting_user: User | None = None,
    ip: str | None = None,
) -> IdentityDocument:
    """Check, clean, encrypt and store a photo; it replaces the owner's previous one.

    Raises a DocumentError subclass (nothing stored, nothing changed) when refused. A
    photo that matches another account's is stored and flagged for review.
    """
    kind = _check_kind(kind)
    try:
        clean = images.clean_image(
            _read_capped(uploaded_file, settings.BEKAL_DOCUMENT_MAX_BYTES),
            max_bytes=settings.BEKAL_DOCUMENT_MAX_BYTES,
            max_pixels=settings.BEKAL_DOCUMENT_MAX_PIXELS,
        )
    except errors.DocumentPolyglotError as error:
        # Not a camera's mistake: keep a trace of who sent it (the file itself is dropped).
        record_event(
            action="identity.document_refused",
            actor=acting_user or owner,
            subject_user=owner,
            ip_address=ip,
            kind=kind,
            code=error.code,
        )
        raise
    storage = _storage()
    name = storage.save(_new_storage_name(), ContentFile(encrypt_bytes(clean.jpeg)))
    try:
        document = _record_upload(
            owner=owner, kind=kind, clean=clean, storage_name=name, acting_user=acting_user, ip=ip
        )
    except BaseException:
        storage.delete(name)  # the row was not written: leave no orphan file
        raise
    if document.storage_name != name:
        storage.delete(name)  # the same photo was already stored: keep no second copy
    return document


def read_document_image(
    *,
    document: IdentityDocument,
    viewer: User,
    ip: str | None = None,
    thumbnail: bool = False,
) -> bytes:
    """The plain JPEG (or a small version) for the owner or staff; a staff read is audited."""
    is_owner = viewer.pk == document.owner_id
    if not (is_owner or selectors.is_document_staff(viewer)):
        raise errors.DocumentAccessDeniedError()
    if document.deleted_at is not None:
        raise errors.DocumentFileDeletedError()
    try:
        with _storage().open(document.storage_name, "rb") as stored:
            jpeg = decrypt_bytes(stored.read())
    except FileNotFoundError:
        logger.error("identity document %s has no stored file", document.pk)
        raise errors.DocumentFileDeletedError() from None
    if not is_owner:
        record_event(
            action="identity.document_viewed",
            actor=viewer,
            subject_user=document.owner,
            target=document,
            ip_address=ip,
            kind=document.kind,
            thumbnail=thumbnail,
        )
    return images.thumbnail(jpeg) if thumbnail else jpeg


@transaction.atomic
def mark_verification_ended(*, owner: User, ended_at: dt.datetime) -> int:
    """Start the retention period of the owner's stored documents; idempotent.

    Called by the registration app when identity verification ends (accepted or
    refused). Documents already marked keep their first date. Returns how many were marked.
    """
    marked = IdentityDocument.objects.filter(
        owner=owner,
        replaced_at__isnull=True,
        deleted_at__isnull=True,
        verification_ended_at__isnull=True,
    ).update(verification_ended_at=ended_at)
    if marked:
        record_event(
            action="identity.document_retention_started",
            subject_user=owner,
            verification_ended_at=ended_at.isoformat(),
            retention_days=settings.BEKAL_DOCUMENT_RETENTION_DAYS,
            documents=marked,
        )
    return marked


def purge_expired_documents(*, now: dt.datetime | None = None) -> int:
    """Delete the files whose retention has passed; keep and mark their rows. Idempotent.

    The file is deleted first and the row marked after: if the marking fails, the next
    run deletes the (already missing) file again and marks the row. The reverse order
    could mark a row whose file is never deleted.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.BEKAL_DOCUMENT_RETENTION_DAYS)
    due = IdentityDocument.objects.filter(
        deleted_at__isnull=True, verification_ended_at__lte=cutoff
    ).order_by("verification_ended_at", "pk")
    purged = 0
    while batch := list(due.values_list("pk", "storage_name")[:_PURGE_BATCH]):
        for document_id, storage_name in batch:
            _storage().delete(storage_name)
            purged += _mark_file_deleted(
                document_id=document_id, reason=IdentityDocument.DeletionReason.RETENTION
            )
    return purged


def delete_replaced_file(*, document_id: int) -> None:
    """Delete the stored file of a replaced document (a job, after the replacement commits)."""
    document = IdentityDocument.objects.filter(pk=document_id).first()
    if document is None or document.deleted_at is None:
        return  # never delete the file of a document still in use
    _storage().delete(document.storage_name)


# --- internals -------------------------------------------------------------------------


def _storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _check_kind(kind: str) -> str:
    try:
        return IdentityDocument.Kind(kind).value
    except ValueError:
        raise errors.DocumentKindError() from None


def _read_capped(uploaded_file: Any, limit: int) -> bytes:
    """At most limit + 1 bytes: enough to know a file is too large without reading it all."""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise errors.DocumentTooLargeError(limit_mb=limit // (1024 * 1024))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    return bytes(uploaded_file.read(limit + 1))


def _new_storage_name() -> str:
    """Random, grouped by month (handy for an S3 lifecycle rule); says nothing of the owner."""
    return f"{timezone.now():%Y/%m}/{secrets.token_hex(16)}.jpg.enc"


@transaction.atomic
def _record_upload(
    *,
    owner: User,
    kind: str,
    clean: images.CleanImage,
    storage_name: str,
    acting_user: User | None,
    ip: str | None,
) -> IdentityDocument:
    # One upload of a person at a time: a second one (a double tap, a retry, the desk and
    # the person at once) waits here, then finds the first one's document.
    User.objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True).get()
    current = (
        IdentityDocument.objects.filter(owner=owner, kind=kind, replaced_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    if current is not None and _same_photo(current, clean):
        return current  # the same photo sent again: it is stored already
    return _insert(
        owner=owner,
        kind=kind,
        clean=clean,
        storage_name=storage_name,
        acting_user=acting_user,
        ip=ip,
    )


def _same_photo(document: IdentityDocument, clean: images.CleanImage) -> bool:
    """Whether `clean` is the photo `document` holds (the same file, cleaned the same way)."""
    return document.deleted_at is None and (
        document.phash,
        document.byte_size,
        document.width,
        document.height,
        document.original_byte_size,
        document.original_format,
    ) == (
        to_signed(clean.phash),
        len(clean.jpeg),
        clean.width,
        clean.height,
        clean.original_byte_size,
        clean.original_format,
    )


def _insert(
    *,
    owner: User,
    kind: str,
    clean: images.CleanImage,
    storage_name: str,
    acting_user: User | None,
    ip: str | None,
) -> IdentityDocument:
    from bekal.identity.tasks import delete_document_file

    now = timezone.now()
    previous = (
        IdentityDocument.objects.select_for_update()
        .filter(owner=owner, kind=kind, replaced_at__isnull=True)
        .first()
    )
    if previous is not None:
        previous.replaced_at = now
        had_file = previous.deleted_at is None
        if had_file:
            previous.deleted_at = now
            previous.deletion_reason = IdentityDocument.DeletionReason.REPLACED
        previous.save(update_fields=["replaced_at", "deleted_at", "deletion_reason"])
        if had_file:
            delete_document_file.defer(document_id=previous.pk)
            _record_deletion(previous, actor=acting_user or owner, ip=ip)
    document = IdentityDocument.objects.create(
        owner=owner,
        kind=kind,
        uploaded_by=acting_user if acting_user is not None and acting_user != owner else None,
        storage_name=storage_name,
        original_format=clean.original_format,
        original_byte_size=clean.original_byte_size,
        byte_size=len(clean.jpeg),
        width=clean.width,
        height=clean.height,
        phash=to_signed(clean.phash),
    )
    record_event(
        action="identity.document_uploaded",
        actor=acting_user or owner,
        subject_user=owner,
        target=document,
        ip_address=ip,
        kind=kind,
        original_format=clean.original_format,
        width=clean.width,
        height=clean.height,
        replaced_document_id=previous.pk if previous is not None else None,
    )
    _flag_reuse(document)
    return document


def _flag_reuse(document: IdentityDocument) -> None:
    matches = list(_similar_documents(document))
    if not matches:
        return
    DocumentReuseFlag.objects.bulk_create(
        [
            DocumentReuseFlag(document=document, matched_document=match, distance=match.distance)
            for match in matches
        ]
    )
    record_event(
        action="identity.document_reuse_flagged",
        subject_user=document.owner,
        target=document,
        kind=document.kind,
        matches=[
            {"document_id": m.pk, "owner_id": m.owner_id, "distance": m.distance} for m in matches
        ],
    )


class _HammingDistance(Func):
    """bit_count of the XOR of two bigints (PostgreSQL 14+: bit_count on bit strings)."""

    template = "bit_count((%(expressions)s)::bit(64))"
    arg_joiner = " # "
    output_field = IntegerField()


def _similar_documents(document: IdentityDocument) -> Any:
    """Other accounts' documents within REUSE_MAX_DISTANCE, found through the band indexes.

    Replaced and deleted documents count too: their hash outlives their file.
    """
    value = to_unsigned(document.phash)
    mask = (1 << PHASH_BAND_BITS) - 1
    bands = {f"phash_band{band}": phash_band(band) for band in range(PHASH_BANDS)}
    any_band_equal = Q()
    for band in range(PHASH_BANDS):
        any_band_equal |= Q(**{f"phash_band{band}": (value >> (band * PHASH_BAND_BITS)) & mask})
    return (
        IdentityDocument.objects.exclude(owner_id=document.owner_id)
        .alias(**bands)
        .filter(any_band_equal)
        .annotate(
            distance=_HammingDistance(F("phash"), Cast(Value(document.phash), BigIntegerField()))
        )
        .filter(distance__lte=REUSE_MAX_DISTANCE)
        .order_by("distance", "pk")[:REUSE_MAX_MATCHES]
    )


@transaction.atomic
def _mark_file_deleted(*, document_id: int, reason: str) -> int:
    document = IdentityDocument.objects.select_for_update().filter(pk=document_id).first()
    if document is None or document.deleted_at is not None:
        return 0
    document.deleted_at = timezone.now()
    document.deletion_reason = reason
    document.save(update_fields=["deleted_at", "deletion_reason"])
    _record_deletion(document, actor=None, ip=None)
    return 1


def _record_deletion(document: IdentityDocument, *, actor: User | None, ip: str | None) -> None:
    record_event(
        action="identity.document_deleted",
        actor=actor,
        subject_user=document.owner,
        target=document,
        ip_address=ip,
        kind=document.kind,
        reason=document.deletion_reason,
        verification_ended_at=(
            document.verification_ended_at.isoformat() if document.verification_ended_at else None
        ),
    )
