from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.disbursements.simulated_provider import SECRET, SimulatedProvider, simulated_provider


@pytest.fixture
def provider(live_server: Any, settings: Any) -> Iterator[SimulatedProvider]:
    """The simulated provider, calling back this test's live server."""
    callback = f"{live_server.url}/api/payments/v1/callbacks/simulasi/"
    with simulated_provider(callback_url=callback) as sim:
        settings.BEKAL_PAYOUT_PROVIDER_URL = sim.url
        settings.BEKAL_PAYOUT_PROVIDER_SECRET = SECRET
        settings.BEKAL_PAYOUT_PROVIDER_TIMEOUT = 1.0
        yield sim
