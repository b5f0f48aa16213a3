"""Cards in the Django admin: read-only (every change goes through bekal.cards.services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bekal.cards.models import Card, RunAnnouncement


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
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
class RunAnnouncementAdmin(ReadOnlyAdmin):
    list_display = ("run", "started_at", "finished_at", "announced")
