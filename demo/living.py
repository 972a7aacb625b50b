"""The demo county as it stands on the day it is loaded: a service in motion.

On top of the county (`demo.county`): the past three months and this week until now held
(placed with the greedy construction, each week planned as of two weeks before it as the
service plans, then played out as `demo.month` plays a month); this week published and booked;
next week published and awaiting each team leader's approval; the week after proposed by a
short CP-SAT solve, as Celery beat leaves it on a Monday; the week after that still draft.

On a Saturday or Sunday "this week" is the coming one (as the county's own weeks are), so the
worker's page shows Monday's sessions and Friday's waiting for their records.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from demo import month as played_month
from demo.county import DemoSummary, demo_county_build
from lib.weeks import is_working_day, monday_of
from referrals.models import Child, ContactPlan, ContactPlanSlot, Referral, SiblingGroup
from reports.models import AgencySession, TaxiBooking
from reports.selectors import month_bounds, supervision_interval_weeks
from scheduling import solver
from scheduling.exchange import week_problem
from scheduling.models import (
    ContactSession,
    RotaWeek,
    SessionRecord,
    SessionRecordAddendum,
    SessionWorker,
    SolverRun,
)
from scheduling.services.approvals import session_approve
from scheduling.services.board import rota_week_publish
from scheduling.services.planning import week_plan_sessions
from scheduling.services.solving import (
    rota_apply_solution,
    solver_run_create,
    solver_run_execute,
)
from scheduling.services.weeks import rota_week_get
from staffing.models import Absence, ReliefSupervision, Skill, Worker, WorkingPattern
from venues.models import Area, Room, RoomClosure, RoomFeature, TravelTime, Venue

HISTORY_MONTHS = 3
# Short enough for `make run`; deterministic (SOLVER_DETERMINISTIC), so the same seed and day
# give the same proposal.
PROPOSAL_SECONDS = 5

S = ContactSession.Status


@dataclass
class LivingSummary:
    county: DemoSummary
    history_weeks: list[dt.date] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    booked: int = 0
    awaiting: int = 0
    proposal: str = ""
    supervision_due: str = ""


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _months_back(first_of_month: dt.date, count: int) -> dt.date:
    year, month = divmod(first_of_month.year * 12 + first_of_month.month - 1 - count, 12)
    return dt.date(year, month + 1, 1)


def _previous_working_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _place_greedily(week_start: dt.date, *, as_of: dt.datetime | None) -> None:
    problem = week_problem(rota_week=rota_week_get(week_start=week_start), as_of=as_of)
    rota_apply_solution(problem=problem, solution=solver.greedy(problem.scenario))


@transaction.atomic
def demo_living_build(
    *,
    seed: int = 1,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> LivingSummary:
    """Build the demo county and its history, weeks and queues as of `now`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    county = demo_county_build(seed=seed, today=today)
    summary = LivingSummary(county=county)
    monday = county.monday  # this week's, or the coming one's at a weekend
    progress(f"county built: {county.children} children, {county.referrals} referrals")

    # The history: from the first of the month three months back until this week.
    start = _months_back(today.replace(day=1), HISTORY_MONTHS)
    week_start = monday_of(start)
    while week_start < monday:
        week_plan_sessions(week_start=week_start)
        # The days before the history starts stay empty: a month is held whole or not at all.
        ContactSession.objects.filter(rota_week__week_start=week_start, day__lt=start).delete()
        _place_greedily(week_start, as_of=_aware(week_start - dt.timedelta(weeks=2), 6))
        summary.history_weeks.append(week_start)
        week_start += dt.timedelta(weeks=1)
    progress(f"history placed: {len(summary.history_weeks)} weeks from {start:%d %b %Y}")

    deputy = get_user_model().objects.get(username="deputy")
    # This week: planned two weeks ago, published, every booking approved by its team leader.
    _place_greedily(monday, as_of=_aware(monday - dt.timedelta(weeks=2), 6))
    rota_week_publish(rota_week=rota_week_get(week_start=monday), by=deputy)
    leaders = {a.pk: a.team_leader for a in Area.objects.select_related("team_leader")}
    awaiting = ContactSession.objects.filter(
        rota_week__week_start=monday, status=S.AWAITING_APPROVAL
    ).with_area()
    for session in awaiting.order_by("pk"):
        session_approve(session=session, by=leaders[session.area_id] or deputy)
        summary.booked += 1
    progress(f"this week published and {summary.booked} sessions booked")

    # What has happened until now: each month played out, this week's sessions over by now.
    records_before = _previous_working_day(today)
    first, month_number = start, 0
    while first <= today:
        played = played_month.PlayedMonth()
        played_month._outcomes(
            first=first,
            last=min(month_bounds(first)[1], today),
            seed=seed * 100 + month_number,
            played=played,
            statuses=(S.PROPOSED, S.BOOKED),
            ended_by=now,
            records_before=records_before,
        )
        for key, n in played.outcomes.items():
            summary.outcomes[key] = summary.outcomes.get(key, 0) + n
        progress(f"{first:%B %Y} played out: {played.outcomes_in_words()}")
        first = month_bounds(first)[1] + dt.timedelta(days=1)
        month_number += 1

    # Next week: published, each team leader's queue waiting.
    next_week = monday + dt.timedelta(weeks=1)
    _place_greedily(next_week, as_of=None)
    summary.awaiting = rota_week_publish(rota_week=rota_week_get(week_start=next_week), by=deputy)
    progress(f"next week published: {summary.awaiting} bookings awaiting approval")

    # The week after: proposed by the solver, as Celery beat runs it on Monday mornings.
    proposed_week = monday + dt.timedelta(weeks=2)
    run = solver_run_create(
        rota_week=rota_week_get(week_start=proposed_week),
        trigger=SolverRun.Trigger.COMMAND,
        time_limit=PROPOSAL_SECONDS,
        seed=seed,
    )
    run = solver_run_execute(run_id=run.pk)
    summary.proposal = (
        f"{run.get_status_display()}, {run.sessions_placed}/{run.sessions_total} placed"
    )
    progress(f"week of {proposed_week:%d %b} proposed by the solver: {summary.proposal}")

    # The week after that: its sessions generated, not yet planned.
    week_plan_sessions(week_start=monday + dt.timedelta(weeks=3))

    summary.supervision_due = _supervision_due_this_week(today=today, monday=monday, by=deputy)
    progress(f"supervision due this week: {summary.supervision_due}")
    return summary


def _supervision_due_this_week(*, today: dt.date, monday: dt.date, by) -> str:
    """Move the busiest relief worker's last supervision so the next falls due this week.

    The due date is the report's: the last supervision plus 4 to 12 weeks by the sessions
    worked in the four weeks to today (`reports.selectors`).
    """
    recent = Q(
        staffing__holds_time=True,
        staffing__session__day__gte=today - dt.timedelta(days=27),
        staffing__session__day__lte=today,
    ) & ~Q(staffing__session__status=S.CANCELLED)
    worker = (
        Worker.objects.filter(kind=Worker.Kind.RELIEF, is_active=True)
        .annotate(recent_sessions=Count("staffing", filter=recent, distinct=True))
        .order_by("-recent_sessions", "code")
        .first()
    )
    due = max(today, monday + dt.timedelta(days=3))  # this Thursday, or today if later
    weeks = supervision_interval_weeks(worker.recent_sessions)
    held = due - dt.timedelta(weeks=weeks)
    worker.supervisions.filter(held_on__gte=held).delete()
    ReliefSupervision.objects.create(
        worker=worker, held_on=held, supervisor=by, notes="Use reviewed; next in the diary."
    )
    return f"{worker.name} on {due:%a %d %b}"


@transaction.atomic
def demo_county_empty() -> None:
    """Delete the county, its rota and its history, children first; superusers stay."""
    from auditlog.models import LogEntry

    for model in (
        TaxiBooking,
        AgencySession,
        SessionRecordAddendum,
        SessionRecord,
        SessionWorker,
    ):
        model.objects.all().delete()
    # Virtual stand-ins name the session they replace.
    ContactSession.objects.filter(replaces__isnull=False).delete()
    for model in (
        ContactSession,
        SolverRun,
        RotaWeek,
        ContactPlanSlot,
        ContactPlan,
        Referral,
        Child,
        SiblingGroup,
        ReliefSupervision,
        Absence,
        WorkingPattern,
        Worker,
        Skill,
        RoomClosure,
        TravelTime,
    ):
        model.objects.all().delete()
    Area.objects.update(team_leader=None)
    for model in (Room, Venue, RoomFeature, Area):
        model.objects.all().delete()
    Session.objects.all().delete()
    get_user_model().objects.filter(is_superuser=False).delete()
    LogEntry.objects.all().delete()
