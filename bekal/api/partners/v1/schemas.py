"""Types shared by the partner API's request and response schemas.

Inputs are bounded here so that nothing a client sends can reach PostgreSQL in a form it
rejects (a NUL character, a number past a column's range, a date past year 9999):
such input is a 422 `invalid_request`, never a server error. Business rules (price caps,
session times, evidence) stay in bekal.marketplace.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

#: A platform's own identifier of a provider, course or session: characters no client
#: percent-encodes, so the signed path is the path as sent.
EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
#: A voucher code as printed (XXXX-XXXX-XXXX) or typed without dashes.
VOUCHER_CODE_PATTERN = r"^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$"
REGENCY_CODE_PATTERN = r"^[0-9]{2}\.[0-9]{2}$"
CERTIFICATE_NUMBER_PATTERN = r"^[A-Za-z0-9/._-]{1,64}$"


#: Text without control characters (tab and newlines allowed).
PLAIN_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _within_years(value: dt.datetime) -> dt.datetime:
    if not 2000 <= value.year <= 2100:
        raise ValueError(_("the date is not between the years 2000 and 2100"))
    return value


def _local_iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


ExternalId = Annotated[str, StringConstraints(pattern=EXTERNAL_ID_PATTERN)]
RegencyCode = Annotated[str, StringConstraints(pattern=REGENCY_CODE_PATTERN)]
CertificateNumber = Annotated[str, StringConstraints(pattern=CERTIFICATE_NUMBER_PATTERN)]
#: Text of a record (lone surrogates, which PostgreSQL cannot store, are refused by
#: pydantic itself).
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=PLAIN_TEXT_PATTERN)]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=PLAIN_TEXT_PATTERN)]
#: Why something was done, for the people it affects.
Reason = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=PLAIN_TEXT_PATTERN)]
#: A moment sent by the client: ISO 8601 with a time-zone offset.
MomentIn = Annotated[AwareDatetime, AfterValidator(_within_years)]
#: A moment sent to the client: ISO 8601 in Asia/Jakarta time, with its offset (+07:00).
Moment = Annotated[
    dt.datetime,
    PlainSerializer(_local_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Rupiah = Annotated[int, Field(ge=1, le=1_000_000_000_000)]
#: The states of Course.Status and Purchase.Status (a test keeps them equal).
CourseStatus = Literal["submitted", "approved", "rejected", "withdrawn"]
VoucherStatus = Literal["paid", "redeemed", "completed", "refunded"]

T = TypeVar("T", bound=Model)


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
