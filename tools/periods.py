"""Calendar periods in the user's timezone: windows for store queries and a phrase parser.

Windows run from local midnight to local midnight, so a day is 23 or 25 hours long across a DST
change. Their bounds are returned in UTC: Python compares and subtracts two datetimes that share a
`ZoneInfo` by wall-clock time, which would hide the DST hour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, model_validator

from stores.records import Window

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NUMBERS = (
    {name: i for i, name in enumerate(WEEKDAYS)}
    | {name[:3]: i for i, name in enumerate(WEEKDAYS)}
    | {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
)
_ONE_TO_TWELVE = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_NUMBER_WORDS = {"a": 1, "an": 1, "fourteen": 14, "thirty": 30} | {word: i for i, word in enumerate(_ONE_TO_TWELVE, 1)}


class Period(BaseModel):
    """An inclusive range of local calendar days, with a human label."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first: date
    last: date
    label: str
    weeks: int | None = None
    """Number of calendar weeks (Monday to Sunday), when the period is made of whole weeks."""
    weeks_ago: int | None = None
    """How many weeks before the current one the last week is (0 = this week), for week periods."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.last < self.first:
            raise ValueError("a period cannot end before it starts")
        if (self.weeks is None) != (self.weeks_ago is None):
            raise ValueError("weeks and weeks_ago are given together or not at all")
        return self

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.last - self.first).days + 1

    def window(self, tz: ZoneInfo) -> Window:
        """Return the period as a time window in the given timezone."""
        return days_window(self.first, self.last, tz)


def week_dates(today: date, weeks: int = 1, weeks_ago: int = 0) -> tuple[date, date]:
    """First Monday and last Sunday of a run of calendar weeks.

    Args:
        today: The user's local date.
        weeks: Number of weeks; 3 means the last week and the two before it.
        weeks_ago: Weeks between the current week and the last week of the run (0 = current week).

    Raises:
        ValueError: If weeks is below 1 or weeks_ago below 0.

    """
    if weeks < 1 or weeks_ago < 0:
        raise ValueError(f"need weeks >= 1 and weeks_ago >= 0, got {weeks} and {weeks_ago}")
    this_monday = today - timedelta(days=today.weekday())
    last_monday = this_monday - timedelta(weeks=weeks_ago)
    return last_monday - timedelta(weeks=weeks - 1), last_monday + timedelta(days=6)


def week_window(today: date, tz: ZoneInfo, weeks: int = 1, weeks_ago: int = 0) -> Window:
    """Window over calendar weeks, from local Monday 00:00 to the local Monday 00:00 after them.

    Args:
        today: The user's local date.
        tz: The user's timezone.
        weeks: Number of weeks; 3 means the last week and the two before it.
        weeks_ago: Weeks between the current week and the last week of the window (0 = current week).

    Raises:
        ValueError: If weeks is below 1 or weeks_ago below 0.

    """
    return days_window(*week_dates(today, weeks, weeks_ago), tz)


def day_window(day: date, tz: ZoneInfo) -> Window:
    """Window over one local day, from its midnight to the next.

    Args:
        day: The local date.
        tz: The user's timezone.

    """
    return days_window(day, day, tz)


def days_window(first: date, last: date, tz: ZoneInfo) -> Window:
    """Window over the local days from first to last inclusive.

    Args:
        first: First local date.
        last: Last local date, included.
        tz: The user's timezone.

    Raises:
        ValueError: If last is before first.

    """
    if last < first:
        raise ValueError(f"the last day {last} is before the first day {first}")
    return Window(start=_midnight(first, tz), end=_midnight(last + timedelta(days=1), tz))


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    # fold=0 resolves a midnight skipped by DST to the first instant of that day.
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


_Handler = Callable[[re.Match[str], date], Period | None]
_NUM = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"
_DAY = r"(" + "|".join(_WEEKDAY_NUMBERS) + r")"
_ISO = r"(\d{4}-\d{2}-\d{2})"
_FILLER = re.compile(r"^(?:(?:in|over|during|for|within)\s+)?(?:the\s+)?")


def parse_period(text: str, today: date) -> Period | None:
    """Read a period from a phrase such as "last week", "past 3 weeks" or "since monday".

    Calendar phrases ("this week", "last month") cover whole weeks or months, including days after
    today. "Past/last N weeks" are N calendar weeks ending with the current one; "past/last N days"
    and "past week" are rolling and end today. A bare weekday ("monday", "on monday") is the most
    recent one on or before today; "last monday" is the most recent one strictly before today.
    "N weeks ago" is that calendar week.

    Args:
        text: The phrase, in English, case-insensitive.
        today: The user's local date.

    Returns:
        The period, or None when the phrase is not understood or names an impossible range.

    """
    phrase = _FILLER.sub("", re.sub(r"\s+", " ", text.strip().lower().rstrip("?.!, ")))
    for pattern, handler in _PATTERNS:
        match = pattern.fullmatch(phrase)
        if match is not None:
            try:
                return handler(match, today)
            except (ValueError, OverflowError):
                return None
    return None


def _count(token: str) -> int:
    count = int(token) if token.isdigit() else _NUMBER_WORDS[token]
    if count < 1:
        raise ValueError("a count of periods must be at least 1")
    return count


def _weeks(label: str, weeks: int, weeks_ago: int, today: date) -> Period:
    first, last = week_dates(today, weeks, weeks_ago)
    return Period(first=first, last=last, label=label, weeks=weeks, weeks_ago=weeks_ago)


def _day(day: date, label: str) -> Period:
    return Period(first=day, last=day, label=label)


def _weekday(token: str, today: date, strictly_before: bool) -> date:
    back = (today.weekday() - _WEEKDAY_NUMBERS[token]) % 7
    return today - timedelta(days=back or (7 if strictly_before else 0))


def _on_weekday(m: re.Match[str], today: date) -> Period:
    day = _weekday(m[2], today, strictly_before=m[1] is not None)
    return _day(day, f"{day:%A} ({day.isoformat()})")


def _rolling_days(n: int, today: date) -> Period:
    return Period(first=today - timedelta(days=n - 1), last=today, label=f"the last {n} day{'s' * (n != 1)}")


def _last_days(m: re.Match[str], today: date) -> Period:
    return _rolling_days(_count(m[1]), today)


def _last_weeks(m: re.Match[str], today: date) -> Period:
    n = _count(m[1])
    return _weeks(f"the last {n} week{'s' * (n != 1)}", n, 0, today)


def _ago(m: re.Match[str], today: date) -> Period:
    n = _count(m[1])
    unit = m[2] + "s" * (n != 1)
    if m[2] == "week":
        return _weeks(f"{n} {unit} ago", 1, n, today)
    return _day(today - timedelta(days=n), f"{n} {unit} ago")


def _month(m: re.Match[str], today: date) -> Period:
    this_first = today.replace(day=1)
    if m[1] == "this":
        first = this_first
        last = (this_first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    else:
        last = this_first - timedelta(days=1)
        first = last.replace(day=1)
    return Period(first=first, last=last, label=f"{m[1]} month ({first:%B %Y})")


def _iso_day(m: re.Match[str], today: date) -> Period:
    return _day(date.fromisoformat(m[1]), m[1])


def _iso_range(m: re.Match[str], today: date) -> Period:
    return Period(first=date.fromisoformat(m[1]), last=date.fromisoformat(m[2]), label=f"{m[1]} to {m[2]}")


def _since(m: re.Match[str], today: date) -> Period | None:
    start = parse_period(m[1], today)
    if start is None or start.first > today:
        return None
    return Period(first=start.first, last=today, label=f"since {start.label}")


_RULES: tuple[tuple[str, _Handler], ...] = (
    (r"today", lambda m, today: _day(today, "today")),
    (r"yesterday", lambda m, today: _day(today - timedelta(days=1), "yesterday")),
    (r"(?:this|current) week", lambda m, today: _weeks("this week", 1, 0, today)),
    (r"(?:last|previous) week", lambda m, today: _weeks("last week", 1, 1, today)),
    (r"past week", lambda m, today: _rolling_days(7, today)),
    (rf"(?:past|last|previous) {_NUM} weeks?", _last_weeks),
    (rf"(?:past|last|previous) {_NUM} days?", _last_days),
    (rf"{_NUM} (day|week)s? ago", _ago),
    (r"(this|last) month", _month),
    (rf"(?:on )?(last )?{_DAY}", _on_weekday),
    (rf"(?:on )?{_ISO}", _iso_day),
    (rf"(?:from |between )?{_ISO} (?:to|until|through|and|-) {_ISO}", _iso_range),
    (r"since (.+)", _since),
)
_PATTERNS = tuple((re.compile(pattern), handler) for pattern, handler in _RULES)
