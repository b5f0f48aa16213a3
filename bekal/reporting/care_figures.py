"""The help desk's figures of an area for the dashboards: tickets open now, open tickets
past a deadline now, and the median working time to a first response, for the area and
for each province (national) or regency/city (province) in it.

Read through bekal.care's selector, not kept by the rollup triggers: "past a deadline"
changes when a clock passes a due time, which no write marks, and a median is not a sum
of counters. The ticket table is small beside the registrants' (one grouped query on
the open-queue index). The area comes from bekal.reporting.scope like every figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from bekal.care.selectors import RegionFigures, ticket_figures_by_region
from bekal.regions.models import Province, Regency
from bekal.reporting.scope import Area, Level

#: The median time to a first response is over the tickets opened in these last days.
CARE_PERIOD_DAYS = 30


@dataclass(frozen=True)
class CareRow:
    #: A province's or regency's code; None: tickets without a region (the programme
    #: office's own queue), shown in the national area only.
    code: str | None
    name: str
    open: int
    breached: int
    median_first_response_seconds: float | None


@dataclass(frozen=True)
class CareFigures:
    area: CareRow
    rows: list[CareRow]
    period_days: int = CARE_PERIOD_DAYS


def _row(code: str | None, name: str, found: RegionFigures | None) -> CareRow:
    if found is None:
        return CareRow(code, name, 0, 0, None)
    return CareRow(code, name, found.open, found.breached, found.median_first_response_seconds)


def _regencies(area: Area) -> list[str] | None:
    if area.level == Level.REGENCY:
        return [area.regency_code]
    if area.level == Level.PROVINCE:
        return list(
            Regency.objects.filter(province_id=area.province_code).values_list("code", flat=True)
        )
    return None


def get_care_figures(*, area: Area, now: dt.datetime | None = None) -> CareFigures:
    """The care figures of `area` (resolved by bekal.reporting.scope.get_area)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=CARE_PERIOD_DAYS)
    regencies = _regencies(area)
    totals = ticket_figures_by_region(region_ids=regencies, since=since, now=now, group="all")
    total = _row(None, area.name, totals[0] if totals else None)
    if area.level == Level.REGENCY:
        return CareFigures(area=total, rows=[])
    national = area.level == Level.NATIONAL
    found = {
        f.region_id: f
        for f in ticket_figures_by_region(
            region_ids=regencies, since=since, now=now, group="province" if national else "regency"
        )
    }
    if national:
        names = dict(Province.objects.values_list("code", "name"))
    else:
        names = dict(
            Regency.objects.filter(province_id=area.province_code).values_list("code", "name")
        )
    rows = [_row(code, name, found.get(code)) for code, name in sorted(names.items())]
    if national and None in found:
        rows.append(_row(None, _("No region (the programme office's queue)"), found[None]))
    return CareFigures(area=total, rows=rows)
