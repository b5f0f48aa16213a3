"""Ask the registry again about verified identity checks that record no citizenship."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bekal.registration.services import start_citizenship_recheck
from bekal.registration.services.citizenship import RECHECK_BATCH_SIZE


class Command(BaseCommand):
    help = (
        "Queue the citizenship re-check of every verified identity check recorded before "
        "the registry stated citizenship; the worker asks the registry in batches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=RECHECK_BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = start_citizenship_recheck(batch_size=options["batch_size"])
        if waiting:
            self.stdout.write(
                f"{waiting} identity checks without citizenship: the worker re-checks them "
                f"in batches of {options['batch_size']} (queue 'identity')."
            )
        else:
            self.stdout.write("Every verified identity check records a citizenship.")
