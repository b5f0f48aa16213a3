"""manage.py verify_payouts: exit status 1 on any disagreement between the instalments,
their attempts, the provider's events and the ledger."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bekal.disbursements.verification import verify_payouts


class Command(BaseCommand):
    help = "Recompute every instalment's state from attempts, events and ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        failures = verify_payouts()
        for name, rows in failures:
            self.stderr.write(f"{name}: {rows}")
        if failures:
            raise CommandError(f"{len(failures)} payout check(s) disagree")
        self.stdout.write("payouts agree with attempts, events and the ledger")
