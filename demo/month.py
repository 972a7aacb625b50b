"""Play out a past month on a demo county, so the monthly report has something to show.

Demo data only: each week of the month is generated from the plans and placed by the rota
solver, as the deputy would; then what happened is drawn from a seeded random source in
proportions like the service's own (most sessions held, a few cancelled, some records late),
with the taxis booked and the agency's sessions for children placed out of county.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from lib.weeks import add_working_days, monday_of
from referrals.models import Child, ContactPlan, Referral
from reports.models import AgencySession, TaxiBooking
from reports.selectors import month_bounds
from scheduling.models import (
    ContactSession,
    SessionRecord,
    SessionRecordAddendum,
    SessionWorker,
    SolverRun,
)
from scheduling.services.planning import week_plan_sessions
from scheduling.services.solving import solver_run_create, solver_run_execute
from scheduling.services.weeks import rota_week_get

S = ContactSession.Status
R = ContactSession.CancelReason
CANCEL_REASONS = [
    (R.CHILD_ILL, 30),
    (R.PARENT_DID_NOT_ATTEND, 25),
    (R.CARER_CANCELLED, 20),
    (R.WORKER_ABSENT, 10),
    (R.VENUE_CLOSED, 5),
    (R.COURT_ORDER, 5),
    (R.OTHER, 5),
]
AGENCIES = ["Horizon Family Contact", "Northway Supervised Contact"]


@dataclass
class PlayedMonth:
    weeks: list[dt.date] = field(default_factory=list)
    solver_runs: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    agency_sessions: int = 0
    taxis: int = 0

    def outcomes_in_words(self) -> str:
        """'1,039 held, 90 cancelled, …', most first."""
        ordered = sorted(self.outcomes.items(), key=lambda item: -item[1])
        return ", ".join(f"{n:,} {_OUTCOME_WORDS.get(str(key), str(key))}" for key, n in ordered)


_OUTCOME_WORDS = {
    "completed": "held",
    "cancelled": "cancelled",
    "did_not_attend": "did not attend",
    "virtual_instead": "held by video instead",
    "uncovered": "left uncovered",
}


def _pick(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def month_play(*, month: dt.date, seed: int = 1, time_limit: float = 20) -> PlayedMonth:
    """Generate, solve and play out every week touching `month`; then record the month."""
    first, last = month_bounds(month)
    played = PlayedMonth()
    monday = monday_of(first)
    while monday <= last:
        week_plan_sessions(week_start=monday)
        run = solver_run_create(
            rota_week=rota_week_get(week_start=monday),
            trigger=SolverRun.Trigger.COMMAND,
            time_limit=time_limit,
            seed=seed,
            # Planned as the service plans it, two weeks ahead, so no session has started.
            as_of=_aware(monday - dt.timedelta(weeks=2), dt.time(6, 0)),
        )
        run = solver_run_execute(run_id=run.pk)
        played.weeks.append(monday)
        played.solver_runs.append(
            f"{monday:%d %b}: {run.get_status_display()}, "
            f"{run.sessions_placed}/{run.sessions_total} placed {run.error[:80]}"
        )
        monday += dt.timedelta(weeks=1)
    _outcomes(first=first, last=last, seed=seed, played=played)
    return played


@transaction.atomic
def _outcomes(
    *,
    first: dt.date,
    last: dt.date,
    seed: int,
    played: PlayedMonth,
    statuses=(S.PROPOSED,),
    ended_by: dt.datetime | None = None,
    records_before: dt.date | None = None,
) -> None:
    """Play out the sessions of `first` to `last` still in `statuses`.

    `ended_by` plays out only the sessions over by then (the living demo's today); a record
    is only written if its submission falls before `ended_by`, and none for sessions on or
    after `records_before` (yesterday's, still waiting for their records).
    """
    rng = random.Random(seed)
    fallback_author = get_user_model().objects.filter(is_superuser=True).first()
    sessions = ContactSession.objects.filter(day__gte=first, day__lte=last, status__in=statuses)
    if ended_by is not None:
        sessions = sessions.filter(Q(ends_at__lte=ended_by) | Q(starts_at__isnull=True))
    sessions = (
        sessions.select_related("plan__referral")
        # In a stated order: which worker writes a record, or is free for a virtual stand-in,
        # must not depend on the order the database happens to return rows in (--seed).
        .prefetch_related(
            Prefetch(
                "staffing",
                queryset=SessionWorker.objects.select_related("worker__user").order_by("pk"),
            ),
            Prefetch("plan__referral__children", queryset=Child.objects.order_by("pk")),
        )
        .order_by("day", "pk")
    )
    counts: dict[str, int] = {}
    writing = _Writing(now=ended_by, before=records_before)
    for session in sessions:
        staffing = list(session.staffing.all())
        if not session.starts_at or not staffing:
            counts["uncovered"] = counts.get("uncovered", 0) + 1
            continue  # never covered: stays open, and the report counts it against coverage
        roll = rng.random()
        if roll < 0.08:
            reason = _pick(rng, CANCEL_REASONS)
            session.status = S.CANCELLED
            session.cancel_reason = reason
            session.save(update_fields=["status", "cancel_reason"])
            SessionWorker.objects.filter(session=session).update(holds_time=False)
            if reason == R.CHILD_ILL and rng.random() < 0.5:
                _virtual_instead(session, staffing, rng, fallback_author, writing)
                counts["virtual_instead"] = counts.get("virtual_instead", 0) + 1
        elif roll < 0.11:
            session.status = S.DID_NOT_ATTEND
            session.save(update_fields=["status"])
        else:
            session.status = S.COMPLETED
            session.save(update_fields=["status"])
            _record(session, staffing, rng, fallback_author, writing)
        counts[session.status] = counts.get(session.status, 0) + 1
        if session.plan.transport == ContactPlan.Transport.TAXI and session.status != S.CANCELLED:
            child = session.plan.referral.children.all()[0]
            TaxiBooking.objects.create(
                session=session,
                area_id=child.area_id,
                day=session.day,
                cost=Decimal(rng.randint(1500, 4200)) / 100,
            )
            played.taxis += 1
    played.outcomes = counts
    away = (
        Referral.objects.filter(status=Referral.Status.ACTIVE, children__out_of_county=True)
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("pk")))
        .distinct()
        .order_by("pk")
    )
    for referral in away:
        child = next(c for c in referral.children.all() if c.out_of_county)
        day = first + dt.timedelta(days=(rng.randint(0, 4) - first.weekday()) % 7)
        while day <= last:
            AgencySession.objects.create(
                child=child,
                referral=referral,
                agency=rng.choice(AGENCIES),
                held_on=day,
                duration_minutes=120,
                cost=Decimal(rng.randint(16000, 21000)) / 100,
            )
            played.agency_sessions += 1
            day += dt.timedelta(weeks=1)


@dataclass
class _Writing:
    """Which records may exist yet: none submitted after `now`, none on or after `before`."""

    now: dt.datetime | None = None
    before: dt.date | None = None


def _record(session, staffing, rng, fallback_author, writing: _Writing) -> None:
    author = staffing[0].worker.user or fallback_author
    if author is None:
        return
    lag = _pick(rng, [(0, 45), (1, 30), (2, 13), (3, 6), (5, 3), (None, 3)])
    addendum = rng.random() < 0.03
    submitted = None
    if lag is not None:
        submitted = _aware(add_working_days(session.day, lag), dt.time(16, 30))
    if writing.before is not None and session.day >= writing.before:
        return  # not written yet
    if writing.now is not None and submitted is not None and submitted > writing.now:
        return  # the worker writes it later
    record = SessionRecord.objects.create(
        session=session,
        author=author,
        attendance=SessionRecord.Attendance.ATTENDED,
        observations="Demo record.",
        submitted_at=submitted,
    )
    if addendum and submitted is not None:
        SessionRecordAddendum.objects.create(
            record=record,
            author=author,
            text="Demo addendum: the carer reported the child slept well after contact.",
        )


def _virtual_instead(session, staffing, rng, fallback_author, writing: _Writing) -> None:
    """The child is ill: a short video call at the same time instead, with the same worker."""
    start = session.starts_at
    call = ContactSession.objects.create(
        rota_week=session.rota_week,
        plan=session.plan,
        slot=None,
        day=session.day,
        earliest_start=session.earliest_start,
        latest_start=session.latest_start,
        duration_minutes=30,
        mode="virtual",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        status=S.COMPLETED,
        replaces=session,
    )
    worker = staffing[0].worker
    SessionWorker.objects.create(
        session=call,
        worker=worker,
        busy_from=call.starts_at,
        busy_to=call.ends_at,
    )
    _record(call, staffing, rng, fallback_author, writing)
