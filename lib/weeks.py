"""Weeks and working days. The rota's week runs Monday to Friday."""

from __future__ import annotations

import datetime as dt
import re

WORKING_DAYS_A_WEEK = 5


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def is_monday(day: dt.date) -> bool:
    return day.weekday() == 0


def week_days(monday: dt.date) -> list[dt.date]:
    """Monday to Friday of the week starting on `monday`."""
    return [monday + dt.timedelta(days=n) for n in range(WORKING_DAYS_A_WEEK)]


def working_monday(today: dt.date) -> dt.date:
    """This week's Monday on a working day; at the weekend, the coming Monday."""
    if is_working_day(today):
        return monday_of(today)
    return monday_of(today) + dt.timedelta(weeks=1)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < WORKING_DAYS_A_WEEK


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days (Monday to Friday) after `day`."""
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(first: dt.date, last: dt.date) -> int:
    """How many working days there are from `first` to `last`, both included."""
    return sum(1 for n in range((last - first).days + 1) if is_working_day(first + dt.timedelta(n)))


# --- the range of dates the service means -------------------------------------------------
# No page, report or plan of the service reaches further back than its records are kept
# for day-to-day work, nor further ahead than anyone books; a date outside is a typing slip
# or a probe (and year 1 or 9999 overflows the date arithmetic of a week or a month).
YEARS_BACK = 5
YEARS_AHEAD = 3


# Only the plain forms (Python would also read "20261207" or "2026-W50-1").
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


class DateOutOfRange(ValueError):
    """A date the service would not mean; str() is a message for people."""


def earliest_day(today: dt.date) -> dt.date:
    return dt.date(today.year - YEARS_BACK, 1, 1)


def latest_day(today: dt.date) -> dt.date:
    return dt.date(today.year + YEARS_AHEAD, 12, 31)


def check_in_range(day: dt.date, *, today: dt.date) -> dt.date:
    """`day` if the service could mean it; DateOutOfRange otherwise."""
    first, last = earliest_day(today), latest_day(today)
    if not first <= day <= last:
        raise DateOutOfRange(
            f"{day.isoformat()} is out of range: give a date from {first:%d %B %Y} "
            f"to {last:%d %B %Y}."
        )
    return day


def parse_day(text: str, *, today: dt.date) -> dt.date:
    """A day written YYYY-MM-DD, within the service's range."""
    try:
        day = dt.date.fromisoformat(text) if _DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise DateOutOfRange("Give the date as YYYY-MM-DD.")
    return check_in_range(day, today=today)


def parse_week(text: str, *, today: dt.date) -> dt.date:
    """A rota week's Monday written YYYY-MM-DD, within the service's range."""
    day = parse_day(text, today=today)
    if not is_monday(day):
        raise DateOutOfRange(f"{day:%A %d %B %Y} is not a Monday; a rota week starts on one.")
    return day


def parse_month(text: str, *, today: dt.date) -> dt.date:
    """The first day of a month written YYYY-MM, within the service's range."""
    try:
        first = dt.date.fromisoformat(f"{text}-01") if _MONTH.fullmatch(text) else None
    except ValueError:
        first = None
    if first is None:
        raise DateOutOfRange("Give the month as YYYY-MM.")
    return check_in_range(first, today=today)
