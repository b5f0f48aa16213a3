"""Cards in the Django admin: read-only (every change goes through bekal.cards.services)."""

from __future__ import annotations

from django.contrib import admin

from bekal.cards.models import Card, RunAnnouncement
from bekal.core.read_only_admin import ReadOnlyModelAdmin


@admin.register(Card)
class CardAdmin(ReadOnlyModelAdmin):
    list_display = ("masked_number", "wave", "scheme", "status", "accepted_at", "revoked_at")
    list_filter = ("status", "wave")
    fields = (
        "masked_number",
        "wave",
        "scheme",
        "status",
        "offered_at",
        "accepted_at",
        "terms_version",
        "first_purchase_deadline",
        "revoked_at",
        "revoke_reason",
    )
    readonly_fields = fields


@admin.register(RunAnnouncement)
class RunAnnouncementAdmin(ReadOnlyModelAdmin):
    list_display = ("run", "started_at", "finished_at", "announced")
