"""A county's week planned, solved and published, for the tests that start from a live rota."""

import datetime as dt

from scheduling.models import SolverRun
from scheduling.services.board import rota_week_publish
from scheduling.services.planning import week_plan_sessions
from scheduling.services.solving import solver_run_create, solver_run_execute
from scheduling.services.weeks import rota_week_get
from tests.factories import (
    A_MONDAY,
    ContactPlanFactory,
    ReferralFactory,
    UserFactory,
    working_weekdays,
)


def publish_solved_week(*, venue, workers, time_limit: float | None = None):
    """`workers` on Monday to Friday 08:30-19:00 and six weekly plans at `venue` (three on
    Monday, three on Tuesday, starting 15:30-17:00); A_MONDAY's week planned, solved (within
    `time_limit` seconds, or the setting's) and published by a deputy. Returns the week."""
    working_weekdays(workers)
    for n in range(6):
        ContactPlanFactory(
            referral=ReferralFactory(),
            venues=[venue],
            slots=[
                {
                    "weekday": n % 2,
                    "earliest_start": dt.time(15, 30),
                    "latest_start": dt.time(17, 0),
                }
            ],
        )
    week_plan_sessions(week_start=A_MONDAY)
    rota_week = rota_week_get(week_start=A_MONDAY)
    run = solver_run_create(
        rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND, time_limit=time_limit
    )
    assert solver_run_execute(run_id=run.pk).status == SolverRun.Status.SUCCEEDED
    rota_week_publish(rota_week=rota_week, by=UserFactory(groups=["Deputy team leader"]))
    return rota_week
