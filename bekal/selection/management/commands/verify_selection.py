"""python manage.py verify_selection WAVE: recompute a published selection and compare."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bekal.core.errors import DomainError
from bekal.programmes.selectors import get_wave
from bekal.selection.selectors import verify_published_run


class Command(BaseCommand):
    help = (
        "Recompute the published selection of a wave from its published seed and inputs "
        "(an independent implementation) and say whether it matches. Exits 1 otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("wave", type=int, help="the wave number")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = verify_published_run(wave=get_wave(number=options["wave"]))
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc}") from exc
        if not result.matches:
            self.stdout.write(f"MISMATCH: {result.problem}")
            raise CommandError("the published selection does not match its inputs")
        self.stdout.write(f"MATCH: {result.selected} selected, recomputed from the inputs")
