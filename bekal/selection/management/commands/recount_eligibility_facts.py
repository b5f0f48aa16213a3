"""python manage.py recount_eligibility_facts [--repair]: find drift in the facts table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bekal.selection.facts import recount_facts


class Command(BaseCommand):
    help = (
        "Recompute every registrant's eligibility facts from the data they derive from and "
        "compare them with the facts table; with --repair, rewrite what differs. Exits 1 "
        "when drift was found (also when it was repaired)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true", help="rewrite the rows that differ")

    def handle(self, *args: Any, **options: Any) -> None:
        drift = recount_facts(repair=options["repair"])
        if not drift.total:
            self.stdout.write("Eligibility facts: no drift")
            return
        self.stdout.write(
            f"Eligibility facts drift: {drift.missing} missing, {drift.extra} extra,"
            f" {drift.different} different{' (repaired)' if options['repair'] else ''}"
        )
        if not options["repair"]:
            raise CommandError("the eligibility facts differ from the data they derive from")
