"""Importing an exclusion list: a CSV of NIKs becomes blind-indexed entries, set-based.

The job (bekal.programmes.tasks.import_exclusion_list) calls `run_import`, which:
1. marks the list "importing" (committed, so a page shows it);
2. decrypts the uploaded file and reads it row by row: each NIK is checked as
   bekal.identity.nik.parse_nik checks it (same refusal codes, districts from memory
   instead of one query a row), then only its blind index and masked form go on;
3. every PROGRESS_EVERY rows, COPYs the accepted and refused rows into temporary tables
   and commits the progress count in its own short transaction;
4. in one transaction: refuses the file's duplicate NIKs, replaces the list's entries
   (INSERT ... SELECT DISTINCT ON), replaces the refusal report, records the counts, and
   deletes the uploaded file. Until that commit, matching uses the previous import.

A clear NIK never reaches the database: not the entries, the temporary tables, the
report (masked: 3201********0001) nor the job's arguments. Re-running replaces the
list's entries and report: the same file gives the same result.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.core import crypto, fact_keepers
from bekal.core.audit import record_event
from bekal.identity.nik import (
    NikBirthDateFutureError,
    NikBirthDateInvalidError,
    NikCharactersError,
    NikFormatError,
    NikRegionUnknownError,
    NikSerialZeroError,
    mask_nik,
)
from bekal.programmes.errors import ExclusionFileError, ExclusionFileHeaderError
from bekal.programmes.models import NIK_INDEX_PURPOSE, ExclusionList, ExclusionUpload
from bekal.regions.models import District

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 20_000
#: Reason codes of the import itself (a NIK's own refusals use bekal.identity.nik's codes).
DUPLICATE_IN_FILE = "duplicate_in_file"
DATE_INVALID = "date_invalid"
DATE_RANGE = "date_range"
ROW_SHORT = "row_short"

_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS16 = re.compile(r"[0-9]{16}")
_FEMALE_DAY_OFFSET = 40
_ROWS = "programmes_import_rows"
_REFUSED = "programmes_import_refusals"


@dataclass(frozen=True, slots=True)
class Columns:
    nik: int
    valid_from: int | None
    valid_to: int | None
    delimiter: str


def read_header(text: str) -> Columns:
    """The positions of the columns; ExclusionFileHeaderError without a `nik` column."""
    first = text.split("\n", 1)[0].strip("\r")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    names = [name.strip().lower() for name in next(csv.reader([first], delimiter=delimiter), [])]
    if "nik" not in names:
        raise ExclusionFileHeaderError(field="file")

    def position(name: str) -> int | None:
        return names.index(name) if name in names else None

    return Columns(names.index("nik"), position("valid_from"), position("valid_to"), delimiter)


def decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExclusionFileError(
            field="file", reason=_("it is not a text (CSV) file in UTF-8")
        ) from None


def known_districts() -> frozenset[str]:
    """The six digits of every district code ("177101"), as a NIK starts."""
    codes = District.objects.values_list("code", flat=True)
    return frozenset(code.replace(".", "") for code in codes)


def nik_refusal(value: str, *, districts: frozenset[str], today: dt.date) -> str | None:
    """The code parse_nik would refuse `value` with, or None: the same checks in the same
    order, without a query a row (tests/programmes check that the two always agree)."""
    nik = _SEPARATORS.sub("", value)
    if not _DIGITS16.fullmatch(nik):
        if any(not ("0" <= c <= "9") for c in nik):
            return NikCharactersError.code
        return NikFormatError.code
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > _FEMALE_DAY_OFFSET:
        day -= _FEMALE_DAY_OFFSET
    century = today.year - today.year % 100
    year = century + yy if yy <= today.year % 100 else century - 100 + yy
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return NikBirthDateInvalidError.code
    if born > today:
        return NikBirthDateFutureError.code
    if nik[12:] == "0000":
        return NikSerialZeroError.code
    if nik[:6] not in districts:
        return NikRegionUnknownError.code
    return None


def _date(row: list[str], position: int | None) -> dt.date | None:
    if position is None or position >= len(row) or not row[position].strip():
        return None
    return dt.date.fromisoformat(row[position].strip())


Accepted = tuple[int, str, str, dt.date | None, dt.date | None]
Refused = tuple[int, str, str]


def read_rows(text: str, columns: Columns) -> Iterator[tuple[Accepted | None, Refused | None]]:
    """(accepted, None) or (None, refused) for each data row; blank lines are skipped."""
    districts = known_districts()
    today = timezone.localdate()
    reader = csv.reader(io.StringIO(text), delimiter=columns.delimiter)
    next(reader, None)
    for row in reader:
        line = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        if columns.nik >= len(row):
            yield None, (line, ROW_SHORT, "")
            continue
        raw = row[columns.nik].strip()
        masked = mask_nik(raw)[:40]
        reason = nik_refusal(raw, districts=districts, today=today)
        if reason:
            yield None, (line, reason, masked)
            continue
        try:
            valid_from, valid_to = _date(row, columns.valid_from), _date(row, columns.valid_to)
        except ValueError:
            yield None, (line, DATE_INVALID, masked)
            continue
        if valid_from and valid_to and valid_to < valid_from:
            yield None, (line, DATE_RANGE, masked)
            continue
        nik = _SEPARATORS.sub("", raw)
        index = crypto.blind_index(nik, purpose=NIK_INDEX_PURPOSE)
        yield (line, index, masked, valid_from, valid_to), None


def _start(exclusion_list_id: int) -> ExclusionList | None:
    with transaction.atomic():
        found = ExclusionList.objects.select_for_update().filter(pk=exclusion_list_id).first()
        if found is None or not ExclusionUpload.objects.filter(exclusion_list=found).exists():
            return None  # deleted, or imported already (a job delivered twice)
        found.status = ExclusionList.Status.IMPORTING
        found.rows_processed = 0
        found.import_runs += 1
        found.failure = ""
        found.save(update_fields=["status", "rows_processed", "import_runs", "failure"])
        return found


def _copy(accepted: list[Accepted], refused: list[Refused]) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if accepted:
            sql = f"COPY {_ROWS} (line_number, nik_index, nik_masked, valid_from, valid_to)"
            with raw.copy(sql + " FROM STDIN") as copy:
                for accepted_row in accepted:
                    copy.write_row(accepted_row)
        if refused:
            with raw.copy(f"COPY {_REFUSED} (line_number, reason, nik_masked) FROM STDIN") as copy:
                for refused_row in refused:
                    copy.write_row(refused_row)


def _stage(text: str, columns: Columns, exclusion_list: ExclusionList) -> int:
    """COPY the rows into the temporary tables, committing progress; returns the rows read."""
    accepted: list[Accepted] = []
    refused: list[Refused] = []
    processed = 0
    for good, bad in read_rows(text, columns):
        if good:
            accepted.append(good)
        elif bad:
            refused.append(bad)
        processed += 1
        if processed % PROGRESS_EVERY == 0:
            _copy(accepted, refused)
            accepted.clear()
            refused.clear()
            ExclusionList.objects.filter(pk=exclusion_list.pk).update(rows_processed=processed)
    _copy(accepted, refused)
    return processed


_FINISH = [
    # The file's second and later occurrences of a NIK are refused, the first is kept.
    f"""INSERT INTO {_REFUSED} (line_number, reason, nik_masked)
        SELECT line_number, '{DUPLICATE_IN_FILE}', nik_masked FROM (
            SELECT line_number, nik_masked,
                   row_number() OVER (PARTITION BY nik_index ORDER BY line_number) AS nth
            FROM {_ROWS}) numbered
        WHERE nth > 1""",  # noqa: S608 (constant table names)
    "DELETE FROM programmes_exclusionentry WHERE exclusion_list_id = %(list)s",
    f"""INSERT INTO programmes_exclusionentry (exclusion_list_id, nik_index, valid_from, valid_to)
        SELECT DISTINCT ON (nik_index) %(list)s, nik_index, valid_from, valid_to
        FROM {_ROWS} ORDER BY nik_index, line_number""",  # noqa: S608
    "DELETE FROM programmes_exclusionrefusal WHERE exclusion_list_id = %(list)s",
    f"""INSERT INTO programmes_exclusionrefusal (exclusion_list_id, line_number, reason, nik_masked)
        SELECT %(list)s, line_number, reason, nik_masked FROM {_REFUSED}""",  # noqa: S608
]


def run_import(*, exclusion_list_id: int) -> ExclusionList | None:
    """Import the list's uploaded file; None if there is nothing to import."""
    exclusion_list = _start(exclusion_list_id)
    if exclusion_list is None:
        return None
    with connection.cursor() as cursor:
        for table, columns_sql in (
            (
                _ROWS,
                "line_number int, nik_index text, nik_masked text, valid_from date, valid_to date",
            ),
            (_REFUSED, "line_number int, reason text, nik_masked text"),
        ):
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({columns_sql})")
            cursor.execute(f"TRUNCATE {table}")
    try:
        upload = ExclusionUpload.objects.get(exclusion_list=exclusion_list)
        text = decode(crypto.decrypt_bytes(bytes(upload.content_encrypted)))
        del upload
        columns = read_header(text)
        total = _stage(text, columns, exclusion_list)
        del text
        with transaction.atomic():
            with connection.cursor() as cursor:
                for sql in _FINISH:
                    cursor.execute(sql, {"list": exclusion_list.pk})
                cursor.execute(
                    "SELECT count(*) FROM programmes_exclusionentry WHERE exclusion_list_id = %s",
                    [exclusion_list.pk],
                )
                (accepted,) = cursor.fetchone()
            ExclusionUpload.objects.filter(exclusion_list=exclusion_list).delete()
            exclusion_list.status = ExclusionList.Status.IMPORTED
            exclusion_list.rows_total = exclusion_list.rows_processed = total
            exclusion_list.rows_accepted = accepted
            exclusion_list.rows_refused = total - accepted
            exclusion_list.imported_at = timezone.now()
            exclusion_list.save()
            fact_keepers.exclusion_list_replaced(
                exclusion_list_id=exclusion_list.pk,
                kind=exclusion_list.kind,
            )
            record_event(
                action="programmes.exclusion_list_imported",
                target=exclusion_list,
                run=exclusion_list.import_runs,
                rows_total=total,
                rows_accepted=accepted,
                rows_refused=total - accepted,
            )
    except Exception as exc:
        logger.exception("import of exclusion list %s failed", exclusion_list.pk)
        ExclusionList.objects.filter(pk=exclusion_list.pk).update(
            status=ExclusionList.Status.FAILED, failure=str(exc)[:300]
        )
        raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_ROWS}, {_REFUSED}")
    return exclusion_list
