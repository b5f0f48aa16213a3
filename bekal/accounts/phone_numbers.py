"""Indonesian mobile numbers: read any common spelling, store E.164, show masked.

    parse_mobile_number("0812-3456-7890")  -> "+6281234567890"
    mask_phone_number("+6281234567890")    -> "0812****7890"

Parsing is lokal-id's `parse_phone`; a number must be a mobile number of a known
operator (a landline or an unknown prefix such as the toll-free 0800 cannot take a code).
"""

from __future__ import annotations

from lokal import parse_phone

from bekal.accounts.errors import (
    PhoneInvalidError,
    PhoneNotMobileError,
    PhoneUnknownOperatorError,
)


def parse_mobile_number(raw: str) -> str:
    """The number in E.164 (+628...), or a refusal saying what is wrong with it."""
    info = parse_phone(raw or "")
    if info.type == "landline":
        raise PhoneNotMobileError(field="phone")
    if not info.valid or info.e164 is None:
        raise PhoneInvalidError(field="phone")
    if info.type != "mobile":
        raise PhoneNotMobileError(field="phone")
    if info.operator is None:
        raise PhoneUnknownOperatorError(field="phone", prefix=national_digits(info.e164)[:4])
    return info.e164


def national_digits(e164: str) -> str:
    """+6281234567890 -> 081234567890."""
    if not e164.startswith("+62"):
        raise ValueError(f"not an Indonesian E.164 number: {e164!r}")
    return "0" + e164[3:]


def mask_phone_number(e164: str) -> str:
    """Only the first four and the last four digits show: 0812****7890."""
    digits = national_digits(e164)
    return digits[:4] + "*" * max(0, len(digits) - 8) + digits[-4:]
