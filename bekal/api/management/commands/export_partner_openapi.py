"""Write the partner API's OpenAPI document to docs/api/partners-v1.openapi.json (or
--output), in the committed form: pretty-printed with sorted keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from bekal.api.partners.v1 import openapi
from bekal.api.partners.v1.api import api


class Command(BaseCommand):
    help = "Write the partner API's OpenAPI document (docs/api/partners-v1.openapi.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=openapi.DOCUMENT_PATH)

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        prefix = reverse(f"{api.urls_namespace}:api-root")
        document = api.get_openapi_schema(path_prefix=prefix)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(openapi.render(document), encoding="utf-8")
        self.stdout.write(f"Wrote {output}")
