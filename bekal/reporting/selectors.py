"""Figures for the dashboards: read from the rollups (never counted from base tables),
for an Area that bekal.reporting.scope resolved for the viewer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from bekal.programmes.models import Wave, WaveQuota
from bekal.regions.models import Province, Regency
from bekal.reporting.errors import WaveNotFoundError
from bekal.reporting.scope import Area, Level
from bekal.reporting.stages import (
    REASON_PREFIX,
    STAGES_NOT_YET_COUNTED,
    Stage,
    WaveFigure,
    reason_label,
)

JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    label: str | Promise
    count: int
    #: Percent of the first stage (accounts), and of the stage before; None for the first.
    of_accounts: float | None
    of_previous: float | None
    counted: bool = True


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Point:
    at: dt.datetime
    count: int


@dataclass(frozen=True)
class WaveRow:
    number: int
    name: str
    applied: int
    eligible: int
    ineligible: int
    selected: int
    quota: int | None
    not_selected: int
    carried_in: int
    card_accepted: int
    reasons: list[tuple[str | Promise, int]] = field(default_factory=list)


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def _stage_totals(area: Area, wave_id: int = 0) -> dict[str, int]:
    condition, params = area.regency_filter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stage, sum(total) FROM reporting_stagecount "  # noqa: S608 - fixed SQL
            f"WHERE wave_id = %s AND {condition} GROUP BY stage",
            [wave_id, *params],
        )
        return {stage: int(total) for stage, total in cursor.fetchall()}


def get_funnel(*, area: Area) -> list[FunnelStep]:
    totals = _stage_totals(area)
    accounts = totals.get(Stage.ACCOUNT, 0)
    steps: list[FunnelStep] = []
    previous: int | None = None
    for stage in Stage:
        count = totals.get(stage.value, 0)
        counted = stage not in STAGES_NOT_YET_COUNTED
        ordinary = stage != Stage.REVOKED and counted
        steps.append(
            FunnelStep(
                stage=stage.value,
                label=stage.label,
                count=count,
                of_accounts=_percent(count, accounts) if stage != Stage.ACCOUNT else None,
                of_previous=(
                    _percent(count, previous) if previous is not None and ordinary else None
                ),
                counted=counted,
            )
        )
        if ordinary:
            previous = count
    return steps


def list_region_rows(*, area: Area) -> list[RegionRow]:
    """The funnel of each province (national) or regency/city (province) of the area;
    people without a regency yet are a row of their own in the national area."""
    if area.level == Level.REGENCY:
        return []
    condition, params = area.regency_filter()
    group = "split_part(regency_code, '.', 1)" if area.level == Level.NATIONAL else "regency_code"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {group}, stage, sum(total) FROM reporting_stagecount "  # noqa: S608
            f"WHERE wave_id = 0 AND {condition} GROUP BY 1, 2",
            [*params],
        )
        found: dict[str, dict[str, int]] = {}
        for code, stage, total in cursor.fetchall():
            found.setdefault(code, {})[stage] = int(total)
    if area.level == Level.NATIONAL:
        names = dict(Province.objects.values_list("code", "name"))
    else:
        names = dict(
            Regency.objects.filter(province_id=area.province_code).values_list("code", "name")
        )
    rows = [RegionRow(code, name, found.get(code, {})) for code, name in sorted(names.items())]
    if area.level == Level.NATIONAL and found.get(""):
        rows.append(RegionRow("", _("No domicile given yet"), found[""]))
    return rows


def _signups(area: Area, since: dt.datetime, bucket: str) -> dict[dt.datetime, int]:
    condition, params = area.regency_filter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT date_trunc(%s, hour AT TIME ZONE 'Asia/Jakarta'), sum(total) "  # noqa: S608
            f"FROM reporting_signuphour WHERE hour >= %s AND {condition} GROUP BY 1",
            [bucket, since, *params],
        )
        return {at.replace(tzinfo=JAKARTA): int(total) for at, total in cursor.fetchall()}


def get_signups_by_hour(*, area: Area, hours: int = 48) -> list[Point]:
    """Accounts created in each of the last `hours` hours (Jakarta time), oldest first."""
    now = timezone.localtime(timezone.now(), JAKARTA).replace(minute=0, second=0, microsecond=0)
    start = now - dt.timedelta(hours=hours - 1)
    found = _signups(area, start, "hour")
    return [
        Point(at, found.get(at, 0)) for at in (start + dt.timedelta(hours=n) for n in range(hours))
    ]


def get_signups_by_day(*, area: Area, days: int = 30) -> list[Point]:
    """Accounts created on each of the last `days` days (Jakarta), oldest first."""
    today = timezone.localtime(timezone.now(), JAKARTA).date()
    start = today - dt.timedelta(days=days - 1)
    condition, params = area.regency_filter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT day, sum(total) FROM reporting_signupday "  # noqa: S608 - fixed SQL
            f"WHERE day >= %s AND {condition} GROUP BY 1",
            [start, *params],
        )
        found = {day: int(total) for day, total in cursor.fetchall()}
    return [
        Point(
            dt.datetime.combine(day, dt.time(), tzinfo=JAKARTA),
            found.get(day, 0),
        )
        for day in (start + dt.timedelta(days=n) for n in range(days))
    ]


def _quotas(waves: list[Wave], area: Area) -> dict[int, int | None]:
    if area.level == Level.NATIONAL:
        return {wave.pk: wave.national_quota for wave in waves}
    quotas = WaveQuota.objects.filter(wave__in=waves)
    if area.level == Level.PROVINCE:
        quotas = quotas.filter(province_id=area.province_code)
    else:
        quotas = quotas.filter(regency_id=area.regency_code)
    found = dict(quotas.values_list("wave_id", "quota"))
    return {wave.pk: found.get(wave.pk) for wave in waves}


def _wave_totals(waves: list[Wave], area: Area) -> dict[int, dict[str, int]]:
    condition, params = area.regency_filter()
    found: dict[int, dict[str, int]] = {wave.pk: {} for wave in waves}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT wave_id, stage, sum(total) FROM reporting_stagecount "  # noqa: S608
            f"WHERE wave_id = ANY(%s) AND {condition} GROUP BY 1, 2",
            [[wave.pk for wave in waves], *params],
        )
        for wave_id, stage, total in cursor.fetchall():
            found[wave_id][stage] = int(total)
    return found


def _wave_row(wave: Wave, totals: dict[str, int], quota: int | None) -> WaveRow:
    reasons = sorted(
        (
            (reason_label(key.removeprefix(REASON_PREFIX)), count)
            for key, count in totals.items()
            if key.startswith(REASON_PREFIX) and count
        ),
        key=lambda pair: -pair[1],
    )
    return WaveRow(
        number=wave.number,
        name=wave.name,
        applied=totals.get(WaveFigure.APPLIED, 0),
        eligible=totals.get(WaveFigure.ELIGIBLE, 0),
        ineligible=totals.get(WaveFigure.INELIGIBLE, 0),
        selected=totals.get(WaveFigure.SELECTED, 0),
        quota=quota,
        not_selected=totals.get(WaveFigure.NOT_SELECTED, 0),
        carried_in=totals.get(WaveFigure.CARRIED_IN, 0),
        card_accepted=totals.get(WaveFigure.CARD_ACCEPTED, 0),
        reasons=reasons,
    )


def list_wave_rows(*, area: Area, limit: int = 6) -> list[WaveRow]:
    """The latest waves (open or closed) with their figures in the area."""
    waves = list(Wave.objects.exclude(status=Wave.Status.DRAFT).order_by("-number")[:limit])
    totals = _wave_totals(waves, area)
    quotas = _quotas(waves, area)
    return [_wave_row(wave, totals[wave.pk], quotas[wave.pk]) for wave in waves]


def get_wave(*, number: int) -> Wave:
    wave = Wave.objects.exclude(status=Wave.Status.DRAFT).filter(number=number).first()
    if wave is None:
        raise WaveNotFoundError()
    return wave


def get_wave_row(*, area: Area, wave: Wave) -> WaveRow:
    return _wave_row(wave, _wave_totals([wave], area)[wave.pk], _quotas([wave], area)[wave.pk])


def list_wave_regions(*, area: Area, wave: Wave) -> list[tuple[str, str, dict[str, int]]]:
    """(code, name, figures) of each province (national area) or regency/city of the
    area in the wave."""
    condition, params = area.regency_filter()
    group = "split_part(regency_code, '.', 1)" if area.level == Level.NATIONAL else "regency_code"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {group}, stage, sum(total) FROM reporting_stagecount "  # noqa: S608
            f"WHERE wave_id = %s AND {condition} GROUP BY 1, 2",
            [wave.pk, *params],
        )
        found: dict[str, dict[str, int]] = {}
        for code, stage, total in cursor.fetchall():
            found.setdefault(code, {})[stage] = int(total)
    regions = Province if area.level == Level.NATIONAL else Regency
    names = dict(regions.objects.filter(code__in=found).values_list("code", "name"))
    return sorted(
        ((code, names.get(code, code), counts) for code, counts in found.items()),
        key=lambda row: row[1],
    )
