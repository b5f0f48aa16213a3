"""Numbers as the reader's language writes them (1.234.567 and 73,85% in Indonesian),
without Django's number_format per cell (a page shows a few thousand)."""

from __future__ import annotations

from django.utils.formats import get_format
from django.utils.translation import gettext as _


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


def format_duration(seconds: float | None) -> str:
    """A working time to the minute: "2 jam 5 menit", "45 menit"; "-" when there is none."""
    if seconds is None:
        return "-"
    hours, minutes = divmod(round(seconds / 60), 60)
    if hours:
        return _("%(hours)s h %(minutes)s min") % {
            "hours": format_number(hours),
            "minutes": minutes,
        }
    return _("%(minutes)s min") % {"minutes": minutes}
