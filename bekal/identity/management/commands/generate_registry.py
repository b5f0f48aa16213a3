"""Write the embedded population registry's file of synthetic citizens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bekal.identity.registry.embedded import generate_citizens, registry_file, write_citizens


class Command(BaseCommand):
    help = (
        "Write the embedded population registry (settings.BEKAL_REGISTRY_FILE): N synthetic "
        "citizens over the official districts, the same ones for the same seed. Replaces "
        "the file; use add_citizens() to add to it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--output", type=Path, default=None, help="another file to write")

    def handle(
        self, *args: Any, count: int, seed: int, output: Path | None, **options: Any
    ) -> None:
        path = output or registry_file()
        citizens = generate_citizens(count=count, seed=seed)
        written = write_citizens(citizens, path=path)
        self.stdout.write(f"{written} synthetic citizens written to {path} (seed {seed}).")
        if options["verbosity"] > 1:
            # Synthetic people, not personal data: shown whole so a demo can use them.
            self.stdout.write("Some of them, to register with in the demo:")
            for citizen in citizens[:5]:
                self.stdout.write(
                    f"  {citizen.nik}  {citizen.full_name}  {citizen.birth_date:%d-%m-%Y}"
                )
