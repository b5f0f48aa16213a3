"""The question bank is shipped by a migration; a transactional test elsewhere may have
flushed it, so each test here puts it back first (the loader skips what is there)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps


@pytest.fixture(autouse=True)
def question_bank(request):
    if "django_db" not in {m.name for m in request.node.iter_markers()}:
        return
    request.getfixturevalue("_django_db_helper")
    migration = importlib.import_module("bekal.assessment.migrations.0002_question_bank_v1")
    migration.load_bank(django_apps)
