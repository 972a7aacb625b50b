"""A small county with one of every object the access tests open, and a user per role."""

import datetime as dt

from scheduling.models import ContactSession, SessionRecord, SolverRun
from scheduling.services.records import session_record_save
from staffing.models import Absence
from staffing.services import worker_calendar_regenerate
from tests.builders import placed_session, team
from tests.factories import A_MONDAY, UserFactory


def access_world() -> dict:
    """Sessions awaiting approval, booked and recorded, an absence, a solver run; users."""
    t, north = team(), team("north")
    worker = worker_calendar_regenerate(worker=t["worker"])
    awaiting = placed_session(room=t["room"], workers=[worker], hour=10, day=A_MONDAY)
    booked = placed_session(room=t["room"], workers=[worker], status=ContactSession.Status.BOOKED)
    recorded = placed_session(
        room=t["room"],
        workers=[worker],
        status=ContactSession.Status.BOOKED,
        day=A_MONDAY,
        hour=12,
    )
    record = session_record_save(
        session=recorded,
        author=worker.user,
        attendance=SessionRecord.Attendance.ATTENDED,
        actual_start=dt.time(12),
        actual_end=dt.time(13, 30),
        observations="Fine.",
        submit=True,
    )
    absence = Absence.objects.create(
        worker=worker, kind="sickness", starts_on=A_MONDAY, ends_on=A_MONDAY
    )
    users = {
        "worker": worker.user,
        "other_worker": north["worker"].user,
        "leader": t["leader"],
        "other_leader": north["leader"],
        "deputy": UserFactory(username="deputy", groups=["Deputy team leader"]),
        "admin": UserFactory(username="administrator", groups=["Administrator"], is_staff=True),
    }
    return {
        "users": users,
        "awaiting": awaiting,
        "booked": booked,
        "record": record,
        "absence": absence,
        "run": SolverRun.objects.create(rota_week=awaiting.rota_week, trigger="command"),
        "referral": awaiting.plan.referral,
        "plan": awaiting.plan,
        "token": worker.calendar_token,
    }
