"""The embedded population registry: synthetic citizens in a file, for the demo and tests.

The file (settings.BEKAL_REGISTRY_FILE) is a gzip CSV with a header row:
    nik,full_name,birth_date,sex,citizenship
    1771015508950001,SITI AMINAH,1995-08-15,F,WNI
(citizenship WNI, or WNA for a foreign permanent resident holding a NIK; a file written
before the column existed is read as all WNI). It is made by `manage.py
generate_registry --count N --seed S` (deterministic for a seed, over the official
districts) and grown by `add_citizens` (the demo data loader, tests).

A process reads the file once into memory, keyed by NIK, and reads it again only when the
file changes (its size, time or inode differ): a verification costs a dictionary lookup.
Without a file the registry answers UNAVAILABLE, so checks wait for it instead of
failing every citizen.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import gzip
import hashlib
import io
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from bekal.identity.registry.answers import (
    BIRTH_DATE,
    FULL_NAME,
    Citizenship,
    RegistryAnswer,
    same_name,
)

COLUMNS = ("nik", "full_name", "birth_date", "sex", "citizenship")
#: About one generated NIK in 200 belongs to a foreign permanent resident (chosen by a
#: hash of the NIK, so the rest of a seed's citizens stay exactly what they were).
FOREIGN_RESIDENT_PER_MILLE = 5
#: Generated citizens are born in this range: working-age adults for years to come, and
#: the same citizens for the same seed whatever the day the file is made.
BORN_FROM = dt.date(1962, 1, 1)
BORN_UNTIL = dt.date(2007, 12, 31)


@dataclass(frozen=True, slots=True)
class Citizen:
    nik: str
    full_name: str
    birth_date: dt.date
    #: "M" or "F"
    sex: str
    #: "WNI" (Indonesian citizen) or "WNA" (foreign permanent resident holding a NIK).
    citizenship: str = Citizenship.WNI


def generated_citizenship(nik: str) -> Citizenship:
    """The citizenship the generator gives a NIK: WNA for about 5 NIKs in 1,000."""
    roll = int.from_bytes(hashlib.sha256(f"citizenship:{nik}".encode()).digest()[:4], "big")
    if roll % 1000 < FOREIGN_RESIDENT_PER_MILLE:
        return Citizenship.FOREIGN_RESIDENT
    return Citizenship.WNI


def registry_file() -> Path:
    return Path(settings.BEKAL_REGISTRY_FILE)


# --- the file ----------------------------------------------------------------------------


def read_citizens(path: Path) -> dict[str, Citizen]:
    """Every citizen in the file, keyed by NIK; {} when there is no file."""
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        return {}
    with raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as text:
        reader = csv.DictReader(text)
        return {
            row["nik"]: Citizen(
                nik=row["nik"],
                full_name=row["full_name"],
                birth_date=dt.date.fromisoformat(row["birth_date"]),
                sex=row["sex"],
                citizenship=Citizenship(row.get("citizenship") or Citizenship.WNI),
            )
            for row in reader
        }


def write_citizens(citizens: Iterable[Citizen], *, path: Path) -> int:
    """Write the file anew, atomically (readers see the old file or the new one)."""
    rows = sorted(citizens, key=lambda citizen: citizen.nik)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # No file name and a zero time in the gzip header: the same citizens make the same bytes.
    with (
        temporary.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed,
    ):
        text = io.TextIOWrapper(packed, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(COLUMNS)
        for citizen in rows:
            writer.writerow(
                (
                    citizen.nik,
                    citizen.full_name,
                    citizen.birth_date.isoformat(),
                    citizen.sex,
                    str(citizen.citizenship),
                )
            )
        text.flush()
        text.detach()
    os.replace(temporary, path)
    return len(rows)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time (the demo loader and a generator may run together)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_name(path.name + ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def add_citizens(citizens: Iterable[Citizen], *, path: Path | None = None) -> int:
    """Add citizens to the registry file (a citizen with the same NIK is replaced).

    Returns the number of citizens in the file afterwards.
    """
    path = path or registry_file()
    with _locked(path):
        known = read_citizens(path)
        known.update((citizen.nik, citizen) for citizen in citizens)
        return write_citizens(known.values(), path=path)


def generate_citizens(
    *, count: int, seed: int, district_codes: Iterable[str] | None = None
) -> list[Citizen]:
    """`count` synthetic citizens with distinct valid NIKs, the same ones for the same seed."""
    from faker import Faker

    from bekal.identity.synthetic import IndonesianIdentityProvider, official_district_codes

    fake = Faker("id_ID")
    codes = tuple(district_codes) if district_codes else official_district_codes()
    fake.add_provider(IndonesianIdentityProvider(fake, district_codes=codes))
    fake.seed_instance(seed)
    span = (BORN_UNTIL - BORN_FROM).days
    citizens: dict[str, Citizen] = {}
    while len(citizens) < count:
        sex = "F" if fake.random.random() < 0.5 else "M"
        born = BORN_FROM + dt.timedelta(days=fake.random.randint(0, span))
        nik = fake.nik(birth_date=born, sex=sex)
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        name = f"{first} {fake.last_name()}".upper()
        citizens.setdefault(
            nik,
            Citizen(
                nik=nik,
                full_name=name,
                birth_date=born,
                sex=sex,
                citizenship=generated_citizenship(nik),
            ),
        )
    return list(citizens.values())


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Loaded:
    stamp: tuple[int, int, int]
    #: NIK -> (name as registered, birth date, citizenship)
    people: dict[str, tuple[str, dt.date, Citizenship]]


_cache: dict[Path, _Loaded] = {}
_cache_lock = threading.Lock()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def _people(path: Path) -> dict[str, tuple[str, dt.date, Citizenship]] | None:
    stamp = _stamp(path)
    if stamp is None:
        return None
    with _cache_lock:
        loaded = _cache.get(path)
        if loaded is None or loaded.stamp != stamp:
            people = {
                nik: (citizen.full_name, citizen.birth_date, Citizenship(citizen.citizenship))
                for nik, citizen in read_citizens(path).items()
            }
            loaded = _cache[path] = _Loaded(stamp=stamp, people=people)
        return loaded.people


class EmbeddedRegistry:
    """Answers from the synthetic citizens file; never slow, never down unless it is missing."""

    def __init__(self, *, path: Path | None = None) -> None:
        self.path = path or registry_file()

    def verify(self, *, nik: str, full_name: str, birth_date: dt.date) -> RegistryAnswer:
        people = _people(self.path)
        if people is None:
            return RegistryAnswer.unavailable(
                f"no registry file at {self.path}: run manage.py generate_registry"
            )
        person = people.get(nik)
        if person is None:
            return RegistryAnswer.not_found()
        registered_name, registered_birth_date, citizenship = person
        mismatched = []
        if not same_name(full_name, registered_name):
            mismatched.append(FULL_NAME)
        if birth_date != registered_birth_date:
            mismatched.append(BIRTH_DATE)
        if mismatched:
            return RegistryAnswer.mismatch(*mismatched)
        return RegistryAnswer.match(citizenship)
