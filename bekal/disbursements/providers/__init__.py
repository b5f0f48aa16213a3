"""The payment provider in use: `get_provider()` (one instance per process and setting)."""

from __future__ import annotations

import threading

from django.conf import settings

from bekal.disbursements.providers.base import PaymentProvider
from bekal.disbursements.providers.http import HttpProvider

_instances: dict[tuple[object, ...], PaymentProvider] = {}
_lock = threading.Lock()


def get_provider() -> PaymentProvider:
    key = (
        settings.BEKAL_PAYOUT_PROVIDER_CODE,
        settings.BEKAL_PAYOUT_PROVIDER_URL,
        settings.BEKAL_PAYOUT_PROVIDER_SECRET,
        settings.BEKAL_PAYOUT_PROVIDER_TIMEOUT,
    )
    with _lock:
        provider = _instances.get(key)
        if provider is None:
            provider = _instances[key] = HttpProvider(
                code=settings.BEKAL_PAYOUT_PROVIDER_CODE,
                base_url=settings.BEKAL_PAYOUT_PROVIDER_URL or "http://127.0.0.1:9",
                partner_id="bekal",
                secret=settings.BEKAL_PAYOUT_PROVIDER_SECRET,
                timeout=settings.BEKAL_PAYOUT_PROVIDER_TIMEOUT,
            )
        return provider
