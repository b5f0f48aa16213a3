"""Test-wide fixtures: PostgreSQL (embedded unless DATABASE_URL is set), no network."""

from __future__ import annotations

import ipaddress
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
