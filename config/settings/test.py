"""Tests: the same engine as production (PostgreSQL); nothing leaves the machine."""

from config.env import BASE_DIR
from config.settings.base import *  # noqa: F403

DEBUG = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES["default"]["OPTIONS"].pop("pool", None)  # noqa: F405
ALLOWED_HOSTS = ["*"]
# Test-only support: a flush that keeps the regions (reference data) between tests.
INSTALLED_APPS = ["tests.support", *INSTALLED_APPS]  # noqa: F405
# Static files are collected once per test session (tests/conftest.py) into their own
# folder, and served by WhiteNoise as in production.
STATIC_ROOT = BASE_DIR / "var" / "test-static"
# The published proofs of the tests' selections, apart from the demo's.
STORAGES = {
    **STORAGES,  # noqa: F405
    "selection_proofs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "var" / "test-proofs"},
    },
}
