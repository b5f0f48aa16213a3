"""The population registry (Dukcapil): one question, two implementations.

    from bekal.identity.registry import get_registry, Outcome
    answer = get_registry().verify(nik=..., full_name=..., birth_date=...)

`get_registry()` gives the HTTP client when settings.BEKAL_REGISTRY_URL is set, otherwise
the embedded registry of synthetic citizens. The instance is kept per process (and per
configuration), so the HTTP client's connections and circuit breaker are shared by every
verification in that process. docs/registry.md has the whole story.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from bekal.identity.registry.answers import (
    BIRTH_DATE,
    FULL_NAME,
    Citizenship,
    Outcome,
    PopulationRegistry,
    RegistryAnswer,
    same_name,
)
from bekal.identity.registry.embedded import EmbeddedRegistry
from bekal.identity.registry.http_client import HttpRegistry

_instances: dict[tuple[object, ...], PopulationRegistry] = {}
_lock = threading.Lock()


def get_registry() -> PopulationRegistry:
    url = settings.BEKAL_REGISTRY_URL
    if url:
        key: tuple[object, ...] = (
            "http",
            url,
            settings.BEKAL_REGISTRY_API_KEY,
            settings.BEKAL_REGISTRY_TIMEOUT,
        )
    else:
        key = ("embedded", Path(settings.BEKAL_REGISTRY_FILE))
    with _lock:
        registry = _instances.get(key)
        if registry is None:
            registry = _instances[key] = (
                HttpRegistry(
                    base_url=url,
                    api_key=settings.BEKAL_REGISTRY_API_KEY,
                    timeout=settings.BEKAL_REGISTRY_TIMEOUT,
                )
                if url
                else EmbeddedRegistry(path=Path(settings.BEKAL_REGISTRY_FILE))
            )
        return registry


__all__ = [
    "BIRTH_DATE",
    "FULL_NAME",
    "Citizenship",
    "EmbeddedRegistry",
    "HttpRegistry",
    "Outcome",
    "PopulationRegistry",
    "RegistryAnswer",
    "get_registry",
    "same_name",
]
