"""Dashboards at /kantor/dasbor/: figures of the viewer's area, read from the rollups.

Every view asks bekal.reporting.scope for its area (the viewer's scope, default deny);
refusals become pages in one place (bekal.web.refusals).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from bekal.core.errors import DomainError
from bekal.reporting import accepted as accepted_lists
from bekal.reporting import exports, selectors
from bekal.reporting.care_figures import CareFigures, get_care_figures
from bekal.reporting.errors import OutsideScopeError
from bekal.reporting.scope import Area, Level, get_area
from bekal.reporting.stages import WaveFigure
from bekal.web.client import client_ip
from bekal.web.dashboards import charts
from bekal.web.refusals import render_refusal

#: Pages refresh themselves this often (seconds): the figures are live.
REFRESH_SECONDS = 60


def figures_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in staff only; a refusal of the scope is a page with its status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render_refusal(request, "dashboards/refused.html", {"error": str(error)}, error)

    return wrapper


def _area(request: HttpRequest) -> Area:
    return get_area(
        viewer=request.user,  # type: ignore[arg-type]
        province_code=request.GET.get("provinsi", "")[:2],
        regency_code=request.GET.get("wilayah", "")[:5],
    )


def _area_query(area: Area) -> str:
    if area.level == Level.REGENCY:
        return urlencode({"wilayah": area.regency_code})
    if area.level == Level.PROVINCE:
        return urlencode({"provinsi": area.province_code})
    return ""


def _common(area: Area) -> dict[str, Any]:
    return {
        "area": area,
        "area_query": _area_query(area),
        "as_of": timezone.localtime(timezone.now(), selectors.JAKARTA),
        "refresh_seconds": REFRESH_SECONDS,
        "is_national": area.level == Level.NATIONAL,
        "is_regency": area.level == Level.REGENCY,
    }


@figures_page
def overview(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    funnel = selectors.get_funnel(area=area)
    hours = selectors.get_signups_by_hour(area=area)
    days = selectors.get_signups_by_day(area=area)
    regions = selectors.list_region_rows(area=area)
    context = {
        **_common(area),
        "funnel": funnel,
        "funnel_chart": charts.bar_chart(
            [
                (
                    step.label,
                    step.count if step.counted else None,
                    "" if step.counted else _("not available yet"),
                )
                for step in funnel
            ],
            chart_id="funnel",
            title=_("Registration funnel"),
        ),
        "hours": hours,
        "hours_chart": charts.column_chart(
            [(f"{p.at:%d/%m %H:00}", p.count) for p in hours],
            chart_id="hours",
            title=_("Accounts created per hour (last 48 hours)"),
        ),
        "days": days,
        "days_chart": charts.column_chart(
            [(f"{p.at:%d/%m}", p.count) for p in days],
            chart_id="days",
            title=_("Accounts created per day (last 30 days)"),
        ),
        "regions": regions,
        "regions_chart": charts.bar_chart(
            [(row.name, row.counts.get("account", 0), "") for row in regions],
            chart_id="regions",
            title=_("Accounts by region"),
        ),
        "waves": selectors.list_wave_rows(area=area),
        "region_param": "provinsi" if area.level == Level.NATIONAL else "wilayah",
        **_care(area),
    }
    return render(request, "dashboards/overview.html", context)


def _care(area: Area) -> dict[str, Any]:
    care: CareFigures = get_care_figures(area=area)
    items: list[tuple[Any, int | None, str]]
    if care.rows:
        items = [(row.name, row.open, "") for row in care.rows]
        title = _("Open tickets by region")
    else:
        items = [
            (_("Open tickets"), care.area.open, ""),
            (_("Past a deadline"), care.area.breached, ""),
        ]
        title = _("Help desk tickets")
    return {"care": care, "care_chart": charts.bar_chart(items, chart_id="care", title=title)}


@figures_page
def wave(request: HttpRequest, number: int) -> HttpResponse:
    area = _area(request)
    found = selectors.get_wave(number=number)
    row = selectors.get_wave_row(area=area, wave=found)
    regions = selectors.list_wave_regions(area=area, wave=found)
    context = {
        **_common(area),
        "wave": found,
        "row": row,
        "wave_url": reverse("dashboards:wave", args=[found.number]),
        # The accepted list's URL without its regency, completed per row.
        "accepted_base": reverse("dashboards:accepted", args=[found.number, "00.00"])[:-6],
        "regions": [
            (code, name, {key: counts.get(key, 0) for key in WaveFigure.values})
            for code, name, counts in regions
        ],
        "chart": charts.bar_chart(
            [
                (_("Applicants"), row.applied, ""),
                (_("Eligible"), row.eligible, ""),
                (_("Selected"), row.selected, ""),
                (_("Not selected (carried over)"), row.not_selected, ""),
                (_("Card accepted"), row.card_accepted, ""),
            ],
            chart_id="wave",
            title=_("Applicants, eligible, selected"),
        ),
        "reasons_chart": charts.bar_chart(
            [(label, count, "") for label, count in row.reasons],
            chart_id="reasons",
            title=_("Refusal reasons"),
        ),
    }
    return render(request, "dashboards/wave.html", context)


@sensitive_post_parameters("q")
@figures_page
def accepted(request: HttpRequest, number: int, regency: str) -> HttpResponse:
    viewer = request.user
    here = reverse("dashboards:accepted", args=[number, regency])
    if request.method == "POST":
        # A search is held server-side, encrypted: a NIK never travels in a URL.
        query = request.POST.get("q", "").strip()
        if not query:
            return redirect(here)
        token = accepted_lists.hold_search(viewer=viewer, regency_code=regency, text=query)  # type: ignore[arg-type]
        return redirect(here + "?" + urlencode({"cari": token}))
    search_id = request.GET.get("cari", "")
    text = (
        accepted_lists.get_held_search(viewer=viewer, token=search_id)  # type: ignore[arg-type]
        if search_id
        else ""
    )
    found = accepted_lists.list_accepted(
        viewer=viewer,  # type: ignore[arg-type]
        wave_number=number,
        regency_code=regency,
        text=text,
        page=request.GET.get("page"),
        ip=client_ip(request),
    )
    return render(
        request,
        "dashboards/accepted.html",
        {
            **_common(found.area),
            "found": found,
            "search_id": search_id if text else "",
        },
    )


def _send(export: exports.Export, fmt: str) -> HttpResponseBase:
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(export), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export.filename}.csv"'
        return response
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        exports.write_xlsx(export, path)
        stream = path.open("rb")
    finally:
        path.unlink()  # the open file stays readable until the response closes it
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"{export.filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@figures_page
def export_figures(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in exports.FORMATS:
        raise OutsideScopeError()
    export = exports.export_figures(
        viewer=request.user,  # type: ignore[arg-type]
        province_code=request.GET.get("provinsi", "")[:2],
        regency_code=request.GET.get("wilayah", "")[:5],
        fmt=fmt,
        ip=client_ip(request),
    )
    return _send(export, fmt)


@figures_page
def export_accepted(request: HttpRequest, number: int, regency: str, fmt: str) -> HttpResponseBase:
    if fmt not in exports.FORMATS:
        raise OutsideScopeError()
    export = exports.export_accepted(
        viewer=request.user,  # type: ignore[arg-type]
        wave_number=number,
        regency_code=regency,
        fmt=fmt,
        ip=client_ip(request),
    )
    return _send(export, fmt)
