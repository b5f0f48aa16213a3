"""The marketplace in the Django admin: read-only. Platforms, courses and decisions change
through bekal.marketplace.services (the back office's catalogue pages call them);
purchases, completions and reviews only through the participant's and the platform's
actions. Voucher codes are shown masked: only their last four characters."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bekal.core.read_only_admin import ReadOnlyModelAdmin
from bekal.marketplace.models import (
    Completion,
    Course,
    CourseSession,
    Platform,
    Provider,
    Purchase,
    Review,
)
from bekal.marketplace.vouchers import mask_voucher_code


@admin.register(Platform)
class PlatformAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "code", "website", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    fields = ("code", "name", "website", "client", "is_active", "created_at")
    readonly_fields = fields


@admin.register(Provider)
class ProviderAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "platform", "external_id", "regency")
    list_filter = ("platform",)
    search_fields = ("name", "external_id")
    fields = ("platform", "external_id", "name", "regency", "created_at")
    readonly_fields = fields


class CourseSessionInline(admin.TabularInline):
    model = CourseSession
    fields = ("external_id", "starts_at", "ends_at", "capacity", "sold", "is_cancelled")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyModelAdmin):
    list_display = (
        "title",
        "platform",
        "provider",
        "category",
        "format",
        "price",
        "status",
        "submitted_at",
    )
    list_filter = ("status", "platform", "category", "format", "level")
    search_fields = ("title", "external_id", "provider__name")
    date_hierarchy = "submitted_at"
    fields = (
        "platform",
        "provider",
        "external_id",
        "title",
        "description",
        "category",
        "level",
        "format",
        "price",
        "duration_minutes",
        "regency",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_note",
        "purchase_count",
        "review_count",
        "rating_total",
    )
    readonly_fields = fields
    inlines = (CourseSessionInline,)


@admin.register(CourseSession)
class CourseSessionAdmin(ReadOnlyModelAdmin):
    list_display = ("course", "starts_at", "ends_at", "capacity", "sold", "is_cancelled")
    list_filter = ("is_cancelled", "course__platform", "course__format")
    date_hierarchy = "starts_at"
    fields = ("course", "external_id", "starts_at", "ends_at", "capacity", "sold", "is_cancelled")
    readonly_fields = fields


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyModelAdmin):
    list_display = ("voucher", "course", "platform", "price", "status", "paid_at")
    list_filter = ("status", "platform")
    date_hierarchy = "paid_at"
    fields = (
        "voucher",
        "card",
        "course",
        "session",
        "platform",
        "price",
        "ledger_transaction",
        "status",
        "paid_at",
        "redeemed_at",
        "completed_at",
    )
    readonly_fields = fields

    @admin.display(description=_("voucher"))
    def voucher(self, purchase: Purchase) -> str:
        return mask_voucher_code(purchase.voucher_code)


@admin.register(Completion)
class CompletionAdmin(ReadOnlyModelAdmin):
    list_display = ("certificate_number", "platform", "course", "completed_at", "reported_at")
    list_filter = ("platform",)
    search_fields = ("certificate_number",)
    fields = (
        "certificate_number",
        "platform",
        "course",
        "completed_at",
        "reported_at",
        "evidence",
    )
    readonly_fields = fields

    @admin.display(description=_("course"))
    def course(self, completion: Completion) -> Course:
        return completion.purchase.course


@admin.register(Review)
class ReviewAdmin(ReadOnlyModelAdmin):
    list_display = ("course", "rating", "created_at")
    list_filter = ("rating", "course__platform")
    date_hierarchy = "created_at"
    fields = ("course", "rating", "comment", "created_at")
    readonly_fields = fields
