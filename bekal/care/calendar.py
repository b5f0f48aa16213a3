"""The working calendar that care's SLA clocks run on.

Working time is the hours of working days in Asia/Jakarta: Monday to Friday, 08:00-19:00
by default (the programme's care line), minus Indonesia's public holidays and its cuti
bersama (joint leave days), both from the `holidays` package (its PUBLIC and GOVERNMENT
categories; the tables ship inside the package, nothing is downloaded). Days, hours and
extra closed dates are settings (`BEKAL_CARE_WORKING_DAYS`, `BEKAL_CARE_WORKING_HOURS`,
`BEKAL_CARE_EXTRA_CLOSED_DATES`).

    calendar = working_calendar()
    calendar.working_seconds_between(opened, now)   # seconds of working time elapsed
    calendar.add_working_seconds(opened, 3 * calendar.seconds_per_day)  # 3 working days on
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

JAKARTA = ZoneInfo("Asia/Jakarta")


class WorkingCalendar:
    """Working hours on working days, in one time zone; every datetime is aware."""

    def __init__(
        self,
        *,
        opens: dt.time,
        closes: dt.time,
        weekdays: Iterable[int],
        closed_dates: Iterable[dt.date] = (),
        with_national_holidays: bool = True,
        tz: ZoneInfo = JAKARTA,
    ) -> None:
        if closes <= opens:
            raise ValueError("a working day closes after it opens")
        self.opens, self.closes, self.tz = opens, closes, tz
        self.weekdays = frozenset(weekdays)
        if not self.weekdays:
            raise ValueError("at least one working weekday")
        self.closed_dates = frozenset(closed_dates)
        self.with_national_holidays = with_national_holidays
        day = dt.datetime.combine(dt.date(2000, 1, 3), opens)
        self.seconds_per_day = int((dt.datetime.combine(day.date(), closes) - day).total_seconds())

    # --- days -------------------------------------------------------------------------

    def holiday_name(self, day: dt.date) -> str | None:
        """The name of the holiday or cuti bersama on `day`, if any (in English)."""
        if day in self.closed_dates:
            return "closed"
        if not self.with_national_holidays:
            return None
        return _indonesian_holidays(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and self.holiday_name(day) is None

    def _window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (
            dt.datetime.combine(day, self.opens, tzinfo=self.tz),
            dt.datetime.combine(day, self.closes, tzinfo=self.tz),
        )

    # --- arithmetic -------------------------------------------------------------------

    def working_seconds_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working seconds from `start` to `end` (0 when end is not after start)."""
        if end <= start:
            return 0
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        total = 0.0
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                opens, closes = self._window(day)
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return int(total)

    def add_working_seconds(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The moment when `seconds` of working time have passed since `start`.

        Zero seconds from outside working hours is the next opening, so a deadline never
        falls on a closed moment.
        """
        remaining = max(0.0, float(seconds))
        moment = start.astimezone(self.tz)
        day = moment.date()
        for _ in range(3700):  # ten years of days: a calendar always has working days
            if self.is_working_day(day):
                opens, closes = self._window(day)
                lo = max(opens, moment)
                if lo < closes:
                    available = (closes - lo).total_seconds()
                    if remaining <= available:
                        return lo + dt.timedelta(seconds=remaining)
                    remaining -= available
            day += dt.timedelta(days=1)
            moment = dt.datetime.combine(day, dt.time(0), tzinfo=self.tz)
        raise ValueError("no working time within ten years")


@functools.cache
def _indonesian_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(
        "ID", years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT), language="en_US"
    )


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def working_calendar() -> WorkingCalendar:
    """The calendar the settings describe."""
    opens, closes = settings.BEKAL_CARE_WORKING_HOURS
    return _cached(
        opens,
        closes,
        tuple(settings.BEKAL_CARE_WORKING_DAYS),
        tuple(settings.BEKAL_CARE_EXTRA_CLOSED_DATES),
    )


@functools.cache
def _cached(
    opens: str, closes: str, weekdays: tuple[int, ...], closed: tuple[str, ...]
) -> WorkingCalendar:
    return WorkingCalendar(
        opens=_time(opens),
        closes=_time(closes),
        weekdays=weekdays,
        closed_dates=[dt.date.fromisoformat(text) for text in closed],
    )
