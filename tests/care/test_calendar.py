"""The working calendar: weekends, public holidays and cuti bersama are not working time."""

from __future__ import annotations

import datetime as dt

import pytest

from bekal.care.calendar import WorkingCalendar, working_calendar
from tests.care.factories import wib

HOUR = 3600


@pytest.fixture
def calendar() -> WorkingCalendar:
    return working_calendar()  # the defaults: Monday-Friday 08:00-19:00 WIB


def test_a_working_day_has_eleven_working_hours(calendar):
    assert calendar.seconds_per_day == 11 * HOUR
    # Wednesday 13 May 2026
    assert calendar.working_seconds_between(wib(2026, 5, 13, 6), wib(2026, 5, 13, 22)) == 11 * HOUR


def test_the_weekend_counts_nothing(calendar):
    friday_evening, monday_morning = wib(2026, 6, 5, 18), wib(2026, 6, 8, 9)
    assert calendar.working_seconds_between(friday_evening, monday_morning) == 2 * HOUR


def test_a_public_holiday_and_the_cuti_bersama_after_it_count_nothing(calendar):
    # Thursday 14 May 2026 is Ascension Day, Friday 15 May its cuti bersama.
    assert not calendar.is_working_day(dt.date(2026, 5, 14))
    assert not calendar.is_working_day(dt.date(2026, 5, 15))
    assert calendar.holiday_name(dt.date(2026, 5, 15)) == "Ascension Joint Holiday"
    assert calendar.working_seconds_between(wib(2026, 5, 13, 18), wib(2026, 5, 18, 9)) == 2 * HOUR


def test_three_working_days_from_wednesday_skip_the_holiday_the_cuti_bersama_and_the_weekend(
    calendar,
):
    opened = wib(2026, 5, 13, 10)  # Wednesday 10:00; 9 h left that day
    due = calendar.add_working_seconds(opened, 3 * calendar.seconds_per_day)
    # Wed 9 h, Thu holiday, Fri cuti bersama, weekend, Mon 11 h, Tue 11 h, Wed 2 h.
    assert due == wib(2026, 5, 20, 10)


def test_time_added_outside_working_hours_starts_at_the_next_opening(calendar):
    saturday = wib(2026, 6, 6, 12)
    assert calendar.add_working_seconds(saturday, 0) == wib(2026, 6, 8, 8)
    assert calendar.add_working_seconds(saturday, HOUR) == wib(2026, 6, 8, 9)


def test_the_working_days_and_hours_are_settings(settings):
    settings.BEKAL_CARE_WORKING_DAYS = [0, 1, 2, 3, 4, 5]
    settings.BEKAL_CARE_WORKING_HOURS = ("09:00", "15:00")
    settings.BEKAL_CARE_EXTRA_CLOSED_DATES = ["2026-06-08"]
    calendar = working_calendar()
    assert calendar.seconds_per_day == 6 * HOUR
    # Saturday 6 June now works; Monday 8 June is closed by the extra date.
    assert calendar.working_seconds_between(wib(2026, 6, 6, 0), wib(2026, 6, 9, 0)) == 6 * HOUR


def test_counting_and_adding_agree_over_a_year_of_random_moments(calendar):
    import random

    rng = random.Random(11)
    start = wib(2026, 1, 1)
    for _ in range(200):
        opened = start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
        seconds = rng.randrange(60 * 11 * HOUR)
        due = calendar.add_working_seconds(opened, seconds)
        assert calendar.working_seconds_between(opened, due) == seconds
