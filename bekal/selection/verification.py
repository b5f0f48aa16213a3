"""Recomputing a published selection from its published inputs, independently.

This is deliberately not the SQL of bekal.selection.lottery: a plain Python walk down the
lottery order that anyone can read and run with the published seed and inputs file.
Standard library only (with canonical.py): with the files downloaded from a wave's public
page, and no access to Bekal's database,

    python -m bekal.selection.verification --inputs inputs.json --digest HEX \
        --seed HEX --selected selected.txt [--log proof-log.txt]

(or `manage.py verify_selection` with the same options) recomputes the list and says
MATCH or MISMATCH, exiting 1 on a mismatch.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sqlite3
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from bekal.selection import canonical

NO_TIER = 2_147_483_647


def order_key(seed: bytes, pseudonym: str) -> bytes:
    """sha256(seed || pseudonym as UTF-8): the applicant's place in the draw."""
    return hashlib.sha256(seed + pseudonym.encode("utf-8")).digest()


def recompute(document: dict[str, Any], seed: bytes) -> list[str]:
    """The selected pseudonyms, in lottery order (the document held in memory)."""
    eligible = [row for row in document["applicants"] if row[3]]
    eligible.sort(
        key=lambda row: (NO_TIER if row[2] is None else row[2], order_key(seed, row[0]), row[0])
    )
    return walk(
        ((row[0], row[1], row[4], row[5]) for row in eligible),
        quotas=document["quotas"],
        national_quota=document["national_quota"],
    )


def walk(
    ordered: Iterable[tuple[str, str, str, int]],
    *,
    quotas: dict[str, dict[str, int]],
    national_quota: int,
) -> list[str]:
    """Down the eligible (pseudonym, regency, household, household_places) in lottery
    order: the selected pseudonyms."""
    province_quota: dict[str, int] = quotas["provinces"]
    regency_quota: dict[str, int] = quotas["regencies"]
    family_selected: Counter[str] = Counter()
    in_regency: Counter[str] = Counter()
    in_province: Counter[str] = Counter()
    selected: list[str] = []
    # One at a time in lottery order: selected if the family has a place left and the
    # regency, the province and the nation have room. Only the selected use a place.
    for pseudonym, regency, household, places in ordered:
        if len(selected) >= national_quota:
            break
        if family_selected[household] >= places:
            continue
        province = regency[:2]
        if regency in regency_quota and in_regency[regency] >= regency_quota[regency]:
            continue
        if province in province_quota and in_province[province] >= province_quota[province]:
            continue
        family_selected[household] += 1
        in_regency[regency] += 1
        in_province[province] += 1
        selected.append(pseudonym)
    return selected


#: Eligible rows sorted at a time in memory before they go to the on-disk sort.
SORT_BATCH = 100_000


def recompute_streamed(stream: canonical.DocumentStream, seed: bytes, directory: str) -> list[str]:
    """The selected pseudonyms, in lottery order, reading the document once from its
    stream: the eligible rows are sorted on disk (SQLite, of the standard library, in
    `directory`), so memory holds a batch of rows and the list, not the document. The
    stream's header and digest are read too (check them before trusting the list)."""
    with closing(sqlite3.connect(f"{directory}/lottery-order.sqlite3")) as db:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(
            "CREATE TABLE eligible (tier INTEGER, key BLOB, pseudonym TEXT, regency TEXT,"
            " household TEXT, places INTEGER)"
        )
        batch: list[tuple[int, bytes, str, str, str, int]] = []
        for pseudonym, regency, tier, eligible, household, places in stream.rows():
            if not eligible:
                continue
            tier_rank = NO_TIER if tier is None else tier
            batch.append(
                (tier_rank, order_key(seed, pseudonym), pseudonym, regency, household, places)
            )
            if len(batch) >= SORT_BATCH:
                db.executemany("INSERT INTO eligible VALUES (?, ?, ?, ?, ?, ?)", batch)
                batch = []
        db.executemany("INSERT INTO eligible VALUES (?, ?, ?, ?, ?, ?)", batch)
        db.commit()
        # BLOB and TEXT compare bytewise (UTF-8: code-point order), as sorted() does.
        ordered = db.execute(
            "SELECT pseudonym, regency, household, places FROM eligible"
            " ORDER BY tier, key, pseudonym"
        )
        return walk(
            ordered,
            quotas=stream.header["quotas"],
            national_quota=stream.header["national_quota"],
        )


@dataclass(frozen=True, slots=True)
class Verification:
    matches: bool
    #: Why it does not match (None when it does): the first difference found.
    problem: str | None
    selected: int
    #: Every difference found, the first one first (the database mode lists them all).
    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, problems: Sequence[str], selected: int) -> Verification:
        return cls(not problems, problems[0] if problems else None, selected, tuple(problems))


def compare_lists(recomputed: list[str], published: list[str]) -> str | None:
    """The first difference between the recomputed and the published list (lottery
    order), None when they are the same."""
    for position, (mine, theirs) in enumerate(zip(recomputed, published, strict=False), 1):
        if mine != theirs:
            return f"position {position}: published {theirs}, recomputed {mine}"
    if len(recomputed) != len(published):
        shorter, longer = sorted([recomputed, published], key=len)
        extra = longer[len(shorter)]
        return (
            f"position {len(shorter) + 1}: published {len(published)} selected, "
            f"recomputed {len(recomputed)} (first extra: {extra})"
        )
    return None


def recompute_checked(
    *, inputs: str | bytes, published_digest: str, seed_hex: str
) -> tuple[dict[str, Any] | None, list[str] | None, str | None]:
    """(document, recomputed list, None), or (.., .., the problem) when the inputs do not
    match their digest, are not a document, or the seed does not match its hash."""
    if canonical.digest(inputs) != published_digest.strip().lower():
        return None, None, "the inputs do not match their published digest"
    try:
        document = canonical.parse(inputs)
    except ValueError as exc:
        return None, None, f"the inputs are not a selection inputs document ({exc})"
    try:
        seed = bytes.fromhex(seed_hex.strip())
    except ValueError:
        return document, None, "the seed is not hexadecimal"
    if hashlib.sha256(seed).hexdigest() != document["seed_hash"]:
        return document, None, "the seed does not match the committed seed hash"
    return document, recompute(document, seed), None


def verify(
    *, inputs: str | bytes, published_digest: str, seed_hex: str, published: list[str]
) -> Verification:
    """Check the inputs against their digest and the seed against its commitment, then
    recompute and compare with the published list (selected pseudonyms, lottery order)."""
    _document, recomputed, problem = recompute_checked(
        inputs=inputs, published_digest=published_digest, seed_hex=seed_hex
    )
    if recomputed is None:
        return Verification.of([problem or "nothing to recompute"], 0)
    difference = compare_lists(recomputed, published)
    return Verification.of([difference] if difference else [], len(recomputed))


def check_against_log(
    *,
    log_text: str,
    document: dict[str, Any],
    digest: str,
    seed_hex: str,
    selected_digest: str,
) -> list[str]:
    """The exported proof log holds, and commits to these files: its entries' hashes and
    links, the wave's seed commitment, and its publication's digests and seed."""
    try:
        entries = canonical.parse_log(log_text)
    except ValueError as exc:
        return [f"the log is not a Bekal proof log ({exc})"]
    problems = canonical.check_chain(entries)
    wave = document["wave"]
    committed = [e for e in entries if e["wave"] == wave and e["kind"] == "seed_committed"]
    published = [e for e in entries if e["wave"] == wave and e["kind"] == "run_published"]
    if not committed or committed[0]["payload"].get("seed_hash") != document["seed_hash"]:
        problems.append(f"the log holds no seed commitment of wave {wave} with this seed hash")
    elif committed[0]["recorded_at"] >= committed[0]["payload"].get("wave_closes_at", "~"):
        # (ISO 8601 UTC strings of one format compare as the moments they name)
        problems.append(f"the log records wave {wave}'s seed commitment after the wave closed")
    if not published:
        problems.append(f"the log holds no publication of wave {wave}")
        return problems
    stated = published[0]["payload"]
    for name, value in (
        ("inputs_digest", digest.strip().lower()),
        ("seed", seed_hex.strip().lower()),
        ("selected_digest", selected_digest),
    ):
        if stated.get(name) != value:
            problems.append(
                f"the log's publication of wave {wave} states {name} {stated.get(name)}, "
                f"not {value}"
            )
    if committed and published and committed[0]["position"] > published[0]["position"]:
        problems.append(f"the log records wave {wave}'s seed after its publication")
    return problems


def verify_files(
    *, inputs: bytes, digest: str, seed_hex: str, selected: bytes, log: str | None = None
) -> Verification:
    """The standalone check, from the files of a wave's public page alone (in memory)."""
    return verify_streams(
        inputs=io.BytesIO(inputs),
        digest=digest,
        seed_hex=seed_hex,
        selected=io.BytesIO(selected),
        log=log,
    )


def verify_streams(
    *, inputs: BinaryIO, digest: str, seed_hex: str, selected: BinaryIO, log: str | None = None
) -> Verification:
    """The standalone check, the inputs read once as a stream (recompute_streamed): the
    inputs against their digest, the seed against the document's seed hash, the list
    recomputed and compared with the published one, and with `log`, the log's chain and
    its entries of this wave."""
    published_digest = digest.strip().lower()
    stream = canonical.DocumentStream(inputs)
    try:
        seed = bytes.fromhex(seed_hex.strip())
    except ValueError:
        seed = None
    recomputed: list[str] | None = None
    problem: str | None = None
    if seed is not None:
        with tempfile.TemporaryDirectory(prefix="bekal-verify-") as directory:
            try:
                recomputed = recompute_streamed(stream, seed, directory)
            except ValueError as exc:
                problem = f"the inputs are not a selection inputs document ({exc})"
    if stream.hexdigest() != published_digest:
        return Verification.of(["the inputs do not match their published digest"], 0)
    if problem is not None:
        return Verification.of([problem], 0)
    if seed is None or recomputed is None:
        return Verification.of(["the seed is not hexadecimal"], 0)
    document = stream.header
    if hashlib.sha256(seed).hexdigest() != document["seed_hash"]:
        return Verification.of(["the seed does not match the committed seed hash"], 0)
    selected_bytes = selected.read()
    try:
        published = canonical.parse_selected(selected_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        return Verification.of(["the selected list is not UTF-8 text"], len(recomputed))
    problems = []
    difference = compare_lists(recomputed, published)
    if difference:
        problems.append(difference)
    if log is not None:
        problems += check_against_log(
            log_text=log,
            document=document,
            digest=digest,
            seed_hex=seed_hex,
            selected_digest=canonical.digest(selected_bytes),
        )
    return Verification.of(problems, len(recomputed))


def add_file_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--inputs", type=Path, required=required, help="the inputs file")
    parser.add_argument("--digest", required=required, help="the inputs' published SHA-256")
    parser.add_argument("--seed", required=required, help="the revealed seed (hex)")
    parser.add_argument(
        "--selected", type=Path, required=required, help="the published selected list"
    )
    parser.add_argument("--log", type=Path, help="the exported proof log (optional)")


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def run_files(
    *, inputs: Path, digest: str, seed: str, selected: Path, log: Path | None, out: Writer
) -> bool:
    """Verify from files, print MATCH or MISMATCH lines; True on a match."""
    with inputs.open("rb") as inputs_file, selected.open("rb") as selected_file:
        result = verify_streams(
            inputs=inputs_file,
            digest=digest,
            seed_hex=seed,
            selected=selected_file,
            log=None if log is None else log.read_text(encoding="utf-8"),
        )
    if result.matches:
        out.write(f"MATCH: {result.selected} selected, recomputed from the inputs file\n")
        return True
    for problem in result.problems:
        out.write(f"MISMATCH: {problem}\n")
    return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bekal.selection.verification",
        description="Recompute a published Bekal selection from its downloaded files.",
    )
    add_file_arguments(parser, required=True)
    args = parser.parse_args(argv)
    try:
        matched = run_files(
            inputs=args.inputs,
            digest=args.digest,
            seed=args.seed,
            selected=args.selected,
            log=args.log,
            out=sys.stdout,
        )
    except OSError as exc:
        parser.error(str(exc))
    return 0 if matched else 1


if __name__ == "__main__":
    sys.exit(main())
