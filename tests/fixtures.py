"""Fixtures every test package may use (registered in tests/conftest.py)."""

import datetime as dt

import pytest
import time_machine

from tests.builders import small_county
from tests.factories import A_MONDAY

# The week the factories plan (A_MONDAY) is still to come: nothing in it has started, so the
# board and the solver may move all of it, whatever the day the suite runs.
BEFORE_THE_WEEK = dt.datetime.combine(A_MONDAY - dt.timedelta(days=6), dt.time(9, 0), tzinfo=dt.UTC)


@pytest.fixture
def quick_solver(settings):
    """A short, deterministic solver limit, so a solve in a test takes seconds."""
    settings.SOLVER_TIME_LIMIT_SECONDS = 5
    settings.SOLVER_DETERMINISTIC = True


@pytest.fixture
def before_the_week():
    """The clock six days before A_MONDAY (it ticks on), for tests of the week's rota."""
    with time_machine.travel(BEFORE_THE_WEEK, tick=True):
        yield BEFORE_THE_WEEK


@pytest.fixture
def county(before_the_week):
    """One venue with three rooms, four workers on Monday to Friday, six weekly plans."""
    return small_county()
