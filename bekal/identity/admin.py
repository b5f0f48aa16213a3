"""Read-only admin of identity documents: metadata only, never the image."""

from django.contrib import admin

from bekal.identity.models import DocumentReuseFlag, IdentityDocument


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(_ReadOnlyAdmin):
    list_display = ["pk", "owner", "kind", "uploaded_at", "replaced_at", "deleted_at"]
    list_filter = ["kind", "deletion_reason"]
    raw_id_fields = ["owner", "uploaded_by"]
    exclude = ["storage_name"]


@admin.register(DocumentReuseFlag)
class DocumentReuseFlagAdmin(_ReadOnlyAdmin):
    list_display = ["flagged_at", "document", "matched_document", "distance"]
    raw_id_fields = ["document", "matched_document"]
