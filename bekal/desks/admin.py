from django.contrib import admin

from bekal.desks.models import Desk, DeskFlag, DeskMembership


class MembershipInline(admin.TabularInline):
    model = DeskMembership
    extra = 0
    raw_id_fields = ["officer"]


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ["name", "regency", "is_active"]
    list_select_related = ["regency"]
    raw_id_fields = ["regency"]
    inlines = [MembershipInline]


@admin.register(DeskFlag)
class DeskFlagAdmin(admin.ModelAdmin):
    list_display = ["desk", "kind", "day", "count", "baseline", "phone_masked", "reviewed_at"]
    list_filter = ["kind"]
    readonly_fields = ["desk", "kind", "day", "count", "baseline", "phone_masked", "officer"]
