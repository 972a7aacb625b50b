"""Fixtures for the rota tests: a small county whose week the solver can fully place, and
that week placed by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from scheduling.models import ContactSession, RotaWeek, SessionWorker
from scheduling.services.planning import week_plan_sessions
from staffing import roles
from tests.factories import (
    A_MONDAY,
    AreaFactory,
    ContactPlanFactory,
    ReferralFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    WorkerFactory,
    working_weekdays,
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
    working_weekdays(workers)
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


def place(session, start: dt.time, room, workers):
    """Put a session somewhere directly, as a solver write-back would."""
    session.starts_at = timezone.make_aware(dt.datetime.combine(session.day, start))
    session.ends_at = session.starts_at + dt.timedelta(minutes=session.duration_minutes)
    session.room = room
    session.save()
    for worker in workers:
        SessionWorker.objects.create(
            session=session,
            worker=worker,
            busy_from=session.starts_at - dt.timedelta(minutes=session.transport_before_minutes),
            busy_to=session.ends_at + dt.timedelta(minutes=session.transport_after_minutes),
        )
    return session


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
