"""The question bank in the admin: the programme office adds and retires questions.

A question that someone has already been given cannot be edited (its text, passage and
options are read-only): retire it (untick "active") and add a new version with a new code.
Past attempts keep the questions, the options and the credit they had. Attempts are
read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bekal.assessment.models import Attempt, AttemptQuestion, Option, Question
from bekal.core.read_only_admin import ReadOnlyModelAdmin


def _used(question: Question | None) -> bool:
    return (
        question is not None
        and question.pk is not None
        and AttemptQuestion.objects.filter(question=question).exists()
    )


class OptionInline(admin.TabularInline):
    model = Option
    extra = 4
    max_num = 6
    fields = ["position", "text", "is_correct", "score"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if _used(obj) else []

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _used(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _used(obj)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "version", "active", "text"]
    list_filter = ["category", "active"]
    list_editable = ["active"]
    search_fields = ["code", "text", "passage"]
    inlines = [OptionInline]
    actions = ["retire"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code", "category", "passage", "text", "version"] if _used(obj) else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _used(obj)

    @admin.action(description="Retire the selected questions (no longer drawn)")
    def retire(self, request: HttpRequest, queryset: Any) -> None:
        queryset.update(active=False)


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyModelAdmin):
    list_display = ["pk", "user", "status", "started_at", "score", "passed"]
    list_filter = ["status", "passed"]
    raw_id_fields = ["user"]
    search_fields = ["=user__email"]
