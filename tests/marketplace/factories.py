"""Platforms, courses and card holders for the marketplace tests, built through services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from bekal.accounts.models import User
from bekal.cards import services as cards
from bekal.cards.models import Card
from bekal.cards.terms import TERMS_VERSION
from bekal.marketplace.models import Course, Format, Platform, Provider
from bekal.marketplace.services import catalogue
from bekal.marketplace.services.catalogue import SessionInput
from tests.cards.factories import published_run
from tests.selection.factories import admin

_numbers = itertools.count(1)


def platform(code: str | None = None, name: str | None = None) -> Platform:
    n = next(_numbers)
    return catalogue.create_platform(
        code=code or f"platform-{n}", name=name or f"Platform {n}", website="https://example.id"
    )


def provider(on: Platform, external_id: str | None = None) -> Provider:
    n = next(_numbers)
    return catalogue.register_provider(
        platform=on, external_id=external_id or f"prov-{n}", name=f"Lembaga Pelatihan {n}"
    )


def session_input(
    *, starts_in: dt.timedelta = dt.timedelta(days=3), hours: int = 2, capacity: int | None = None
) -> SessionInput:
    starts = timezone.now() + starts_in
    return SessionInput(
        external_id=f"s-{next(_numbers)}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        capacity=capacity,
    )


def course(
    *,
    on: Platform | None = None,
    format: str = Format.WEBINAR,
    price: int = 500_000,
    sessions: list[SessionInput] | None = None,
    approve: bool = True,
    title: str | None = None,
    category: str = "technology",
    regency_code: str | None = None,
) -> Course:
    on = on or platform()
    n = next(_numbers)
    if sessions is None:
        sessions = [] if format == Format.SELF_PACED else [session_input()]
    submitted = catalogue.submit_course(
        platform=on,
        provider_external_id=provider(on).external_id,
        external_id=f"course-{n}",
        title=title or f"Pelatihan Dasar Komputer {n}",
        description="Belajar dasar-dasar komputer untuk pemula.",
        category=category,
        level="beginner",
        format=format,
        price=price,
        duration_minutes=240,
        regency_code=regency_code or ("32.73" if format == Format.OFFLINE else None),
        sessions=sessions,
    )
    if approve:
        return catalogue.approve_course(course=submitted, actor=admin())
    return submitted


def card_holder(*, scheme: str = "2023") -> tuple[User, Card]:
    """A person selected in a published wave who accepted the card terms."""
    published = published_run(scheme=scheme, selected=1)
    [person] = published.selected
    card = cards.accept_card_terms(user=person, terms_version=TERMS_VERSION)
    return person, card
