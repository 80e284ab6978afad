from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from tools.periods import Period, day_window, days_window, parse_period, week_dates, week_window

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2026, 11, 25)  # a Wednesday


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_day_window_is_local_midnight_to_midnight() -> None:
    window = day_window(date(2026, 11, 25), BERLIN)
    assert window.start == utc(2026, 11, 24, 23)
    assert window.end == utc(2026, 11, 25, 23)


def test_window_bounds_are_utc_so_arithmetic_sees_dst() -> None:
    window = day_window(date(2026, 10, 25), BERLIN)
    assert window.start.tzinfo is UTC
    assert window.end - window.start == timedelta(hours=25)


def test_berlin_autumn_change_day_has_25_hours() -> None:
    # Last Sunday of October 2026: clocks go back from 03:00 CEST to 02:00 CET.
    window = day_window(date(2026, 10, 25), BERLIN)
    assert window.start == utc(2026, 10, 24, 22)
    assert window.end == utc(2026, 10, 25, 23)


def test_berlin_week_across_the_autumn_change() -> None:
    window = week_window(date(2026, 10, 25), BERLIN)
    assert window.start == utc(2026, 10, 18, 22)  # Monday 19 October, 00:00 CEST
    assert window.end == utc(2026, 10, 25, 23)  # Monday 26 October, 00:00 CET
    assert window.end - window.start == timedelta(days=7, hours=1)


def test_new_york_spring_change_day_has_23_hours() -> None:
    # Second Sunday of March 2026: clocks jump from 02:00 EST to 03:00 EDT.
    window = day_window(date(2026, 3, 8), NEW_YORK)
    assert window.start == utc(2026, 3, 8, 5)
    assert window.end == utc(2026, 3, 9, 4)
    assert window.end - window.start == timedelta(hours=23)


def test_new_york_week_across_the_spring_change() -> None:
    window = week_window(date(2026, 3, 10), NEW_YORK, weeks=2)
    assert window.start == utc(2026, 3, 2, 5)  # Monday 2 March, 00:00 EST
    assert window.end == utc(2026, 3, 16, 4)  # Monday 16 March, 00:00 EDT
    assert window.end - window.start == timedelta(days=14, hours=-1)


def test_a_skipped_local_midnight_starts_the_day_at_the_first_real_instant() -> None:
    # Chile springs forward at midnight on 6 September 2026: 00:00 becomes 01:00 -03.
    window = day_window(date(2026, 9, 6), ZoneInfo("America/Santiago"))
    assert window.start == utc(2026, 9, 6, 4)
    assert window.end - window.start == timedelta(hours=23)


def test_week_dates_run_monday_to_sunday() -> None:
    assert week_dates(TODAY) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week_dates(date(2026, 11, 23)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week_dates(date(2026, 11, 29)) == (date(2026, 11, 23), date(2026, 11, 29))


def test_week_dates_with_weeks_and_weeks_ago() -> None:
    assert week_dates(TODAY, weeks=3) == (date(2026, 11, 9), date(2026, 11, 29))
    assert week_dates(TODAY, weeks_ago=1) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week_dates(TODAY, weeks=2, weeks_ago=1) == (date(2026, 11, 9), date(2026, 11, 22))


@pytest.mark.parametrize(("weeks", "weeks_ago"), [(0, 0), (1, -1)])
def test_week_dates_refuses_impossible_runs(weeks: int, weeks_ago: int) -> None:
    with pytest.raises(ValueError, match="weeks"):
        week_dates(TODAY, weeks, weeks_ago)


def test_week_window_matches_its_days() -> None:
    assert week_window(TODAY, BERLIN, weeks=3, weeks_ago=1) == days_window(
        date(2026, 11, 2), date(2026, 11, 22), BERLIN
    )


def test_days_window_refuses_reversed_days() -> None:
    with pytest.raises(ValueError, match="before the first day"):
        days_window(date(2026, 11, 2), date(2026, 11, 1), BERLIN)


@pytest.mark.parametrize(
    ("text", "first", "last", "label"),
    [
        ("today", TODAY, TODAY, "today"),
        ("Yesterday?", date(2026, 11, 24), date(2026, 11, 24), "yesterday"),
        ("last 7 days", date(2026, 11, 19), TODAY, "the last 7 days"),
        ("in the past 10 days", date(2026, 11, 16), TODAY, "the last 10 days"),
        ("the past week", date(2026, 11, 19), TODAY, "the last 7 days"),
        ("this month", date(2026, 11, 1), date(2026, 11, 30), "this month (November 2026)"),
        ("last month", date(2026, 10, 1), date(2026, 10, 31), "last month (October 2026)"),
        ("on monday", date(2026, 11, 23), date(2026, 11, 23), "Monday (2026-11-23)"),
        ("wednesday", TODAY, TODAY, "Wednesday (2026-11-25)"),
        ("last wednesday", date(2026, 11, 18), date(2026, 11, 18), "Wednesday (2026-11-18)"),
        ("last tue", date(2026, 11, 24), date(2026, 11, 24), "Tuesday (2026-11-24)"),
        ("on Friday", date(2026, 11, 20), date(2026, 11, 20), "Friday (2026-11-20)"),
        ("2 days ago", date(2026, 11, 23), date(2026, 11, 23), "2 days ago"),
        ("2026-11-20", date(2026, 11, 20), date(2026, 11, 20), "2026-11-20"),
        ("from 2026-11-01 to 2026-11-07", date(2026, 11, 1), date(2026, 11, 7), "2026-11-01 to 2026-11-07"),
        ("since monday", date(2026, 11, 23), TODAY, "since Monday (2026-11-23)"),
        ("since 2026-11-01", date(2026, 11, 1), TODAY, "since 2026-11-01"),
    ],
)
def test_parse_day_periods(text: str, first: date, last: date, label: str) -> None:
    assert parse_period(text, TODAY) == Period(first=first, last=last, label=label)


@pytest.mark.parametrize(
    ("text", "first", "last", "weeks", "weeks_ago", "label"),
    [
        ("this week", date(2026, 11, 23), date(2026, 11, 29), 1, 0, "this week"),
        ("last week", date(2026, 11, 16), date(2026, 11, 22), 1, 1, "last week"),
        ("past 3 weeks", date(2026, 11, 9), date(2026, 11, 29), 3, 0, "the last 3 weeks"),
        ("over the last three weeks", date(2026, 11, 9), date(2026, 11, 29), 3, 0, "the last 3 weeks"),
        ("two weeks ago", date(2026, 11, 9), date(2026, 11, 15), 1, 2, "2 weeks ago"),
    ],
)
def test_parse_calendar_week_periods(
    text: str, first: date, last: date, weeks: int, weeks_ago: int, label: str
) -> None:
    period = parse_period(text, TODAY)
    assert period is not None
    assert period == Period(first=first, last=last, label=label, weeks=weeks, weeks_ago=weeks_ago)
    assert period.window(BERLIN) == week_window(TODAY, BERLIN, weeks=weeks, weeks_ago=weeks_ago)


def test_last_month_in_january_is_december() -> None:
    period = parse_period("last month", date(2027, 1, 15))
    assert period is not None
    assert (period.first, period.last) == (date(2026, 12, 1), date(2026, 12, 31))


def test_this_month_in_february_of_a_leap_year() -> None:
    period = parse_period("this month", date(2028, 2, 10))
    assert period is not None
    assert period.last == date(2028, 2, 29)


def test_since_a_calendar_week_runs_to_today() -> None:
    period = parse_period("since last week", TODAY)
    assert period is not None
    assert period == Period(first=date(2026, 11, 16), last=TODAY, label="since last week")
    assert period.days == 10


@pytest.mark.parametrize(
    "text",
    [
        "",
        "whenever",
        "last 0 days",
        "2026-02-30",
        "from 2026-11-07 to 2026-11-01",
        "since 2026-12-01",
        "last 99999999 days",
        "next week",
    ],
)
def test_unparseable_or_impossible_phrases_give_none(text: str) -> None:
    assert parse_period(text, TODAY) is None


def test_period_window_uses_local_days() -> None:
    period = parse_period("yesterday", TODAY)
    assert period is not None
    assert period.window(NEW_YORK) == day_window(date(2026, 11, 24), NEW_YORK)


def test_period_must_be_ordered_and_consistent() -> None:
    with pytest.raises(ValidationError, match="cannot end before"):
        Period(first=TODAY, last=date(2026, 11, 1), label="x")
    with pytest.raises(ValidationError, match="together"):
        Period(first=TODAY, last=TODAY, label="x", weeks=1)
