from django.contrib import admin

from bekal.core.models import AuditEvent
from bekal.core.read_only_admin import ReadOnlyModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ["occurred_at", "action", "actor", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["object_id", "action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
