"""Recomputing a published selection from its published inputs, independently.

This is deliberately not the SQL of bekal.selection.lottery: a plain Python walk down the
lottery order that anyone can read and run with the published seed and inputs file.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bekal.selection import canonical

NO_TIER = 2_147_483_647


def order_key(seed: bytes, pseudonym: str) -> bytes:
    """sha256(seed || pseudonym as UTF-8): the applicant's place in the draw."""
    return hashlib.sha256(seed + pseudonym.encode("utf-8")).digest()


def recompute(document: dict[str, Any], seed: bytes) -> list[str]:
    """The selected pseudonyms, in lottery order."""
    eligible = [row for row in document["applicants"] if row[3]]
    eligible.sort(
        key=lambda row: (NO_TIER if row[2] is None else row[2], order_key(seed, row[0]), row[0])
    )
    province_quota: dict[str, int] = document["quotas"]["provinces"]
    regency_quota: dict[str, int] = document["quotas"]["regencies"]
    national_quota: int = document["national_quota"]
    family_selected: Counter[str] = Counter()
    in_regency: Counter[str] = Counter()
    in_province: Counter[str] = Counter()
    selected: list[str] = []
    # One at a time in lottery order: selected if the family has a place left and the
    # regency, the province and the nation have room. Only the selected use a place.
    for pseudonym, regency, _tier, _eligible, household, places in eligible:
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


@dataclass(frozen=True, slots=True)
class Verification:
    matches: bool
    #: Why it does not match (None when it does): the first difference found.
    problem: str | None
    selected: int


def verify(
    *, inputs: str, published_digest: str, seed_hex: str, published: list[str]
) -> Verification:
    """Check the inputs against their digest and the seed against its commitment, then
    recompute and compare with the published list (selected pseudonyms, lottery order)."""
    if canonical.digest(inputs) != published_digest:
        return Verification(False, "the inputs do not match their published digest", 0)
    document = canonical.parse(inputs)
    seed = bytes.fromhex(seed_hex)
    if hashlib.sha256(seed).hexdigest() != document["seed_hash"]:
        return Verification(False, "the seed does not match the committed seed hash", 0)
    recomputed = recompute(document, seed)
    for position, (mine, theirs) in enumerate(zip(recomputed, published, strict=False), 1):
        if mine != theirs:
            return Verification(
                False,
                f"position {position}: published {theirs}, recomputed {mine}",
                len(recomputed),
            )
    if len(recomputed) != len(published):
        shorter, longer = sorted([recomputed, published], key=len)
        extra = longer[len(shorter)]
        return Verification(
            False,
            f"position {len(shorter) + 1}: published {len(published)} selected, "
            f"recomputed {len(recomputed)} (first extra: {extra})",
            len(recomputed),
        )
    return Verification(True, None, len(recomputed))
