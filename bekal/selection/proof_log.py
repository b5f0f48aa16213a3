"""The selection's public, append-only, hash-chained proof log.

When a seed is committed and when a run is published, an entry goes into
`selection_prooflogentry` in the same transaction (bekal.selection.services). Each entry
names the previous entry's hash and is hashed over its canonical encoding
(bekal.selection.canonical.entry_body): rewriting any entry breaks the chain after it,
and the head (the latest hash), shown on every public wave page and exported to be
printed, mailed or posted elsewhere, pins everything before it. PostgreSQL refuses
UPDATE and DELETE on the table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bekal.selection import canonical
from bekal.selection.models import ProofLogEntry

Kind = ProofLogEntry.Kind


def format_time(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the microsecond, as hashed."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def as_fields(entry: ProofLogEntry) -> dict[str, Any]:
    """The entry's hashed fields (canonical.entry_body's keywords)."""
    return {
        "position": entry.position,
        "kind": entry.kind,
        "wave": entry.wave,
        "payload": entry.payload,
        "recorded_at": format_time(entry.recorded_at),
        "previous_hash": entry.previous_hash,
    }


def as_exported(entry: ProofLogEntry) -> dict[str, Any]:
    return {**as_fields(entry), "entry_hash": entry.entry_hash}


@transaction.atomic
def append_entry(*, kind: str, wave: int, payload: dict[str, Any]) -> ProofLogEntry:
    """Add an entry after the current head. Appenders queue on a table lock until the
    appending transaction ends, so the chain never forks."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {ProofLogEntry._meta.db_table} IN EXCLUSIVE MODE")
    head = ProofLogEntry.objects.order_by("-position").first()
    fields: dict[str, Any] = {
        "position": 1 if head is None else head.position + 1,
        "kind": kind,
        "wave": wave,
        "payload": payload,
        # Hashed to the microsecond, as the database keeps it.
        "recorded_at": format_time(timezone.now()),
        "previous_hash": canonical.GENESIS if head is None else head.entry_hash,
    }
    return ProofLogEntry.objects.create(
        position=fields["position"],
        kind=kind,
        wave=wave,
        payload=payload,
        recorded_at=dt.datetime.strptime(fields["recorded_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=dt.UTC
        ),
        previous_hash=fields["previous_hash"],
        entry_hash=canonical.entry_hash(**fields),
    )


def get_head() -> ProofLogEntry | None:
    """The latest entry (its hash is the head), None while the log is empty."""
    return ProofLogEntry.objects.order_by("-position").first()


def list_wave_entries(*, wave: int) -> list[ProofLogEntry]:
    return list(ProofLogEntry.objects.filter(wave=wave).order_by("position"))


def find_entry(*, wave: int, kind: str) -> ProofLogEntry | None:
    return ProofLogEntry.objects.filter(wave=wave, kind=kind).order_by("position").first()


def export_text() -> str:
    """The whole log as plain text, to print, mail or post: a comment line with the head,
    then one entry a line (canonical.parse_log reads it back)."""
    entries = list(ProofLogEntry.objects.order_by("position"))
    head = entries[-1].entry_hash if entries else canonical.GENESIS
    lines = [
        f"# Bekal selection proof log: {len(entries)} entries; head {head}",
        "# Each line: an entry and its hash, SHA-256 of the entry without entry_hash",
        "# (JSON, keys sorted, no spaces); previous_hash is the hash of the line before.",
    ]
    lines += [canonical.entry_line(**as_exported(entry)) for entry in entries]
    return "\n".join(lines) + "\n"


def check_log() -> list[str]:
    """Every hash and link of the stored log (canonical.check_chain)."""
    return canonical.check_chain(
        [as_exported(e) for e in ProofLogEntry.objects.order_by("position")]
    )
