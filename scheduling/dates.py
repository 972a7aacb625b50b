"""Dates from URLs and query strings, bounded to the service's range (`lib.weeks`).

A bad date in a path is an address that does not exist (404); one in a query string is the
user's slip, answered with `lib.weeks`' message. Every view that reads a date from the
request uses these, so none meets year 1 or 9999 in its date arithmetic.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from lib.weeks import DateOutOfRange, check_in_range, parse_day, parse_month, parse_week

__all__ = ["DateOutOfRange", "week_from_path", "day_from_query", "month_from_text", "in_range"]


def week_from_path(text: str) -> dt.date:
    """The Monday a URL names; 404 for anything but a Monday within range."""
    try:
        return parse_week(text, today=timezone.localdate())
    except DateOutOfRange as error:
        raise Http404(str(error)) from None


def day_from_query(text: str) -> dt.date:
    """A day from a query string; DateOutOfRange (with its message) if it is not one."""
    return parse_day(text, today=timezone.localdate())


def month_from_text(text: str) -> dt.date:
    """The first of a month written YYYY-MM; DateOutOfRange (with its message) otherwise."""
    return parse_month(text, today=timezone.localdate())


def in_range(day: dt.date) -> dt.date:
    """`day` if the service could mean it; DateOutOfRange otherwise."""
    return check_in_range(day, today=timezone.localdate())
