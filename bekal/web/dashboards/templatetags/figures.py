"""Numbers as Indonesians write them (1.234.567 and 73,85%) on the dashboards."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def angka(value: int | float | None) -> str:
    if value is None:
        return "-"
    return number_format(value, force_grouping=True)


@register.filter
def persen(value: float | None) -> str:
    if value is None:
        return "-"
    return number_format(value, decimal_pos=2, force_grouping=True) + "%"
