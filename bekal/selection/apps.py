from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "bekal.selection"
    label = "selection"

    def ready(self) -> None:
        # The eligibility facts follow every change they derive from, in its transaction
        # (bekal.selection.facts).
        from bekal.assessment.signals import attempts_finished
        from bekal.programmes.signals import exclusion_list_imported
        from bekal.registration.signals import registrant_changed

        registrant_changed.connect(_users_changed, dispatch_uid="selection.facts.registrant")
        attempts_finished.connect(_users_changed, dispatch_uid="selection.facts.attempts")
        exclusion_list_imported.connect(_list_imported, dispatch_uid="selection.facts.list")


def _users_changed(sender: Any, *, user_ids: list[int], **kwargs: Any) -> None:
    from bekal.selection.facts import refresh_users

    refresh_users(user_ids)


def _list_imported(sender: Any, *, exclusion_list_id: int, kind: str, **kwargs: Any) -> None:
    from bekal.selection.facts import refresh_after_import

    refresh_after_import(exclusion_list_id=exclusion_list_id, kind=kind)
