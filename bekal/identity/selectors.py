"""Reads of identity documents (no image bytes: bekal.identity.services reads those)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bekal.accounts.models import User
from bekal.identity.documents.errors import DocumentNotFoundError
from bekal.identity.models import DocumentReuseFlag, IdentityDocument


def get_documents(*, owner: User) -> dict[str, IdentityDocument | None]:
    """The owner's current document of each kind (None if never uploaded).

    A current document whose file was deleted by retention is still returned (the step
    was done): check `file_available` before linking to its image.
    """
    current = {
        document.kind: document
        for document in IdentityDocument.objects.filter(owner=owner, replaced_at__isnull=True)
    }
    return {kind: current.get(kind) for kind in IdentityDocument.Kind.values}


def documents_complete(*, owner: User) -> bool:
    """True when both the KTP photo and the selfie holding the KTP have been uploaded."""
    kinds = set(
        IdentityDocument.objects.filter(owner=owner, replaced_at__isnull=True).values_list(
            "kind", flat=True
        )
    )
    return kinds >= set(IdentityDocument.Kind.values)


def get_document(*, document_id: int) -> IdentityDocument:
    try:
        return IdentityDocument.objects.select_related("owner").get(pk=document_id)
    except IdentityDocument.DoesNotExist:
        raise DocumentNotFoundError() from None


def is_document_staff(user: Any) -> bool:
    """Who may see another person's documents (every such read is audited): the programme
    office. Regional officers are not included: their region scoping lives with the
    registrant's profile."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role == User.Role.PROGRAMME_ADMIN)
    )


def can_view_document(*, viewer: Any, document: IdentityDocument) -> bool:
    return bool(
        getattr(viewer, "is_authenticated", False)
        and (viewer.pk == document.owner_id or is_document_staff(viewer))
    )


def list_reuse_flags(*, owner: User | None = None) -> QuerySet[DocumentReuseFlag]:
    """Reuse flags, newest first; with `owner`, those where either document is theirs."""
    flags = DocumentReuseFlag.objects.select_related("document", "matched_document").order_by(
        "-flagged_at", "-pk"
    )
    if owner is not None:
        flags = flags.filter(Q(document__owner=owner) | Q(matched_document__owner=owner))
    return flags
