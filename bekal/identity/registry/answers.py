"""What a population registry (Dukcapil) says about a NIK, and the interface that asks it.

Every implementation answers one question: does the registry know this NIK, with this
name and this date of birth? The answer is one of four outcomes; only UNAVAILABLE says
nothing about the citizen, and a caller must ask again later. A MATCH also says the
holder's citizenship (a NIK is issued to foreign permanent residents too).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

#: The fields a registry can report as different from what the citizen typed.
FULL_NAME = "full_name"
BIRTH_DATE = "birth_date"


class Citizenship(enum.StrEnum):
    """What the registry says of a NIK's holder: a NIK is issued to Indonesian citizens
    (WNI) and also to foreign permanent residents (WNA with a KITAP)."""

    WNI = "WNI"
    FOREIGN_RESIDENT = "WNA"


class Outcome(enum.StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class RegistryAnswer:
    outcome: Outcome
    #: For MISMATCH: the fields that differ ("full_name", "birth_date"); empty otherwise.
    mismatched_fields: tuple[str, ...] = ()
    #: For UNAVAILABLE: why, for the logs (never shown to the citizen).
    detail: str = ""
    #: For MATCH: the holder's citizenship as the registry holds it; None otherwise.
    citizenship: Citizenship | None = None

    @classmethod
    def match(cls, citizenship: Citizenship = Citizenship.WNI) -> RegistryAnswer:
        return cls(Outcome.MATCH, citizenship=Citizenship(citizenship))

    @classmethod
    def mismatch(cls, *fields: str) -> RegistryAnswer:
        return cls(Outcome.MISMATCH, mismatched_fields=tuple(fields))

    @classmethod
    def not_found(cls) -> RegistryAnswer:
        return cls(Outcome.NOT_FOUND)

    @classmethod
    def unavailable(cls, detail: str) -> RegistryAnswer:
        return cls(Outcome.UNAVAILABLE, detail=detail)


@runtime_checkable
class PopulationRegistry(Protocol):
    """The population registry as Bekal sees it: one question, four answers.

    Implementations never raise for a registry that is down, slow or answering nonsense:
    they answer UNAVAILABLE, and the caller tries again later.
    """

    def verify(self, *, nik: str, full_name: str, birth_date: dt.date) -> RegistryAnswer: ...


def same_name(typed: str, registered: str) -> bool:
    """Names are compared without regard to case and spacing, exactly otherwise."""
    return normalize_name(typed) == normalize_name(registered)


def normalize_name(name: str) -> str:
    return " ".join(name.split()).casefold()
