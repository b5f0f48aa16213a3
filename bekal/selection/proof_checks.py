"""Checking a published selection against everything the database says about it.

What `manage.py verify_selection WAVE` does: besides recomputing the list from the
published inputs (bekal.selection.verification), it holds every row of the database that
the selection rests on against the published proof, so that nobody who can write to the
database can change a result, a decision or a quota unnoticed:

- the proof log: each entry's hash and link, the wave's seed commitment and publication;
- the run: its seed against its commitment, its digests against the log's entry, its
  files against their digests;
- the document: its seed hash and quotas against the run and the wave's quotas;
- every outcome (regency, tier, eligibility, family, selected, rank), every eligibility
  decision (eligible, and the digest of all of them in the log), every application's
  `selected` flag, against the document and the recomputed list.

Rows are read in pseudonym order (code-point order, as the document is sorted) by
server-side cursors and merged with the document's rows, so memory holds the document
and not a second copy of the wave.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.db import transaction

from bekal.programmes.models import Wave
from bekal.selection import canonical, proof_log, publication
from bekal.selection.models import ProofLogEntry, SelectionRun
from bekal.selection.verification import Verification, compare_lists, recompute_checked

#: Differences listed per kind of row before "... and more" (the first ones say enough).
MAX_PER_KIND = 5


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self._per_kind: dict[str, int] = {}

    def add(self, kind: str, text: str) -> None:
        seen = self._per_kind.get(kind, 0)
        self._per_kind[kind] = seen + 1
        if seen < MAX_PER_KIND:
            self.items.append(text)
        elif seen == MAX_PER_KIND:
            self.items.append(f"{kind}: more differences not listed")


def _check_log(run: SelectionRun, problems: Problems, known_head: str | None) -> dict[str, Any]:
    """The chain, and the wave's two entries against the run; the publication's payload."""
    for problem in proof_log.check_log():
        problems.add("log", problem)
    if known_head and not ProofLogEntry.objects.filter(entry_hash=known_head.lower()).exists():
        problems.add(
            "log",
            f"the log no longer holds the head {known_head} kept outside Bekal: an entry "
            "was rewritten or removed",
        )
    number = run.wave.number
    committed = proof_log.find_entry(wave=number, kind=ProofLogEntry.Kind.SEED_COMMITTED)
    published = proof_log.find_entry(wave=number, kind=ProofLogEntry.Kind.RUN_PUBLISHED)
    if committed is None:
        problems.add("log", f"the log holds no seed commitment of wave {number}")
    elif committed.payload.get("seed_hash") != run.seed_hash:
        problems.add(
            "seed",
            f"seed hash: the run states {run.seed_hash}, the log's commitment "
            f"{committed.payload.get('seed_hash')}",
        )
    elif proof_log.format_time(committed.recorded_at) >= committed.payload.get(
        "wave_closes_at", "~"
    ):
        problems.add("log", f"the log records wave {number}'s seed commitment after it closed")
    if published is None:
        problems.add("log", f"the log holds no publication of wave {number}")
        return {}
    payload: dict[str, Any] = published.payload
    for name in ("inputs_digest", "selected_digest", "seed", "seed_hash"):
        if payload.get(name) != getattr(run, name):
            problems.add(
                "run",
                f"{name}: the run states {getattr(run, name)}, the log's publication "
                f"{payload.get(name)}",
            )
    return payload


def _check_document(run: SelectionRun, document: dict[str, Any], problems: Problems) -> None:
    wave = run.wave
    if document["wave"] != wave.number:
        problems.add("document", f"the document is of wave {document['wave']}, not {wave.number}")
    if document["seed_hash"] != run.seed_hash:
        problems.add(
            "seed",
            f"seed hash: the run states {run.seed_hash}, the document {document['seed_hash']}",
        )
    if document["national_quota"] != wave.national_quota:
        problems.add(
            "quota",
            f"national quota: the wave states {wave.national_quota}, the document "
            f"{document['national_quota']}",
        )
    provinces, regencies = publication.quotas_of(wave)
    for level, stored, stated in (
        ("province", provinces, document["quotas"]["provinces"]),
        ("regency", regencies, document["quotas"]["regencies"]),
    ):
        for code in sorted(set(stored) | set(stated)):
            if stored.get(code) != stated.get(code):
                problems.add(
                    "quota",
                    f"quota of {level} {code}: the wave states {stored.get(code)}, the "
                    f"document {stated.get(code)}",
                )


def _merge(
    rows: Iterator[tuple[Any, ...]], document_rows: list[list[Any]]
) -> Iterator[tuple[str, tuple[Any, ...] | None, list[Any] | None]]:
    """(pseudonym, database row, document row) for every pseudonym of either side; both
    sides sorted by pseudonym in code-point order."""
    index = 0
    for row in rows:
        while index < len(document_rows) and document_rows[index][0] < row[0]:
            yield document_rows[index][0], None, document_rows[index]
            index += 1
        if index < len(document_rows) and document_rows[index][0] == row[0]:
            yield row[0], row, document_rows[index]
            index += 1
        else:
            yield row[0], row, None
    for rest in document_rows[index:]:
        yield rest[0], None, rest


OUTCOME_FIELDS = ("regency", "tier", "eligible", "household", "household_places")


def _check_outcomes(
    run: SelectionRun,
    document: dict[str, Any],
    recomputed: list[str],
    problems: Problems,
) -> None:
    chosen = set(recomputed)
    for pseudonym, row, stated in _merge(publication.outcome_rows(run), document["applicants"]):
        if row is None:
            problems.add("outcome", f"applicant {pseudonym}: in the document, no outcome row")
            continue
        if stated is None:
            problems.add("outcome", f"applicant {pseudonym}: an outcome row not in the document")
            continue
        for name, mine, theirs in zip(OUTCOME_FIELDS, row[1:6], stated[1:6], strict=True):
            if mine != theirs:
                problems.add(
                    "outcome",
                    f"outcome of applicant {pseudonym}: {name} is {mine!r} in the database, "
                    f"{theirs!r} in the published document",
                )
        if row[6] != (pseudonym in chosen):
            problems.add(
                "outcome",
                f"outcome of applicant {pseudonym}: selected is {row[6]} in the database, "
                f"{pseudonym in chosen} when recomputed",
            )


def _check_decisions(
    wave: Wave, document: dict[str, Any], stated_digest: str | None, problems: Problems
) -> None:
    digest = publication.DecisionsDigest()
    rows = publication.decision_rows(wave)
    for pseudonym, row, stated in _merge(rows, document["applicants"]):
        if row is not None:
            digest.add(row[2])
        if row is None:
            problems.add("decision", f"applicant {pseudonym}: no eligibility decision")
        elif stated is None:
            problems.add("decision", f"eligibility decision {pseudonym}: not in the document")
        elif row[1] != stated[3]:
            problems.add(
                "decision",
                f"eligibility decision of applicant {pseudonym}: eligible is {row[1]} in the "
                f"database, {stated[3]} in the published document",
            )
    if stated_digest is not None and digest.hexdigest() != stated_digest:
        problems.add(
            "decision",
            "the wave's eligibility decisions are not those the log's publication states "
            f"(digest {digest.hexdigest()}, published {stated_digest}): a decision's "
            "reasons or facts were changed",
        )


def _check_applications(
    wave: Wave, document: dict[str, Any], recomputed: list[str], problems: Problems
) -> None:
    selected = set(recomputed)
    for pseudonym, row, stated in _merge(
        publication.application_rows(wave), document["applicants"]
    ):
        if row is None:
            problems.add("application", f"applicant {pseudonym}: no application in the wave")
        elif stated is None:
            problems.add("application", f"application {pseudonym}: not in the document")
        elif row[1] != (pseudonym in selected):
            problems.add(
                "application",
                f"application {pseudonym}: its selected flag is {row[1]}, the recomputed "
                f"list says {pseudonym in selected}",
            )


def _read(name: str, what: str, problems: Problems) -> bytes | None:
    if not name:
        problems.add("file", f"the run names no {what} file")
        return None
    try:
        return publication.read_file(name)
    except OSError as exc:
        problems.add("file", f"the {what} file {name} cannot be read ({exc.strerror or exc})")
        return None


@transaction.atomic
def check_published_run(*, run: SelectionRun, known_head: str | None = None) -> Verification:
    """Everything above, for a published run; the differences found, the first first."""
    problems = Problems()
    payload = _check_log(run, problems, known_head)
    inputs = _read(run.inputs_file, "inputs", problems)
    selected_file = _read(run.selected_file, "selected list", problems)
    if selected_file is not None:
        found = hashlib.sha256(selected_file).hexdigest()
        if found != run.selected_digest:
            problems.add(
                "file", f"the selected list file's SHA-256 is {found}, not {run.selected_digest}"
            )
    if inputs is None:
        return Verification.of(problems.items, 0)
    document, recomputed, problem = recompute_checked(
        inputs=inputs, published_digest=run.inputs_digest, seed_hex=run.seed
    )
    if problem is not None:
        problems.add("inputs", problem)
    if document is None or recomputed is None:
        return Verification.of(problems.items, 0)
    published = list(publication.selected_pseudonyms(run))
    difference = compare_lists(recomputed, published)
    if difference:
        problems.add("list", difference)
    if (
        selected_file is not None
        and canonical.parse_selected(selected_file.decode("utf-8", "replace")) != recomputed
    ):
        problems.add("file", "the published selected list file is not the recomputed list")
    _check_document(run, document, problems)
    _check_outcomes(run, document, recomputed, problems)
    _check_decisions(run.wave, document, payload.get("decisions_digest"), problems)
    _check_applications(run.wave, document, recomputed, problems)
    return Verification.of(problems.items, len(recomputed))
