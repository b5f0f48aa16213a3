"""The geometry of the dashboards' SVG charts, computed here and drawn by templates.

No script and no inline style: each shape's position is an SVG attribute, which the
Content-Security-Policy allows, and its colour comes from dashboards.css.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format

#: The width of every chart's viewBox: a phone's 360 px shows it at its own scale.
WIDTH = 360
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 8


def number(value: int | float) -> str:
    return number_format(value, force_grouping=True)


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y_label: int
    y_bar: int
    width: float
    muted: bool = False


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = WIDTH


def bar_chart(items: list[tuple[Any, int | None, str]]) -> BarChart:
    """Horizontal bars, one row each: (label, value or None when not counted, note)."""
    top = max((value or 0 for _label, value, _note in items), default=0) or 1
    bars = []
    for n, (label, value, note) in enumerate(items):
        y = n * ROW_HEIGHT
        text = number(value) if value is not None else note
        if value is not None and note:
            text = f"{text} ({note})"
        bars.append(
            Bar(
                label=str(label),
                value_text=text,
                y_label=y + LABEL_HEIGHT - 3,
                y_bar=y + LABEL_HEIGHT,
                width=round((WIDTH - 2) * (value or 0) / top, 1),
                muted=value is None,
            )
        )
    return BarChart(bars=bars, height=max(len(items) * ROW_HEIGHT, ROW_HEIGHT))


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class ColumnChart:
    columns: list[Column]
    first_label: str
    last_label: str
    top_label: str
    width: int = WIDTH
    height: int = 140
    plot_top: int = 16
    plot_bottom: int = 120


def column_chart(points: list[tuple[str, int]]) -> ColumnChart:
    """Vertical columns over time: (label, value) oldest first."""
    top = max((value for _label, value in points), default=0)
    plot_top, plot_bottom = 16, 120
    span = plot_bottom - plot_top
    step = WIDTH / max(len(points), 1)
    columns = []
    for n, (label, value) in enumerate(points):
        height = round(span * value / top, 1) if top else 0.0
        columns.append(
            Column(
                x=round(n * step + step * 0.1, 1),
                y=round(plot_bottom - height, 1),
                width=round(step * 0.8, 1),
                height=height,
                title=f"{label}: {number(value)}",
            )
        )
    return ColumnChart(
        columns=columns,
        first_label=points[0][0] if points else "",
        last_label=points[-1][0] if points else "",
        top_label=number(top),
    )
