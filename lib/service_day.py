"""The service's day: its hours, the booking grid, and minutes counted from midnight."""

from __future__ import annotations

import datetime as dt

# Open Monday to Friday, 08:30 to 19:00 (the service's annual report).
SERVICE_OPENS = dt.time(8, 30)
SERVICE_CLOSES = dt.time(19, 0)
# Sessions start on a 5-minute grid counted from midnight (the scenario format's default).
GRID_MINUTES = 5


def minutes_of_day(value: dt.time | dt.datetime) -> int:
    """Whole minutes after midnight of a time of day (seconds are dropped)."""
    return value.hour * 60 + value.minute


def time_of_day(minutes: int) -> dt.time:
    """The time of day `minutes` after midnight."""
    return dt.time(minutes // 60, minutes % 60)


def clock(value: int | dt.time | dt.datetime) -> str:
    """'HH:MM' of minutes after midnight, or of a time of day."""
    minutes = value if isinstance(value, int) else minutes_of_day(value)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def on_grid(minutes: int, grid: int = GRID_MINUTES) -> bool:
    return minutes % grid == 0


def grid_starts(first: int, last: int, grid: int = GRID_MINUTES) -> range:
    """The grid's starts from `first` (rounded up to the grid) to `last` inclusive."""
    return range(first + (-first % grid), last + 1, grid)
