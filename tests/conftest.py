"""Test-wide fixtures: PostgreSQL (embedded unless DATABASE_URL is set), no network."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from typing import Any

import pytest

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    """Tests may talk to this machine only (loopback and Unix sockets)."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise OSError(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The official regions are reference data every test may rely on: load them once."""
    from bekal.regions.services import load_regions

    with django_db_blocker.unblock():
        load_regions()


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files() -> None:
    """Pages link their CSS and JS by cache-busted names read from the manifest that
    `collectstatic` writes (as `make demo` does): collect them once per session."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _as_in_production(application: Any) -> Any:
    return application


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Any:
    """pytest-django's live server, except that static files are served as in production,
    by WhiteNoise from the collected files (not by Django's finder-based test handler,
    which knows no cache-busted name)."""
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _as_in_production
    server.start()
    yield server
    server.stop()


def run_worker() -> None:
    """Run Bekal's real Procrastinate worker until the queue is empty."""
    from procrastinate.contrib.django import app

    # As `manage.py procrastinate worker` does: the worker gets its own async connector.
    # It runs in a thread of its own, with its own event loop (a browser test's thread
    # already runs Playwright's loop).
    worker_app = app.with_connector(app.connector.get_worker_connector())
    failures: list[BaseException] = []

    def work() -> None:
        try:
            worker_app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=work, name="procrastinate-worker")
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the worker did not finish its queue in 2 minutes"
    _close_connections_left_by_worker_threads()
    if failures:
        raise failures[0]


def _close_connections_left_by_worker_threads() -> None:
    """Close the Django connections the worker opened in asgiref's shared thread (where
    the Django connector runs its queries), or the test database cannot be dropped at
    the end of the run. Closing, not killing: that thread lives on and reconnects."""
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)


@pytest.fixture
def worker() -> Any:
    """Call `worker()` to process every job queued so far (needs committed data)."""
    return run_worker


@pytest.fixture(autouse=True)
def _shipped_schemes(request: pytest.FixtureRequest) -> None:
    """The schemes shipped as data (2020, 2023), even after a transactional test's flush."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    from tests.programmes.factories import ensure_shipped_schemes

    ensure_shipped_schemes()
