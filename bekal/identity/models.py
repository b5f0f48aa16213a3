"""Identity documents: the KTP photo and the selfie holding the KTP.

NIK/KK parsing lives in bekal.identity.nik. The image itself is never in the database: a
re-encoded JPEG, encrypted, lives in the "identity_documents" storage; a row keeps what
is needed to find it, show its state, detect reuse and prove its deletion.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

#: The 64-bit perceptual hash is split into four 16-bit bands, each with an expression
#: index: two hashes within Hamming distance 3 agree exactly on at least one band
#: (pigeonhole), so a near-duplicate search is four index lookups, not a table scan.
PHASH_BANDS = 4
PHASH_BAND_BITS = 16


def phash_band(index: int) -> models.Expression:
    """The SQL expression of band `index` (0 = lowest 16 bits) of the signed bigint hash."""
    shifted = F("phash").bitrightshift(index * PHASH_BAND_BITS) if index else F("phash")
    return shifted.bitand((1 << PHASH_BAND_BITS) - 1)


class IdentityDocument(models.Model):
    """One uploaded photo. At most one current (not replaced) row per owner and kind.

    A replaced document keeps its row (replaced_at, deleted_at, reason "replaced") and
    its file is deleted by a job once the replacement commits. Retention deletes the
    file of a current document but keeps the row, so the step stays done and the hash
    still detects reuse.
    """

    class Kind(models.TextChoices):
        KTP_PHOTO = "ktp_photo", _("KTP photo")
        SELFIE_WITH_KTP = "selfie_with_ktp", _("Selfie holding your KTP")

    class DeletionReason(models.TextChoices):
        REPLACED = "replaced", _("Replaced by a new upload")
        RETENTION = "retention", _("Retention period ended")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="identity_documents"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    #: Who uploaded it when not the owner (an officer at an assisted-registration desk).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: Name in storages["identity_documents"]; random, it says nothing about the owner.
    storage_name = models.CharField(max_length=255)
    #: What the stored file decrypts to (always a re-encoded JPEG).
    content_type = models.CharField(max_length=64, default="image/jpeg")
    #: The format the participant sent (JPEG, PNG, WEBP, HEIF), as Pillow identified it.
    original_format = models.CharField(max_length=16)
    original_byte_size = models.PositiveIntegerField()
    #: Size and dimensions of the re-encoded JPEG (before encryption).
    byte_size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    #: 64-bit difference hash of the re-encoded image, stored as a signed bigint;
    #: indexed through its four bands (see PHASH_BANDS).
    phash = models.BigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    #: When identity verification ended for the owner; retention counts from here.
    verification_ended_at = models.DateTimeField(null=True, blank=True)
    #: When the stored file was deleted (the row stays).
    deleted_at = models.DateTimeField(null=True, blank=True)
    deletion_reason = models.CharField(max_length=16, choices=DeletionReason.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind"],
                condition=Q(replaced_at__isnull=True),
                name="identity_document_one_current_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | ~Q(deletion_reason=""),
                name="identity_document_deletion_has_reason",
            ),
        ]
        indexes = [
            *(
                models.Index(phash_band(band), name=f"identity_doc_phash_band{band}")
                for band in range(PHASH_BANDS)
            ),
            models.Index(
                fields=["verification_ended_at"],
                condition=Q(deleted_at__isnull=True, verification_ended_at__isnull=False),
                name="identity_doc_retention_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} of user {self.owner_id}"

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None

    @property
    def file_available(self) -> bool:
        return self.deleted_at is None


class DocumentReuseFlag(models.Model):
    """A document whose perceptual hash matches another account's document.

    Raised for staff review; it never blocks the upload (a person may re-upload their
    own photo from a second account they forgot, or be the victim of a copy).
    """

    document = models.ForeignKey(
        IdentityDocument, on_delete=models.PROTECT, related_name="reuse_flags"
    )
    matched_document = models.ForeignKey(
        IdentityDocument, on_delete=models.PROTECT, related_name="+"
    )
    #: Hamming distance between the two hashes (0 = the same image after re-encoding).
    distance = models.PositiveSmallIntegerField()
    flagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "matched_document"], name="identity_reuse_flag_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"document {self.document_id} ~ {self.matched_document_id} ({self.distance})"
