"""The official regions in the admin: to look up, never to edit (load_regions owns them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bekal.regions.models import District, Province, Regency, RegionsEdition, Village

if TYPE_CHECKING:
    from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data: visible to staff with the view permission, changed only by a reload."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["^code", "name"]


@admin.register(Regency)
class RegencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["^code", "name"]


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "regency", "province"]
    list_filter = ["regency__province"]
    list_select_related = ["regency__province"]
    search_fields = ["^code", "name", "regency__name"]

    @admin.display(description=_("Province"), ordering="regency__province")
    def province(self, district: District) -> Province:
        return district.regency.province


@admin.register(Village)
class VillageAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "postal_code", "district", "regency"]
    list_filter = ["kind", "district__regency__province"]
    list_select_related = ["district__regency"]
    search_fields = ["^code", "name", "=postal_code", "district__name"]
    list_per_page = 50

    @admin.display(description=_("Regency/city"), ordering="district__regency")
    def regency(self, village: Village) -> Regency:
        return village.district.regency


@admin.register(RegionsEdition)
class RegionsEditionAdmin(ReadOnlyAdmin):
    list_display = ["edition", "source", "loaded_at", "provinces", "regencies", "districts"]
