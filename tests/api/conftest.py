"""Platforms calling the partner API over real HTTP (live_server)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from django.db import connection

from tests.api.partners import Partner, make_partner

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def gunicorn_url(transactional_db: Any) -> Iterator[str]:
    """Bekal served by gunicorn, the production server, on the test database: the
    server that hands the application the request target as sent (RAW_URI)."""
    database = connection.settings_dict
    host, port = database["HOST"], database["PORT"] or "5432"
    user = f"{quote(database['USER'])}:{quote(database['PASSWORD'])}"
    if host.startswith("/"):  # a socket directory
        url = f"postgres://{user}@:{port}/{quote(database['NAME'])}?host={quote(host)}"
    else:
        url = f"postgres://{user}@{host or 'localhost'}:{port}/{quote(database['NAME'])}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1",
         "--bind", f"127.0.0.1:{free_port}", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{free_port}"
    try:
        for _attempt in range(600):
            if server.poll() is not None:
                raise RuntimeError("gunicorn stopped before it answered")
            try:
                httpx.get(f"{base}/api/partners/v1/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer within a minute")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
