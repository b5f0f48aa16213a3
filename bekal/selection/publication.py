"""The files a published selection leaves in file storage, and what the log records.

publish_run (run by the background publication job) writes, to the "selection_proofs"
storage, the canonical inputs (bekal.selection.canonical) and the selected list, each
streamed from the database through a temporary file while its SHA-256 is computed: at
national scale the inputs are hundreds of megabytes, more than a row or a request should
hold. The run keeps only the files' names and digests; the proof log keeps the digests.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast, Collate

from bekal.programmes.models import Wave, WaveApplication, WaveQuota
from bekal.selection import canonical
from bekal.selection.models import SelectionOutcome, SelectionRun

STORAGE = "selection_proofs"
CHUNK_ROWS = 10_000


def proof_storage() -> Storage:
    return storages[STORAGE]


@dataclass(frozen=True, slots=True)
class StoredFile:
    name: str
    digest: str


def _store(name: str, chunks: Iterable[str]) -> StoredFile:
    """Write the chunks to a temporary file while hashing them, then to the storage."""
    sha = hashlib.sha256()
    with tempfile.TemporaryFile() as spool:
        for chunk in chunks:
            data = chunk.encode("utf-8")
            sha.update(data)
            spool.write(data)
        spool.seek(0)
        digest = sha.hexdigest()
        stored = proof_storage().save(name.format(digest=digest[:16]), File(spool))
    return StoredFile(name=stored, digest=digest)


def quotas_of(wave: Wave) -> tuple[dict[str, int], dict[str, int]]:
    """The wave's (province, regency) quotas as the document states them."""
    quotas = list(WaveQuota.objects.filter(wave=wave))
    return (
        {q.province_id: q.quota for q in quotas if q.province_id},
        {q.regency_id: q.quota for q in quotas if q.regency_id},
    )


def outcome_rows(run: SelectionRun) -> Iterator[tuple[Any, ...]]:
    """(pseudonym, regency, tier, eligible, household, household_places, selected, rank)
    of every outcome of the run, by pseudonym in code-point order, streamed."""
    return (
        SelectionOutcome.objects.filter(run=run)
        .order_by(Collate("pseudonym", "C"))
        .values_list(
            "pseudonym",
            "regency_id",
            "tier",
            "eligible",
            "household",
            "household_places",
            "selected",
            "lottery_rank",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )


def write_inputs(run: SelectionRun) -> tuple[StoredFile, int, int]:
    """The canonical inputs into the storage; with the applicants and eligible counted."""
    counted = {"applicants": 0, "eligible": 0}

    def rows() -> Iterator[canonical.Row]:
        for pseudonym, regency, tier, eligible, household, places, *_ in outcome_rows(run):
            counted["applicants"] += 1
            counted["eligible"] += eligible
            yield (pseudonym, regency, tier, eligible, household, places)

    wave = run.wave
    provinces, regencies = quotas_of(wave)
    stored = _store(
        f"wave-{wave.number}/inputs-{{digest}}.json",
        canonical.render_chunks(
            wave=wave.number,
            seed_hash=run.seed_hash,
            national_quota=wave.national_quota,
            province_quotas=provinces,
            regency_quotas=regencies,
            rows=rows(),
        ),
    )
    return stored, counted["applicants"], counted["eligible"]


def selected_pseudonyms(run: SelectionRun) -> Iterator[str]:
    """The run's selected, in lottery order."""
    return (
        SelectionOutcome.objects.filter(run=run, selected=True)
        .order_by("lottery_rank", Collate("pseudonym", "C"))
        .values_list("pseudonym", flat=True)
        .iterator(chunk_size=CHUNK_ROWS)
    )


def write_selected(run: SelectionRun) -> tuple[StoredFile, int]:
    counted = [0]

    def lines() -> Iterator[str]:
        for pseudonym in selected_pseudonyms(run):
            counted[0] += 1
            yield f"{pseudonym}\n"

    stored = _store(f"wave-{run.wave.number}/selected-{{digest}}.txt", lines())
    return stored, counted[0]


#: One row per eligibility decision of a wave, by pseudonym (code-point order): the
#: pseudonym, whether eligible, and SHA-256 of everything the decision states (reasons,
#: rules and scheme versions, the facts the rules read).
DECISION_ROWS_SQL = """
SELECT application_id::text AS pseudonym, eligible,
       encode(sha256(convert_to(concat_ws(E'\\t', application_id, eligible,
           array_to_string(reasons, ','), rules_version, scheme_id, scheme_version,
           inputs::text), 'UTF8')), 'hex')
FROM selection_eligibilitydecision
WHERE wave_id = %s
ORDER BY application_id::text COLLATE "C"
"""


def decision_rows(wave: Wave) -> Iterator[tuple[str, bool, str]]:
    """DECISION_ROWS_SQL, streamed by a server-side cursor (call inside a transaction)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(DECISION_ROWS_SQL, [wave.pk])
        while batch := cursor.fetchmany(CHUNK_ROWS):
            yield from batch


class DecisionsDigest:
    """SHA-256 over the decisions' row hashes, in order, one a line: the log keeps it, so
    a decision changed after publication (its reasons, its facts) is found."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()

    def add(self, row_hash: str) -> None:
        self._sha.update(f"{row_hash}\n".encode("ascii"))

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def decisions_digest(wave: Wave) -> str:
    digest = DecisionsDigest()
    for _pseudonym, _eligible, row_hash in decision_rows(wave):
        digest.add(row_hash)
    return digest.hexdigest()


def read_file(name: str) -> bytes:
    with proof_storage().open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def open_file(name: str) -> IO[bytes]:
    handle: IO[bytes] = proof_storage().open(name, "rb")
    return handle


def file_size(name: str) -> int:
    return proof_storage().size(name)


def application_rows(wave: Wave) -> Iterator[tuple[Any, ...]]:
    """(pseudonym, selected) of every application of the wave, by pseudonym (code-point
    order), streamed: what bekal.selection.proof_checks holds against the document."""
    return (
        WaveApplication.objects.filter(wave=wave)
        .annotate(pseudonym=Collate(Cast("id", TextField()), "C"))
        .order_by("pseudonym")
        .values_list("pseudonym", "selected")
        .iterator(chunk_size=CHUNK_ROWS)
    )
