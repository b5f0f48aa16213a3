"""Numbers as the reader's language writes them (1.234.567 and 73,85% in Indonesian),
without Django's number_format per cell (a page shows a few thousand)."""

from __future__ import annotations

from django.utils.formats import get_format


def separators() -> tuple[str, str]:
    return str(get_format("THOUSAND_SEPARATOR")), str(get_format("DECIMAL_SEPARATOR"))


def format_number(value: int | float | None, decimals: int = 0) -> str:
    if value is None:
        return "-"
    thousands, decimal = separators()
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def format_percent(value: float | None) -> str:
    return "-" if value is None else format_number(value, 2) + "%"
