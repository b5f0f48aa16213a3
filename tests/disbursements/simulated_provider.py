"""The simulated payment provider, as its own process, for the payout tests.

It is outside Bekal's code path: Bekal reaches it over HTTP through the production
adapter (bekal.disbursements.providers.http), and it calls Bekal back over HTTP.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

SECRET = "test-provider-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SimulatedProvider:
    def __init__(self, url: str, process: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.process = process

    def register(self, **holders: str) -> None:
        """Accounts the provider knows: number -> holder name."""
        self._post("/_sim/holders", holders)

    def transfers(self) -> list[dict[str, Any]]:
        return list(httpx.get(f"{self.url}/_sim/transfers", timeout=10).json()["transfers"])

    def _post(self, path: str, data: dict[str, Any]) -> None:
        httpx.post(f"{self.url}{path}", json=data, timeout=10).raise_for_status()


@contextmanager
def simulated_provider(
    *, callback_url: str, delay: float = 0.1, late: float = 1.0, slow: float = 2.0
) -> Iterator[SimulatedProvider]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bekal.disbursements.simulator",
            "--port",
            str(port),
            "--callback-url",
            callback_url,
            "--secret",
            SECRET,
            "--delay",
            str(delay),
            "--late-seconds",
            str(late),
            "--slow-seconds",
            str(slow),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield SimulatedProvider(url, process)
    finally:
        process.terminate()
        process.wait(timeout=10)
