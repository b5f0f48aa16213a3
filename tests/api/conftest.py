"""Platforms calling the partner API over real HTTP (live_server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.api.partners import Partner, make_partner


@pytest.fixture
def new_partner(live_server: Any) -> Iterator[Callable[..., Partner]]:
    """Call it for a platform with a live credential and a client signing as it."""
    made: list[Partner] = []

    def make(**options: Any) -> Partner:
        made.append(make_partner(live_server.url, **options))
        return made[-1]

    yield make
    for partner in made:
        partner.api.close()


@pytest.fixture
def partner(new_partner: Callable[..., Partner]) -> Partner:
    return new_partner()
