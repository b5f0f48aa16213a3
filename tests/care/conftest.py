from __future__ import annotations

import pytest

from tests.care.support import use_tmp_care_storage


@pytest.fixture(autouse=True)
def care_storage(settings, tmp_path):
    return use_tmp_care_storage(settings, tmp_path)
