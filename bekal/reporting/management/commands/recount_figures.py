from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bekal.reporting.services import recount_figures


class Command(BaseCommand):
    help = (
        "Compare the dashboards' rollups with a count of the base tables; non-zero exit "
        "on drift (--repair counts them all again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        report = recount_figures(repair=options["repair"])
        for drift in report.drifts:
            self.stdout.write(
                f"wave {drift.wave_id} regency {drift.regency_code or '-'} {drift.stage}: "
                f"counted {drift.counted}, expected {drift.expected}"
            )
        if not report.drifts:
            self.stdout.write("No drift.")
            return
        if report.repaired:
            self.stdout.write(f"{len(report.drifts)} cells drifted; counted again.")
            return
        raise CommandError(f"{len(report.drifts)} cells drifted.")
