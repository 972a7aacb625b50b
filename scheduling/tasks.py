"""Celery tasks: thin adapters that take ids and call services."""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from lib.weeks import monday_of
from scheduling.models import RotaWeek, SolverRun
from scheduling.services.plan_changes import referrals_end_expired
from scheduling.services.solving import SOLVE_WEEK_TASK, solver_run_execute, solver_run_start
from scheduling.services.weeks import rota_week_get

logger = logging.getLogger(__name__)


@shared_task(
    name=SOLVE_WEEK_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def solve_week(run_id: int) -> str:
    """Solve one queued SolverRun; a finished run is left as it is, so a retry is harmless."""
    run = solver_run_execute(run_id=run_id)
    return run.status


@shared_task(time_limit=300)
def solve_weeks_ahead(weeks_ahead: int = 2) -> str:
    """The weekly schedule: generate and plan the week starting `weeks_ahead` weeks on."""
    from scheduling.services.planning import week_plan_sessions

    today = timezone.localdate()
    monday = monday_of(today) + dt.timedelta(weeks=weeks_ahead)
    rota_week = rota_week_get(week_start=monday)
    if rota_week.state == RotaWeek.State.PUBLISHED:
        return f"{rota_week} is already published; left as it is."
    week_plan_sessions(week_start=monday)
    try:
        run = solver_run_start(rota_week=rota_week, trigger=SolverRun.Trigger.SCHEDULE)
    except ValidationError as error:
        logger.info("Scheduled planning skipped: %s", error.messages[0])
        return error.messages[0]
    return f"Queued solver run {run.pk} for {rota_week}"


@shared_task(soft_time_limit=240, time_limit=300)
def end_expired_referrals() -> str:
    """Daily: end referrals whose time-limited plans ran out; safe to run twice."""
    ended = referrals_end_expired(today=timezone.localdate())
    return f"Ended {len(ended)} referral(s)"
