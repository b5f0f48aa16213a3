from __future__ import annotations

import pytest

from tests.programmes.factories import ensure_shipped_schemes


@pytest.fixture(autouse=True)
def shipped_schemes(request):
    """The shipped schemes, even after a transactional test flushed them."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    ensure_shipped_schemes()
