"""Reads of the cards app: a person's card and balance, what /kartu/ shows, revocable cards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Exists, OuterRef

from bekal.accounts.models import User
from bekal.cards.models import Card
from bekal.cards.terms import TERMS_VERSION, card_terms
from bekal.ledger.models import Entry
from bekal.ledger.selectors import get_balance
from bekal.programmes.models import Wave
from bekal.selection.models import SelectionOutcome, SelectionRun
from bekal.selection.selectors import get_published_outcome


def get_card(*, user: User) -> Card | None:
    """The person's latest card, in any state."""
    return (
        Card.objects.filter(user=user)
        .select_related("scheme", "wave")
        .order_by("-offered_at", "-pk")
        .first()
    )


def get_card_balance(*, card: Card) -> int:
    """The card's balance in rupiah, from the ledger (0 before acceptance)."""
    if card.ledger_account_id is None:
        return 0
    assert card.ledger_account is not None
    return get_balance(account=card.ledger_account)


def _outflows() -> Exists:
    """The card's ledger account has an entry moving money out (a purchase)."""
    return Exists(Entry.objects.filter(account_id=OuterRef("ledger_account_id"), amount__lt=0))


def has_purchase(*, card: Card) -> bool:
    """A training was bought with the card: money moved out of its ledger account."""
    if card.ledger_account_id is None:
        return False
    return Entry.objects.filter(account_id=card.ledger_account_id, amount__lt=0).exists()


def is_revocable(*, card: Card, now: dt.datetime) -> bool:
    return (
        card.status == Card.Status.ACTIVE
        and card.first_purchase_deadline is not None
        and card.first_purchase_deadline <= now
        and not has_purchase(card=card)
    )


def list_revocable_card_ids(*, now: dt.datetime, after: int = 0, limit: int = 500) -> list[int]:
    """Active cards past their first-purchase deadline with no purchase, by id after
    `after`: one set-based query (the partial index on active cards' deadlines)."""
    return list(
        Card.objects.filter(
            status=Card.Status.ACTIVE, first_purchase_deadline__lte=now, pk__gt=after
        )
        .exclude(_outflows())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


CardState = Literal["none", "not_selected", "offered", "active", "revoked"]


@dataclass(frozen=True)
class CardOverview:
    """What the card page shows a person."""

    #: "none": no published result; "not_selected": carried to the next wave; else the card.
    state: CardState
    wave: Wave | None = None
    card: Card | None = None
    balance: int = 0
    #: The terms to accept (state "offered"), in the active language.
    terms: list[str] = field(default_factory=list)
    terms_version: str = TERMS_VERSION


def _latest_published_outcome(user: User) -> SelectionOutcome | None:
    return (
        SelectionOutcome.objects.filter(
            application__user=user, run__status=SelectionRun.Status.PUBLISHED
        )
        .select_related("application__wave")
        .order_by("-run__published_at", "-pk")
        .first()
    )


def get_card_overview(*, user: User) -> CardOverview:
    outcome = get_published_outcome(user=user)
    if outcome is None:
        latest = _latest_published_outcome(user)
        if latest is None:
            return CardOverview(state="none")
        return CardOverview(state="not_selected", wave=latest.application.wave)
    wave = outcome.application.wave
    card = Card.objects.filter(user=user, wave=wave).select_related("scheme").first()
    if card is None or card.status == Card.Status.OFFERED:
        # Selected, but the announcement job may not have offered the card yet: the
        # offer is the same, and accepting creates it.
        return CardOverview(
            state="offered", wave=wave, card=card, terms=card_terms(scheme=wave.scheme)
        )
    return CardOverview(
        state="active" if card.status == Card.Status.ACTIVE else "revoked",
        wave=wave,
        card=card,
        balance=get_card_balance(card=card),
    )
