"""python manage.py export_proof_log [--head]: the selection proof log as plain text, to
print, mail or post elsewhere (or only its head, the latest entry's hash)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bekal.selection import canonical
from bekal.selection.selectors import export_proof_log, get_proof_log_head


class Command(BaseCommand):
    help = (
        "Print the selection proof log (one entry a line, with its hash), or with --head "
        "only the head: keep it outside Bekal to detect any later rewriting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head", action="store_true", help="print only the head")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["head"]:
            head = get_proof_log_head()
            self.stdout.write(head.entry_hash if head else canonical.GENESIS)
        else:
            self.stdout.write(export_proof_log(), ending="")
