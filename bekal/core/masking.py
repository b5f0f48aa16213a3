"""Masking personal numbers (NIK, KK, phone, bank account) wherever text leaves storage.

A NIK or KK number is 16 digits, a mobile number 10 to 14, a bank account 10 to 16; people
type them with spaces, dots or dashes ("1702 1847 1076 2841", "0812-3456-7890"). Any run
of at least 10 digits, whatever single separators stand between them, is masked before it
reaches the audit log, a log line or a page that echoes a query:

- 16 digits: "3201********0001", the first four (province and regency) and the last four,
  as every page shows a NIK;
- any other run: all but its last four digits hidden ("********7890").

Shorter runs (amounts, dates, ids) are left alone. `install_log_record_masking` makes
every log record of the process masked when it is created, so no handler, formatter or
test capture ever sees a clear number.
"""

from __future__ import annotations

import logging
import re
from typing import Any

#: At least 10 digits, each pair separated by at most one space, dot, dash or slash (and
#: an optional leading +, as in +62 812 ...).
_NUMBER_RUN = re.compile(r"\+?(?<![0-9])[0-9](?:[ .\-/]?[0-9]){9,}(?![0-9])")
_MIN_DIGITS = 10


def _mask_run(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", match.group(0))
    if len(digits) < _MIN_DIGITS:
        return match.group(0)
    if len(digits) == 16:
        return f"{digits[:4]}{'*' * 8}{digits[12:]}"
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_numbers(text: str) -> str:
    """`text` with every run of 10 or more digits (any separators) masked."""
    return _NUMBER_RUN.sub(_mask_run, text)


def mask_value(value: Any) -> Any:
    """A JSON-like value with every string in it masked (numbers and keys kept)."""
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(item) for item in value]
    return value


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Format the record's message (and traceback) now, masked, so no handler sees more."""
    if getattr(record, "_bekal_masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep what logging itself would show
        message = str(record.msg)
    record.msg = mask_numbers(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_numbers(record.exc_text)
    record._bekal_masked = True
    return record


class PersonalNumberFilter(logging.Filter):
    """A logging filter that masks personal numbers (for handlers configured in LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


_installed = False


def install_log_record_masking() -> None:
    """Mask every log record of the process as it is created (once per process)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(masked_record)
    _installed = True
