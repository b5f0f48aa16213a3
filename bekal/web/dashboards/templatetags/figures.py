"""Numbers as Indonesians write them (1.234.567 and 73,85%) on the dashboards."""

from __future__ import annotations

from django import template

from bekal.web.dashboards.numbers import format_duration, format_number, format_percent

register = template.Library()


@register.filter
def angka(value: int | float | None) -> str:
    return format_number(value)


@register.filter
def persen(value: float | None) -> str:
    return format_percent(value)


@register.filter
def durasi(value: float | None) -> str:
    return format_duration(value)
