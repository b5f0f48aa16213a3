"""Read-only admin of identity documents: metadata only, never the image."""

from django.contrib import admin

from bekal.core.read_only_admin import ReadOnlyModelAdmin
from bekal.identity.models import DocumentReuseFlag, IdentityDocument


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "owner", "kind", "uploaded_at", "replaced_at", "deleted_at"]
    list_filter = ["kind", "deletion_reason"]
    raw_id_fields = ["owner", "uploaded_by"]
    exclude = ["storage_name"]


@admin.register(DocumentReuseFlag)
class DocumentReuseFlagAdmin(ReadOnlyModelAdmin):
    list_display = ["flagged_at", "document", "matched_document", "distance"]
    raw_id_fields = ["document", "matched_document"]
