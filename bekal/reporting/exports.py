"""Exports of the figures and of the accepted lists: CSV streamed row by row and XLSX
written by xlsxwriter in constant-memory mode, so memory stays flat at any size. Each
file starts with who exported it and when; each export is audited and scope-checked."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.reporting.accepted import iter_accepted
from bekal.reporting.care_figures import CareRow, get_care_figures
from bekal.reporting.scope import Level, get_area
from bekal.reporting.selectors import JAKARTA, get_funnel, get_wave, list_region_rows
from bekal.reporting.stages import STAGES_NOT_YET_COUNTED, Stage

FORMATS = ("csv", "xlsx")


@dataclass
class Export:
    filename: str
    title: str
    stamp: list[str]
    header: list[str]
    rows: Iterable[list[Any]]


def _stamp(viewer: User) -> list[str]:
    now = timezone.localtime(timezone.now(), JAKARTA)
    return [
        _("Exported by"),
        viewer.email or viewer.full_name,
        _("at"),
        now.strftime("%d-%m-%Y %H:%M:%S WIB"),
    ]


def _stage_value(counts: dict[str, int], stage: Stage) -> int | str:
    if stage in STAGES_NOT_YET_COUNTED:
        return _("not available yet")
    return counts.get(stage.value, 0)


@transaction.atomic
def export_figures(
    *, viewer: User, province_code: str = "", regency_code: str = "", fmt: str, ip: str | None
) -> Export:
    """The funnel and the help desk's figures of the area and of each province or
    regency/city in it."""
    area = get_area(viewer=viewer, province_code=province_code, regency_code=regency_code)
    record_event(
        action="dashboards.figures_exported",
        actor=viewer,
        ip_address=ip,
        area=area.regency_code or area.province_code or "national",
        format=fmt,
    )
    funnel = {step.stage: step.count for step in get_funnel(area=area)}
    care = get_care_figures(area=area)
    care_of = {row.code: row for row in care.rows if row.code is not None}
    regions: list[tuple[str, dict[str, int] | None, CareRow | None]] = [
        (area.name, funnel, care.area)
    ]
    regions += [
        (row.name, row.counts, care_of.get(row.code) if row.code else None)
        for row in list_region_rows(area=area)
    ]
    # Tickets without a region (the programme office's queue) have no funnel of their own.
    regions += [(row.name, None, row) for row in care.rows if row.code is None]
    code = area.regency_code or area.province_code or "nasional"
    return Export(
        filename=f"angka-{code}-{timezone.localtime(timezone.now(), JAKARTA):%Y%m%d-%H%M%S}",
        title=_("Figures: %(area)s") % {"area": area.name},
        stamp=_stamp(viewer),
        header=[
            _("Region"),
            *(str(stage.label) for stage in Stage),
            _("Open tickets"),
            _("Tickets past a deadline"),
            _("Median working minutes to a first response (tickets of the last %(days)s days)")
            % {"days": care.period_days},
        ],
        rows=(
            [
                name,
                *(_stage_value(counts, stage) if counts is not None else "" for stage in Stage),
                *_care_values(care_row),
            ]
            for name, counts, care_row in regions
        ),
    )


def _care_values(row: CareRow | None) -> list[int | str]:
    if row is None:
        return ["", "", ""]
    median = row.median_first_response_seconds
    return [row.open, row.breached, "" if median is None else round(median / 60)]


@transaction.atomic
def export_accepted(
    *, viewer: User, wave_number: int, regency_code: str, fmt: str, ip: str | None
) -> Export:
    """A wave's selected in a regency/city of the viewer's scope: name, masked NIK,
    district, card state."""
    area = get_area(viewer=viewer, regency_code=regency_code)
    assert area.level == Level.REGENCY
    wave = get_wave(number=wave_number)
    record_event(
        action="dashboards.accepted_list_exported",
        actor=viewer,
        ip_address=ip,
        wave=wave.number,
        regency=area.regency_code,
        format=fmt,
    )
    return Export(
        filename=f"diterima-gelombang-{wave.number}-{area.regency_code}",
        title=_("Accepted in wave %(n)s: %(area)s") % {"n": wave.number, "area": area.name},
        stamp=_stamp(viewer),
        header=[_("Name"), _("NIK"), _("District"), _("Card")],
        rows=(
            [row.full_name, row.nik_masked, row.district, row.card_label]
            for row in iter_accepted(area=area, wave=wave)
        ),
    )


class _Line:
    """A file-like object whose write returns the line written (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(export: Export) -> Iterator[str]:
    """The export as CSV, one line at a time: the stamp, a blank line, the header, rows."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([export.title])  # a BOM: spreadsheets read UTF-8
    yield writer.writerow(export.stamp)
    yield writer.writerow([])
    yield writer.writerow(export.header)
    for row in export.rows:
        yield writer.writerow(row)


def write_xlsx(export: Export, path: Path) -> int:
    """Write the export to `path` as XLSX in constant memory; returns the data rows."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"title": export.title, "author": export.stamp[1]})
    sheet = workbook.add_worksheet(_("Data")[:31])
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, [export.title], bold)
    sheet.write_row(1, 0, export.stamp)
    sheet.write_row(3, 0, export.header, bold)
    count = 0
    for count, row in enumerate(export.rows, start=1):
        sheet.write_row(3 + count, 0, row)
    workbook.close()
    return count
