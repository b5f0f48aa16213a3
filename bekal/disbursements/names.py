"""Comparing a payout account's holder name with the participant's registered name.

A bank or an e-wallet answers an account inquiry with the holder's name as it keeps it:
upper case, often with a title or a degree ("HJ. SITI AMINAH, S.PD."), an abbreviated
MUHAMMAD ("M RIZKI PRATAMA"), an old spelling ("SOEDJONO" for SUJONO), a truncated last
name. One fuzzy score over the whole name is unsafe: BUDI SANTOSO / BUDI HARTONO scores
0.913 with a plain ratio, and they are two people. So the names are normalised first
(`normalise_name`), then compared token by token (`compare_names`):

- MATCH: the same tokens (in any order) after normalisation;
- CLOSE_MATCH: every token accounted for, but some only as an initial, a prefix cut by
  the provider, a one-letter typo, or one token missing on one side: the person
  confirms it is their account, or an officer reviews it;
- NO_MATCH: a token on each side with no counterpart (another person): refused;
- NOT_POSSIBLE: one side has no name to compare (the provider returned none).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import Levenshtein

#: Honorific titles, dropped wherever they stand ("HJ. SITI", "DR IR BUDI").
HONORIFICS = frozenset(
    [
        "H",
        "HJ",
        "HAJI",
        "HAJJAH",
        "KH",
        "DR",
        "DRS",
        "DRA",
        "IR",
        "PROF",
        "NY",
        "NN",
        "SDR",
        "SDRI",
        "BPK",
    ]
)
#: Degrees, written without dots (S.Pd. -> SPD), dropped after a comma, when written with a
#: dot, or at the end of the name ("BUDI SANTOSO SPD").
DEGREES = frozenset(
    [
        "SPD",
        "SKOM",
        "SE",
        "SH",
        "ST",
        "SSOS",
        "SAG",
        "SPSI",
        "SKED",
        "SIP",
        "SIKOM",
        "SAP",
        "SS",
        "SSI",
        "STP",
        "SPT",
        "SFARM",
        "SKEP",
        "SKM",
        "SHUT",
        "SSN",
        "SPDI",
        "SHI",
        "SSY",
        "SKEB",
        "SGZ",
        "SIA",
        "SAK",
        "STR",
        "SST",
        "SHUM",
        "SKG",
        "AMD",
        "AMDKEP",
        "AMDKEB",
        "AMK",
        "AMA",
        "AMKEB",
        "AMKEP",
        "MM",
        "MT",
        "MSI",
        "MPD",
        "MKOM",
        "MH",
        "MAG",
        "MKES",
        "MBA",
        "MSC",
        "MA",
        "MHUM",
        "MPSI",
        "MAK",
        "PHD",
        "SPOG",
        "SPA",
        "SPPD",
        "SPB",
    ]
)

#: Abbreviations and spellings of MUHAMMAD, all read as MUHAMMAD.
MUHAMMAD_FORMS = frozenset(
    [
        "M",
        "MOH",
        "MOCH",
        "MOCHD",
        "MOHD",
        "MUH",
        "MUHD",
        "MHD",
        "MOHAMAD",
        "MOHAMMAD",
        "MOHAMMED",
        "MOHAMED",
        "MUHAMAD",
        "MUHAMMED",
        "MUCHAMAD",
        "MUCHAMMAD",
        "MUCHAMMAD",
        "MOCHAMAD",
        "MOCHAMMAD",
        "MUHAMMAD",
    ]
)

#: Spellings from before the 1972 reform (EYD) and the Soewandi spelling: OE -> U,
#: DJ -> J, TJ -> C (SOEKARNO, DJOKO, TJAHJONO). Applied in this order.
OLD_SPELLINGS = (("OE", "U"), ("DJ", "J"), ("TJ", "C"))

#: Two tokens of at least this length differing by one edit are read as a typo.
TYPO_MIN_LENGTH = 5
#: A cut-off token counts as a prefix of the full one from this many letters.
PREFIX_MIN_LENGTH = 3


class NameMatch(StrEnum):
    MATCH = "match"
    CLOSE_MATCH = "close_match"
    NO_MATCH = "no_match"
    NOT_POSSIBLE = "not_possible"


@dataclass(frozen=True, slots=True)
class NameComparison:
    result: NameMatch
    registered: tuple[str, ...]
    holder: tuple[str, ...]
    #: Why, for an officer: which tokens were read as initials, typos or missing.
    notes: tuple[str, ...] = ()


def _modern_spelling(token: str) -> str:
    for old, new in OLD_SPELLINGS:
        token = token.replace(old, new)
    return token


def normalise_name(name: str) -> tuple[str, ...]:
    """The name's tokens, upper case, without titles and degrees, MUHAMMAD in full, in
    today's spelling. "Hj. Siti Aminah, S.Pd." -> ("SITI", "AMINAH")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    # Degrees follow a comma in Indonesian usage: "BUDI SANTOSO, S.PD., M.M."; whatever
    # known degree after the first comma is dropped.
    head, _comma, tail = text.partition(",")
    raws = [(raw, False) for raw in re.split(r"[\s/]+", head) if raw]
    raws += [(raw, True) for raw in re.split(r"[\s/,]+", tail) if raw]
    kept: list[tuple[str, bool]] = []
    for raw, after_comma in raws:
        token = re.sub(r"[^A-Z]", "", raw)  # dots, apostrophes, hyphens, digits
        if not token or token in HONORIFICS:
            continue
        if token in DEGREES and (after_comma or "." in raw):
            continue
        kept.append((token, token in DEGREES))
    while kept and kept[-1][1] and len(kept) > 1:  # trailing degrees without dots
        kept.pop()
    tokens: list[str] = []
    for token, _degree in kept:
        if token in MUHAMMAD_FORMS:
            token = "MUHAMMAD"  # noqa: S105 - a name, not a secret
        tokens.append(_modern_spelling(token))
    return tuple(tokens)


def _pair(a: str, b: str) -> str | None:
    """How two tokens correspond: "same", "initial", "prefix", "typo", or None."""
    if a == b:
        return "same"
    if len(a) == 1 or len(b) == 1:
        return "initial" if a[0] == b[0] else None
    short, long_ = sorted((a, b), key=len)
    if len(short) >= PREFIX_MIN_LENGTH and long_.startswith(short):
        return "prefix"
    if min(len(a), len(b)) >= TYPO_MIN_LENGTH and Levenshtein.distance(a, b) <= 1:
        return "typo"
    return None


def compare_names(*, registered: str, holder: str | None) -> NameComparison:
    """Compare the registered name with the account holder's name (see the module)."""
    ours = normalise_name(registered)
    theirs = normalise_name(holder or "")
    if not ours or not theirs:
        return NameComparison(NameMatch.NOT_POSSIBLE, ours, theirs)
    if sorted(ours) == sorted(theirs):
        return NameComparison(NameMatch.MATCH, ours, theirs)
    remaining = list(theirs)
    notes: list[str] = []
    unmatched_ours: list[str] = []
    # Exact tokens first, then the looser correspondences, so that "M" cannot take a
    # token that an exact one needs.
    pending = []
    for token in ours:
        if token in remaining:
            remaining.remove(token)
        else:
            pending.append(token)
    for token in pending:
        found = None
        for kind in ("initial", "prefix", "typo"):
            found = next((other for other in remaining if _pair(token, other) == kind), None)
            if found is not None:
                notes.append(f"{token}~{found}:{kind}")
                remaining.remove(found)
                break
        if found is None:
            unmatched_ours.append(token)
    if unmatched_ours and remaining:
        return NameComparison(NameMatch.NO_MATCH, ours, theirs, tuple(notes))
    missing = unmatched_ours or remaining
    if len(missing) > 1 or (missing and min(len(ours), len(theirs)) < 2):
        # More than one token missing, or a single-token name against another: too
        # little in common to let a person confirm it.
        return NameComparison(NameMatch.NO_MATCH, ours, theirs, tuple(notes))
    notes.extend(f"{token}:missing" for token in missing)
    return NameComparison(NameMatch.CLOSE_MATCH, ours, theirs, tuple(notes))
