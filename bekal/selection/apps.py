from __future__ import annotations

from collections.abc import Sequence

from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "bekal.selection"
    label = "selection"

    def ready(self) -> None:
        # The eligibility facts follow every change they derive from, in its transaction:
        # the services below call bekal.core.fact_keepers, which calls this keeper.
        from bekal.core import fact_keepers

        fact_keepers.register(EligibilityFactsKeeper())


class EligibilityFactsKeeper:
    """bekal.selection.facts, as bekal.core.fact_keepers calls it."""

    name = "selection.eligibility_facts"

    def registrants_changed(self, *, user_ids: Sequence[int]) -> None:
        from bekal.selection.facts import refresh_users

        refresh_users(user_ids)

    def exclusion_list_replaced(self, *, exclusion_list_id: int, kind: str) -> None:
        from bekal.selection.facts import refresh_after_import

        refresh_after_import(exclusion_list_id=exclusion_list_id, kind=kind)
