"""Care attachments in a temporary folder for a test."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def use_tmp_care_storage(settings: Any, tmp_path: Path) -> Path:
    location = tmp_path / "care"
    settings.STORAGES = {
        **settings.STORAGES,
        "care_attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location
