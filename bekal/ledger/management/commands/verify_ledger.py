"""Reconcile the ledger: `manage.py verify_ledger` (exit status 1 on any discrepancy)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bekal.ledger.selectors import verify_balances


class Command(BaseCommand):
    help = "Recompute every ledger account's balance from its entries and report differences."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_balances()
        self.stdout.write(f"{report.accounts_checked} accounts checked.")
        for d in report.discrepancies:
            self.stdout.write(
                f"DISCREPANCY {d.code}: cached balance {d.cached}, entries sum to {d.computed}"
            )
        for d in report.negative:
            self.stdout.write(f"NEGATIVE {d.code}: entries sum to {d.computed}")
        if not report.ok:
            raise CommandError(
                f"{len(report.discrepancies)} discrepancies, "
                f"{len(report.negative)} negative balances"
            )
        self.stdout.write("No discrepancies.")
