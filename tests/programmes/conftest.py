from __future__ import annotations

import pytest

from tests.identity.documents_support import use_tmp_document_storage


@pytest.fixture
def documents_storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)
