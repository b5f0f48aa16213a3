"""Derived facts kept in step with the changes they derive from, by explicit calls.

An app above may keep rows derived from data that apps below it own (bekal.selection
keeps each registrant's eligibility facts, bekal.selection.facts). The apps below may
not import it, and the house rules forbid Django signals for business rules, so the
apps below call this module by name, in the transaction of the change:

    fact_keepers.registrants_changed(user_ids=[...])      # registration, assessment
    fact_keepers.exclusion_list_replaced(exclusion_list_id=..., kind=...)  # programmes

and the app above registers its keeper when it is ready (`register(keeper)` in its
AppConfig.ready). Unlike a signal, the calls are typed functions that a reader can
follow from the caller, the keepers run in registration order, and every exception
reaches the caller, which rolls its transaction back: the derived rows never drift
from a committed change. `registered()` lists the keepers (a convention test checks
that the facts' keeper is there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class FactKeeper(Protocol):
    """What an app that keeps derived facts answers to."""

    #: A stable name: registering the same name twice keeps one keeper.
    name: str

    def registrants_changed(self, *, user_ids: Sequence[int]) -> None:
        """A profile was saved, an identity check restarted or answered, test attempts
        scored: the facts of these people may have changed."""

    def exclusion_list_replaced(self, *, exclusion_list_id: int, kind: str) -> None:
        """An exclusion list's entries were replaced by its import."""


_keepers: dict[str, FactKeeper] = {}


def register(keeper: FactKeeper) -> None:
    """Called from an AppConfig.ready; idempotent per keeper name."""
    _keepers[keeper.name] = keeper


def registered() -> list[str]:
    return list(_keepers)


def registrants_changed(*, user_ids: Sequence[int]) -> None:
    """Tell every keeper, in the caller's transaction, that these people changed."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    for keeper in _keepers.values():
        keeper.registrants_changed(user_ids=ids)


def exclusion_list_replaced(*, exclusion_list_id: int, kind: str) -> None:
    """Tell every keeper, in the caller's transaction, that a list was replaced."""
    for keeper in _keepers.values():
        keeper.exclusion_list_replaced(exclusion_list_id=exclusion_list_id, kind=kind)
