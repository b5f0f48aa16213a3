"""The published inputs of a selection: one canonical JSON document and its SHA-256.

The document (keys sorted, no spaces, ASCII, rows sorted by pseudonym in code-point
order) holds everything needed to recompute the list, and nothing that names a person:

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
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

FORMAT = "bekal-selection-inputs/1"

Row = tuple[str, str, int | None, bool, str, int]


def render(
    *,
    wave: int,
    seed_hash: str,
    national_quota: int,
    province_quotas: dict[str, int],
    regency_quotas: dict[str, int],
    rows: Iterable[Row],
) -> str:
    document = {
        "format": FORMAT,
        "wave": wave,
        "seed_hash": seed_hash,
        "national_quota": national_quota,
        "quotas": {"provinces": province_quotas, "regencies": regency_quotas},
        "applicants": [list(row) for row in sorted(rows, key=lambda row: row[0])],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    if document.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    return document
