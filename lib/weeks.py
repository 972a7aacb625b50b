"""Weeks and working days. The rota's week runs Monday to Friday."""

from __future__ import annotations

import datetime as dt

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
