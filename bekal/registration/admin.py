"""Read-only admin for registration data: masked numbers, and every opened profile audited.

Nobody edits a participant's profile here: corrections go through the participant (or the
assisted desk) and the same services. There is no search here: a search by NIK would put
the number in the URL (access logs, history); staff search in the back office (/kantor/),
where a search is POSTed, held encrypted and audited. Every page of the list is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from bekal.core.audit import record_event
from bekal.core.client_address import client_ip
from bekal.registration.models import Declaration, DuplicateNikAttempt, IdentityCheck, Profile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ["nik_masked", "domicile_regency", "identity_status", "submitted_at"]
    list_select_related = ["domicile_regency", "identity_check"]
    list_filter = ["identity_check__status", "education", "employment_status"]
    exclude = ["nik_encrypted", "nik_index", "kk_encrypted", "kk_index"]
    raw_id_fields = ["user", "ktp_village", "domicile_village", "domicile_regency"]

    @admin.display(description="identity check")
    def identity_status(self, profile: Profile) -> str:
        check = getattr(profile, "identity_check", None)
        return check.get_status_display() if check else "-"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if "q" in request.GET:
            # No search here (see above): drop the query from the address at once.
            return HttpResponseRedirect(request.path)
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            record_event(
                action="registration.profiles_listed",
                actor=request.user,
                ip_address=client_ip(request),
                via="admin",
                page=changelist.page_num,
                profile_ids=[profile.pk for profile in changelist.result_list],
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            profile = Profile.objects.filter(pk=object_id).first()
            if profile is not None:
                record_event(
                    action="registration.profile_viewed",
                    actor=request.user,
                    subject_user=profile.user,
                    target=profile,
                    ip_address=client_ip(request),
                    via="admin",
                )
        return response


@admin.register(IdentityCheck)
class IdentityCheckAdmin(ReadOnlyAdmin):
    list_display = ["profile", "status", "round", "attempts", "last_attempt_at", "checked_at"]
    list_filter = ["status"]
    raw_id_fields = ["profile"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["user", "version", "language", "accepted_at"]
    list_filter = ["version"]
    raw_id_fields = ["user"]


@admin.register(DuplicateNikAttempt)
class DuplicateNikAttemptAdmin(ReadOnlyAdmin):
    list_display = ["attempted_at", "user", "ip"]
    raw_id_fields = ["user"]
