"""The dashboards' SVG charts, drawn here (a chart has up to a few hundred shapes, which
a template loop renders slowly) and shown beside their tables.

No script and no inline style: each shape's position is an SVG attribute, which the
Content-Security-Policy allows, and its colour comes from dashboards.css. Coordinates
are written with a dot whatever the language.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from bekal.web.dashboards.numbers import format_number

#: The width of every chart's viewBox: a phone's 360 px shows it at its own scale.
WIDTH = 360
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 8


def _svg(chart_id: str, title: Any, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title"'
        ' preserveAspectRatio="xMinYMin meet"><title id="{}-title">{}</title>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        title,
        body,
    )


def bar_chart(items: list[tuple[Any, int | None, str]], *, chart_id: str, title: Any) -> SafeString:
    """Horizontal bars, one row each: (label, value or None when not counted, note)."""
    top = max((value or 0 for _label, value, _note in items), default=0) or 1
    rows = []
    for n, (label, value, note) in enumerate(items):
        y = n * ROW_HEIGHT
        text = format_number(value) if value is not None else note
        width = (WIDTH - 2) * (value or 0) / top
        rows.append(
            (
                y + LABEL_HEIGHT - 3,
                f"{label}: {text}",
                y + LABEL_HEIGHT,
                f"{width:.1f}",
                BAR_HEIGHT,
                " muted" if value is None else "",
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="chart-label">{}</text>'
        '<rect x="0" y="{}" width="{}" height="{}" class="bar{}"></rect>',
        rows,
    )
    return _svg(chart_id, title, max(len(items), 1) * ROW_HEIGHT, body)


PLOT_TOP, PLOT_BOTTOM, HEIGHT = 16, 120, 140


def column_chart(points: list[tuple[str, int]], *, chart_id: str, title: Any) -> SafeString:
    """Vertical columns over time: (label, value), oldest first."""
    top = max((value for _label, value in points), default=0)
    span = PLOT_BOTTOM - PLOT_TOP
    step = WIDTH / max(len(points), 1)
    columns = []
    for n, (label, value) in enumerate(points):
        height = span * value / top if top else 0.0
        columns.append(
            (
                f"{n * step + step * 0.1:.1f}",
                f"{PLOT_BOTTOM - height:.1f}",
                f"{step * 0.8:.1f}",
                f"{height:.1f}",
                f"{label}: {format_number(value)}",
            )
        )
    body = format_html(
        '<text x="0" y="11" class="chart-label">{}</text>'
        '<line x1="0" x2="{}" y1="{}" y2="{}" class="axis"></line>{}'
        '<text x="0" y="136" class="chart-label">{}</text>'
        '<text x="{}" y="136" class="chart-label end">{}</text>',
        format_number(top),
        WIDTH,
        PLOT_BOTTOM,
        PLOT_BOTTOM,
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}</title></rect>',
            columns,
        ),
        points[0][0] if points else "",
        WIDTH,
        points[-1][0] if points else "",
    )
    return _svg(chart_id, title, HEIGHT, body)
