"""Types shared by the partner API's request and response schemas.

Inputs are bounded here so that nothing a client sends can reach PostgreSQL in a form it
rejects (a NUL character, a number past a column's range, a date past year 9999):
such input is a 422 `invalid_request`, never a server error. Business rules (price caps,
session times, evidence) stay in bekal.marketplace.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import (
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from bekal.api.partners.v1.errors import DateOutOfRangeError

#: A platform's own identifier of a provider, course or session: characters no client
#: percent-encodes, so the signed path is the path as sent.
EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
#: A voucher code as printed (XXXX-XXXX-XXXX) or typed without dashes.
VOUCHER_CODE_PATTERN = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$"
REGENCY_CODE_PATTERN = r"^[0-9]{2}\.[0-9]{2}$"
CERTIFICATE_NUMBER_PATTERN = r"^[A-Za-z0-9/._-]{1,64}$"


#: Text without control characters (tab and newlines allowed).
PLAIN_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
#: The characters of such text, and those of them that are white space to Python's
#: str.strip() (Bekal trims names, notes and reasons before it keeps them).
_TEXT = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_SPACE = r"[\t\n\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_VISIBLE = r"[^\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
#: Such text with at least one character that is not white space.
NON_BLANK_TEXT_PATTERN = rf"^{_TEXT}*{_VISIBLE}{_TEXT}*$"
#: A course title: 5 characters or more once the white space around it is trimmed.
TITLE_PATTERN = rf"^{_SPACE}*{_VISIBLE}{_TEXT}{{3,}}{_VISIBLE}{_SPACE}*$"
#: A moment as RFC 3339 writes it (what JSON Schema's date-time format means).
RFC3339_PATTERN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _a_moment_in_text(value: object) -> object:
    """JSON Schema's date-time is a string in RFC 3339: not a number of seconds, and not
    the other forms pydantic would read."""
    if not isinstance(value, str) or not RFC3339_PATTERN.fullmatch(value):
        raise ValueError(
            _("a date and time in ISO 8601 is expected, e.g. 2026-03-01T09:00:00+07:00")
        )
    return value


def _a_whole_number(value: object) -> object:
    """A JSON number without a fraction (87 or 87.0, as JSON Schema's integer), not a
    text ("87") or a boolean."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("a whole number is expected"))
    return value


def check_moment(value: dt.datetime, *, field: str) -> dt.datetime:
    """A moment a client sent, refused (date_out_of_range) outside the years 2000 to
    2100, which PostgreSQL and the time zones always hold."""
    if not 2000 <= value.year <= 2100:
        raise DateOutOfRangeError(field=field)
    return value


def _local_iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


ExternalId = Annotated[str, StringConstraints(pattern=EXTERNAL_ID_PATTERN)]
RegencyCode = Annotated[str, StringConstraints(pattern=REGENCY_CODE_PATTERN)]
CertificateNumber = Annotated[str, StringConstraints(pattern=CERTIFICATE_NUMBER_PATTERN)]
#: Text of a record (lone surrogates, which PostgreSQL cannot store, are refused by
#: pydantic itself). A name or a note: not blank.
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=NON_BLANK_TEXT_PATTERN)
]
Title = Annotated[str, StringConstraints(min_length=5, max_length=200, pattern=TITLE_PATTERN)]
Description = Annotated[
    str, StringConstraints(min_length=1, max_length=5000, pattern=NON_BLANK_TEXT_PATTERN)
]
#: Why something was done, for the people it affects (1 to 300 characters, not blank).
Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=300, pattern=NON_BLANK_TEXT_PATTERN)
]
#: A moment sent by the client: ISO 8601 (RFC 3339) with a time-zone offset. Its year
#: is checked by the endpoint (check_moment): the document cannot say it.
MomentIn = Annotated[AwareDatetime, BeforeValidator(_a_moment_in_text)]
#: A moment sent to the client: ISO 8601 in Asia/Jakarta time, with its offset (+07:00).
Moment = Annotated[
    dt.datetime,
    PlainSerializer(_local_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

#: Put after the bounds of a whole number in a request body (JSON Schema's integer):
#: `Annotated[int, Field(ge=1), WHOLE_NUMBER]` (before them, the document loses them).
WHOLE_NUMBER = BeforeValidator(_a_whole_number)
Rupiah = Annotated[int, Field(ge=1, le=1_000_000_000_000), WHOLE_NUMBER]
#: The states of Course.Status and Purchase.Status (a test keeps them equal).
CourseStatus = Literal["submitted", "approved", "rejected", "withdrawn"]
VoucherStatus = Literal["paid", "redeemed", "completed", "refunded"]

T = TypeVar("T", bound=Model)


class BodyIn(Schema):
    """A request body: a property the document does not name is refused
    (additionalProperties: false), so a misspelt optional field is not silently lost."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=100, description="Items per page, 1 to 100.")
    offset: int = Field(
        0, ge=0, le=10_000_000, description="How many items to skip (next_offset of a page)."
    )


class PageMeta(Schema):
    limit: int
    offset: int
    #: The offset of the next page; null on the last page.
    next_offset: int | None = Field(description="The offset of the next page; null on the last.")


def page_of(items: QuerySet[T], page: PageQuery) -> tuple[list[T], PageMeta]:
    """One page of `items` (ordered by the selector) and where the next begins."""
    rows = list(items[page.offset : page.offset + page.limit + 1])
    more = len(rows) > page.limit
    meta = PageMeta(
        limit=page.limit,
        offset=page.offset,
        next_offset=page.offset + page.limit if more else None,
    )
    return rows[: page.limit], meta


class ErrorDetail(Schema):
    code: str = Field(description="Stable machine code, e.g. voucher_not_found.")
    message: str = Field(description="For people: Indonesian, or English with Accept-Language.")
    field: str | None = Field(description="The field or header at fault, when there is one.")


class ErrorOut(Schema):
    error: ErrorDetail
