from __future__ import annotations

import pytest

from bekal.identity.registry.embedded import add_citizens
from tests.registration.factories import SITI


@pytest.fixture
def registry_file(settings, tmp_path):
    """The embedded registry, in a file of this test's own, knowing Siti."""
    path = tmp_path / "citizens.csv.gz"
    settings.BEKAL_REGISTRY_URL = ""
    settings.BEKAL_REGISTRY_FILE = path
    add_citizens([SITI], path=path)
    return path


@pytest.fixture
def empty_queue(django_db_blocker):
    """No job left over by an earlier test (the job tables outlive the flush)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture
def registry_stub(settings):
    """The population registry's HTTP API, simulated on 127.0.0.1, used through HttpRegistry."""
    from tests.identity.registry_stub import StubRegistry

    stub = StubRegistry().start()
    settings.BEKAL_REGISTRY_URL = stub.url
    settings.BEKAL_REGISTRY_API_KEY = "kunci-uji"
    yield stub
    stub.stop()
