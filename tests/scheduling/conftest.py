"""Fixtures for the rota tests: a small county whose week the solver can fully place."""

import datetime as dt

import pytest

from scheduling.services.planning import week_plan_sessions
from tests.factories import (
    A_MONDAY,
    AreaFactory,
    ContactPlanFactory,
    ReferralFactory,
    RoomFactory,
    VenueFactory,
    WorkerFactory,
    WorkingPatternFactory,
)


@pytest.fixture(autouse=True)
def quick_solver(settings):
    settings.SOLVER_TIME_LIMIT_SECONDS = 5
    settings.SOLVER_DETERMINISTIC = True


@pytest.fixture
def county():
    """One venue with three rooms, four workers on Monday to Friday, six weekly plans."""
    area = AreaFactory(code="central", name="Central")
    venue = VenueFactory(area=area, slug="sandy-bank", name="Sandy Bank")
    rooms = [RoomFactory(venue=venue, slug=f"sandy-bank-{n}", capacity=6) for n in (1, 2, 3)]
    workers = [
        WorkerFactory(area=area, base_venue=venue, code=f"w{n}", name=f"Worker {n}")
        for n in (1, 2, 3, 4)
    ]
    for worker in workers:
        for weekday in range(5):
            WorkingPatternFactory(
                worker=worker, weekday=weekday, starts=dt.time(8, 30), ends=dt.time(19, 0)
            )
    plans = []
    for n in range(6):
        referral = ReferralFactory(priority=["court", "risk", "standard"][n % 3])
        plans.append(
            ContactPlanFactory(
                referral=referral,
                venues=[venue],
                duration_minutes=90,
                slots=[
                    {
                        "weekday": n % 2,
                        "earliest_start": dt.time(15, 30),
                        "latest_start": dt.time(17, 0),
                    }
                ],
            )
        )
    week_plan_sessions(week_start=A_MONDAY)
    return {"area": area, "venue": venue, "rooms": rooms, "workers": workers, "plans": plans}
