"""The published proof of a selection, in canonical encodings anyone can recompute.

Standard library only: an outside verifier needs this module and verification.py, not
Bekal's database or Django.

The inputs document (keys sorted, no spaces, ASCII, rows sorted by pseudonym in
code-point order) holds everything needed to recompute the list, and nothing that names
a person:

    {"applicants": [[pseudonym, regency, tier, eligible, household, household_places],
                    ...],
     "format": "bekal-selection-inputs/1",
     "national_quota": 164000,
     "quotas": {"provinces": {"32": 50000}, "regencies": {"32.16": 24000}},
     "seed_hash": "<sha256 of the seed, committed before the wave closed>",
     "wave": 7}

pseudonym: the application id; regency: its dotted code (the province is its first two
digits); tier: the best priority tier rank, null for none; household: a per-wave
pseudonym of the family card; household_places: how many of that family may still be
selected. The digest is SHA-256 over the document's UTF-8 bytes.

The selected list is the selected pseudonyms in lottery order, each followed by "\\n".

An entry of the proof log is the canonical JSON of
    {"kind", "payload", "position", "previous_hash", "recorded_at", "wave"}
and its hash is SHA-256 of those bytes; exported, each entry is one line: the same object
with "entry_hash" added.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

FORMAT = "bekal-selection-inputs/1"
#: The previous hash of the log's first entry.
GENESIS = "0" * 64

Row = tuple[str, str, int | None, bool, str, int]


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def render_chunks(
    *,
    wave: int,
    seed_hash: str,
    national_quota: int,
    province_quotas: dict[str, int],
    regency_quotas: dict[str, int],
    rows: Iterable[Row],
) -> Iterator[str]:
    """The document in pieces, for rows ALREADY sorted by pseudonym (code-point order):
    at national scale it is written to a file as it is read from the database. The
    pieces joined are exactly `_dumps(document)`: "applicants" is the first key."""
    rest = _dumps(
        {
            "format": FORMAT,
            "wave": wave,
            "seed_hash": seed_hash,
            "national_quota": national_quota,
            "quotas": {"provinces": province_quotas, "regencies": regency_quotas},
        }
    )
    yield '{"applicants":['
    batch: list[str] = []
    first = True
    for row in rows:
        batch.append(_dumps(list(row)))
        if len(batch) == 10_000:
            yield ("" if first else ",") + ",".join(batch)
            first, batch = False, []
    if batch:
        yield ("" if first else ",") + ",".join(batch)
    yield "]," + rest[1:]


def render(
    *,
    wave: int,
    seed_hash: str,
    national_quota: int,
    province_quotas: dict[str, int],
    regency_quotas: dict[str, int],
    rows: Iterable[Row],
) -> str:
    """The whole document, rows in any order."""
    return "".join(
        render_chunks(
            wave=wave,
            seed_hash=seed_hash,
            national_quota=national_quota,
            province_quotas=province_quotas,
            regency_quotas=regency_quotas,
            rows=sorted(rows, key=lambda row: row[0]),
        )
    )


def digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def _is_row(row: Any) -> bool:
    return (
        isinstance(row, list)
        and len(row) == 6
        and isinstance(row[0], str)
        and isinstance(row[1], str)
        and (row[2] is None or type(row[2]) is int)
        and isinstance(row[3], bool)
        and isinstance(row[4], str)
        and type(row[5]) is int
    )


def _is_quotas(quotas: Any) -> bool:
    return isinstance(quotas, dict) and all(
        isinstance(code, str) and type(n) is int for code, n in quotas.items()
    )


def parse(text: str | bytes) -> dict[str, Any]:
    """The document, its shape checked (ValueError says what is wrong)."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("not JSON") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    quotas = document.get("quotas")
    if not (
        type(document.get("wave")) is int
        and isinstance(document.get("seed_hash"), str)
        and type(document.get("national_quota")) is int
        and isinstance(quotas, dict)
        and _is_quotas(quotas.get("provinces"))
        and _is_quotas(quotas.get("regencies"))
        and isinstance(document.get("applicants"), list)
    ):
        raise ValueError("a field is missing or of the wrong type")
    for position, row in enumerate(document["applicants"], 1):
        if not _is_row(row):
            raise ValueError(f"applicant row {position} is not of the documented shape")
    return dict(document)


def _check_header(header: Any) -> None:
    quotas = header.get("quotas") if isinstance(header, dict) else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    if not (
        type(header.get("wave")) is int
        and isinstance(header.get("seed_hash"), str)
        and type(header.get("national_quota")) is int
        and isinstance(quotas, dict)
        and _is_quotas(quotas.get("provinces"))
        and _is_quotas(quotas.get("regencies"))
    ):
        raise ValueError("a field is missing or of the wrong type")


class DocumentStream:
    """An inputs document read from a binary file in chunks, never whole: `rows()` yields
    the applicant rows one by one (each shape-checked) while every byte read is hashed;
    once they are exhausted, `header` holds the document's other keys and `hexdigest()`
    the SHA-256 of all its bytes. Memory holds one chunk and one row, whatever the size.

    It reads the canonical encoding only (the published one: "applicants" first, no
    spaces); any other encoding raises ValueError, as would a digest that differs."""

    CHUNK = 1 << 20
    _OPEN = '{"applicants":['

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        self._hash = hashlib.sha256()
        self._buffer = ""
        self._eof = False
        self._decoder = json.JSONDecoder()
        self.header: dict[str, Any] = {}
        self.count = 0

    def _read(self) -> bool:
        if self._eof:
            return False
        chunk = self._file.read(self.CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._hash.update(chunk)
        try:
            self._buffer += chunk.decode("ascii")
        except UnicodeDecodeError as exc:
            raise ValueError("not a canonical document (not ASCII)") from exc
        return True

    def _need(self, size: int) -> None:
        while len(self._buffer) < size and self._read():
            pass

    def rows(self) -> Iterator[list[Any]]:
        self._need(len(self._OPEN))
        if not self._buffer.startswith(self._OPEN):
            raise ValueError(f"not a canonical {FORMAT} document")
        at = len(self._OPEN)
        self._need(at + 1)
        if self._buffer[at : at + 1] == "]":
            at += 1
        else:
            while True:
                try:
                    row, end = self._decoder.raw_decode(self._buffer, at)
                except json.JSONDecodeError:
                    # A row cut by the chunk's end: keep what is left and read on (a row
                    # is a few dozen bytes: more than 64 KiB undecodable is not a row).
                    if len(self._buffer) - at > 65536:
                        raise ValueError(
                            f"not a canonical document after row {self.count}"
                        ) from None
                    self._buffer, at = self._buffer[at:], 0
                    if not self._read():
                        raise ValueError("the applicants end before their list does") from None
                    continue
                self.count += 1
                if not _is_row(row):
                    raise ValueError(f"applicant row {self.count} is not of the documented shape")
                yield row
                self._need(end + 1)
                separator = self._buffer[end : end + 1]
                at = end + 1
                if separator == "]":
                    break
                if separator != ",":
                    raise ValueError(f"not a canonical document after row {self.count}")
                if at > self.CHUNK:
                    self._buffer, at = self._buffer[at:], 0
        while self._read():
            pass
        rest = self._buffer[at:]
        if not rest.startswith(","):
            raise ValueError("not a canonical document after the applicants")
        try:
            header = json.loads("{" + rest[1:])
        except ValueError as exc:
            raise ValueError("not JSON after the applicants") from exc
        _check_header(header)
        self.header = header

    def hexdigest(self) -> str:
        """SHA-256 of every byte (after `rows()` is exhausted: the whole file)."""
        while self._read():
            pass
        return self._hash.hexdigest()


def selected_text(pseudonyms: Iterable[str]) -> str:
    return "".join(f"{pseudonym}\n" for pseudonym in pseudonyms)


def parse_selected(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# --- the proof log ---------------------------------------------------------------------

ENTRY_FIELDS = ("kind", "payload", "position", "previous_hash", "recorded_at", "wave")


def entry_body(
    *,
    position: int,
    kind: str,
    wave: int,
    payload: dict[str, Any],
    recorded_at: str,
    previous_hash: str,
) -> str:
    """The canonical bytes an entry's hash covers (recorded_at: ISO 8601 UTC, "Z")."""
    return _dumps(
        {
            "kind": kind,
            "payload": payload,
            "position": position,
            "previous_hash": previous_hash,
            "recorded_at": recorded_at,
            "wave": wave,
        }
    )


def entry_hash(**fields: Any) -> str:
    return digest(entry_body(**fields))


def entry_line(*, entry_hash: str, **fields: Any) -> str:
    """An entry as exported: its body with its hash, one line."""
    return _dumps({**json.loads(entry_body(**fields)), "entry_hash": entry_hash})


def parse_log(text: str) -> list[dict[str, Any]]:
    """The entries of an exported log (lines starting with "#" are comments)."""
    entries = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            entry = json.loads(line)
            if not isinstance(entry, dict) or set(entry) != {*ENTRY_FIELDS, "entry_hash"}:
                raise ValueError("not a line of a Bekal proof log")
            entries.append(entry)
    return entries


def check_chain(entries: list[dict[str, Any]]) -> list[str]:
    """What is wrong with a log, in order (empty when every hash and link holds): each
    entry's hash must be the hash of its body, and name the previous entry's hash."""
    problems = []
    previous = GENESIS
    for expected_position, entry in enumerate(entries, 1):
        fields = {name: entry[name] for name in ENTRY_FIELDS}
        if entry["position"] != expected_position:
            problems.append(
                f"log entry {entry['position']}: found where entry {expected_position} belongs"
            )
        if entry["previous_hash"] != previous:
            problems.append(
                f"log entry {entry['position']}: names {entry['previous_hash']} as the "
                f"previous hash, but the previous entry's hash is {previous}"
            )
        if entry_hash(**fields) != entry["entry_hash"]:
            problems.append(
                f"log entry {entry['position']}: its hash {entry['entry_hash']} is not the "
                "hash of its content (the entry was rewritten)"
            )
        previous = entry["entry_hash"]
    return problems
