"""How the training pages write money, lengths of time and voucher codes."""

from __future__ import annotations

from django import template
from django.utils.translation import ngettext

from bekal.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount: int | None) -> str:
    """Rp 1.500.000."""
    return "" if amount is None else format_rupiah(int(amount))


@register.filter
def duration(minutes: int | None) -> str:
    """4 jam, 1 jam 30 menit, 45 menit."""
    if not minutes:
        return ""
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    if rest:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", rest) % {"n": rest})
    return " ".join(parts)


@register.filter
def stars(rating: float | int | None) -> str:
    """A rating as five stars, filled to the nearest whole one: ★★★★☆."""
    if rating is None:
        return ""
    filled = max(0, min(5, round(float(rating))))
    return "★" * filled + "☆" * (5 - filled)
