"""The simulated provider's own controls (not part of any provider's API): the demo and
the benchmark tell it which accounts exist and under which name, as a sandbox's
fixtures do, and count what it executed."""

from __future__ import annotations

from typing import Any

import httpx


def register_holders(*, url: str, holders: dict[str, str]) -> None:
    httpx.post(f"{url}/_sim/holders", json=holders, timeout=30).raise_for_status()


def list_transfers(*, url: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{url}/_sim/transfers", timeout=120)
    response.raise_for_status()
    return list(response.json()["transfers"])
