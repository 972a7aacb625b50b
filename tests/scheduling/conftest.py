"""Fixtures for the rota tests: the small county's week placed by hand, and the deputy."""

import datetime as dt

import pytest

from scheduling.models import ContactSession, RotaWeek
from staffing import roles
from tests.builders import place
from tests.factories import (
    A_MONDAY,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _solver_runs_quickly(quick_solver):
    """Every rota test solves with a short, deterministic limit."""


def _proposed_and_placed_by_hand(county, *, day: dt.date | None = None):
    """The county's week, proposed, its sessions (or one day's) placed at 15:30: the day's
    first in room 1 with worker 1, its second in room 2 with worker 2, and so on."""
    week = RotaWeek.objects.get(week_start=A_MONDAY)
    week.state = RotaWeek.State.PROPOSED
    week.save()
    sessions = ContactSession.objects.filter(rota_week=week)
    if day is not None:
        sessions = sessions.filter(day=day)
    sessions = list(sessions.order_by("day", "pk"))
    used = {}
    for session in sessions:
        n = used.get(session.day, 0)
        used[session.day] = n + 1
        place(session, dt.time(15, 30), county["rooms"][n], [county["workers"][n]])
    return {**county, "week": week, "sessions": sessions}


@pytest.fixture
def placed_week(county):
    """The county's week with every session placed by hand, one per room per day."""
    return _proposed_and_placed_by_hand(county)


@pytest.fixture
def monday(county):
    """Monday's three sessions at 15:30, in rooms 1-3 with workers 1-3; the rest unplaced."""
    return _proposed_and_placed_by_hand(county, day=A_MONDAY)


@pytest.fixture
def deputy():
    return UserFactory(username="deputy", groups=[roles.DEPUTY])
