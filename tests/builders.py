"""Builders several test modules share: a team, a placed session, a small county.

Fixtures built from them are in tests/fixtures.py; factories of single rows in
tests/factories.py.
"""

import datetime as dt

from django.utils import timezone

from scheduling.models import ContactSession, SessionWorker
from scheduling.services.planning import week_plan_sessions
from tests.factories import (
    A_MONDAY,
    AreaFactory,
    ChildFactory,
    ContactPlanFactory,
    ContactSessionFactory,
    ReferralFactory,
    RoomFactory,
    RotaWeekFactory,
    SessionWorkerFactory,
    UserFactory,
    VenueFactory,
    WorkerFactory,
    working_weekdays,
)


def aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def team(code: str = "central"):
    """An area with its team leader, a venue, a room and one contact worker."""
    leader = UserFactory(username=f"tl-{code}", groups=["Team leader"])
    area = AreaFactory(code=code, name=code.title(), team_leader=leader)
    venue = VenueFactory(area=area, name=f"{code.title()} Contact Centre", address="1 High St")
    room = RoomFactory(venue=venue, name="Blue room")
    worker = WorkerFactory(area=area, base_venue=venue, name=f"{code.title()} Worker")
    return {"leader": leader, "area": area, "venue": venue, "room": room, "worker": worker}


def placed_session(
    *,
    room,
    workers=(),
    day: dt.date = A_MONDAY,
    hour: int = 16,
    status=ContactSession.Status.AWAITING_APPROVAL,
    plan=None,
    **kwargs,
) -> ContactSession:
    """A session at `hour` on `day` in `room` (None: virtual), with its workers holding time."""
    monday = day - dt.timedelta(days=day.weekday())
    area = room.venue.area if room else kwargs.pop("area")
    if plan is None:
        child = ChildFactory(area=area, first_name="Maisie")
        plan = ContactPlanFactory(
            referral=ReferralFactory(children=[child]),
            slots=[],
            attendees="Mother and grandmother",
            shared_notes="Mother must not be told the placement address.",
            mode="virtual" if room is None else "supervised",
        )
    session = ContactSessionFactory(
        rota_week=RotaWeekFactory(week_start=monday),
        plan=plan,
        day=day,
        earliest_start=dt.time(hour),
        latest_start=dt.time(hour, 30),
        starts_at=aware(day, hour),
        room=room,
        status=status,
        **kwargs,
    )
    for worker in workers:
        SessionWorkerFactory(session=session, worker=worker)
    return session


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


def small_county():
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


def intake_post(**overrides) -> dict:
    """The intake page's form data for a court referral with a weekly plan and no new child."""
    data = {
        "referral-referrer_name": "Sam Social",
        "referral-referrer_team": "CiC",
        "referral-received_on": "2026-12-01",
        "referral-priority": "court",
        "child-TOTAL_FORMS": "1",
        "child-INITIAL_FORMS": "0",
        "plan-attendees": "Mother",
        "plan-participants": "2",
        "plan-every_weeks": "1",
        "plan-duration_minutes": "90",
        "plan-mode": "supervised",
        "plan-workers_needed": "1",
        "plan-transport": "carer",
        "plan-transport_before_minutes": "0",
        "plan-transport_after_minutes": "0",
        "plan-starts_on": "2026-12-07",
        "slot-TOTAL_FORMS": "1",
        "slot-INITIAL_FORMS": "0",
        "slot-0-weekday": "0",
        "slot-0-earliest_start": "16:00",
        "slot-0-latest_start": "17:00",
    }
    data.update(overrides)
    return data
