"""Admin of schemes (revised into new versions), and read-only waves and exclusion lists.

A scheme version is never edited in place: saving the latest version's form calls
bekal.programmes.services.revise_scheme, which writes the next version; older versions
are shown read-only. Waves and exclusion lists are changed through their services only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join

from bekal.programmes import services
from bekal.programmes.errors import SchemeUnchangedError
from bekal.programmes.models import (
    ExclusionList,
    IncentiveSchedule,
    Scheme,
    Wave,
    WaveQuota,
    WaveTier,
)


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["code", *services.REVISABLE_FIELDS, "revision_note"]

    def clean_incentive_schedule(self) -> Any:
        value = self.cleaned_data["incentive_schedule"]
        try:
            IncentiveSchedule.from_json(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        revisable = set(services.REVISABLE_FIELDS)
        if self.instance.pk and not revisable.intersection(self.changed_data):
            raise forms.ValidationError(str(SchemeUnchangedError()))
        code = cleaned.get("code")
        if not self.instance.pk and code and Scheme.objects.filter(code=code).exists():
            raise forms.ValidationError(f"Scheme {code} exists: open its latest version.")
        return cleaned


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    form = SchemeForm
    list_display = ["code", "version", "name", "valid_from", "training_balance", "revised_by"]
    list_filter = ["code"]
    ordering = ["code", "-version"]

    def _is_latest(self, scheme: Scheme) -> bool:
        latest = Scheme.objects.filter(code=scheme.code).order_by("-version").first()
        return latest is not None and latest.pk == scheme.pk

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._is_latest(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Scheme, form: Any, change: bool) -> None:
        values = {f: form.cleaned_data[f] for f in services.REVISABLE_FIELDS}
        if change:
            original = Scheme.objects.get(pk=obj.pk)
            saved = services.revise_scheme(
                scheme=original,
                changes={f: values[f] for f in form.changed_data if f in values},
                actor=request.user,  # type: ignore[arg-type]
                note=form.cleaned_data.get("revision_note", ""),
            )
        else:
            saved = services.create_scheme(
                code=obj.code,
                actor=request.user,  # type: ignore[arg-type]
                **values,
            )
        # The admin goes on with the version that was written.
        obj.pk, obj.version = saved.pk, saved.version


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WaveQuotaInline(ReadOnlyInline):
    model = WaveQuota


class WaveTierInline(ReadOnlyInline):
    model = WaveTier


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Wave)
class WaveAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "scheme", "status", "opens_at", "closes_at", "national_quota"]
    list_filter = ["status"]
    inlines = [WaveQuotaInline, WaveTierInline]


@admin.register(ExclusionList)
class ExclusionListAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "kind",
        "status",
        "rows_processed",
        "rows_accepted",
        "rows_refused",
        "uploaded_at",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = ["refused_rows"]

    @admin.display(description="refused rows (first 100)")
    def refused_rows(self, exclusion_list: ExclusionList) -> str:
        rows = exclusion_list.refusals.order_by("line_number")[:100]
        return format_html_join(
            "", "<div>{}: {} {}</div>", ((r.line_number, r.reason, r.nik_masked) for r in rows)
        )
