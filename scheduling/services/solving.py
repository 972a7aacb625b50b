"""Solving a week: start a run, solve it, and write the proposed rota in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from auditlog.context import disable_auditlog
from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from audit import log_bulk_changes as audit_log_bulk_changes
from scheduling import solver
from scheduling.exchange import WeekProblem, week_problem, week_snapshot
from scheduling.models import ContactSession, RotaWeek, SessionWorker, SolverRun

logger = logging.getLogger(__name__)


class WeekChangedError(Exception):
    """The week's sessions changed while the solver was working."""


def _stale_before() -> dt.datetime:
    """Runs active for longer than the task's hard limit died with their worker."""
    return timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def solver_run_create(
    *,
    rota_week: RotaWeek,
    trigger: str,
    started_by=None,
    time_limit: float | None = None,
    seed: int = 0,
    as_of: dt.datetime | None = None,
) -> SolverRun:
    """A queued run for the week; refused while another run of the week is active.

    `as_of` plans the week as of that moment instead of now (the demo's history replay).
    """
    with transaction.atomic():
        RotaWeek.objects.select_for_update().get(pk=rota_week.pk)
        SolverRun.objects.filter(
            rota_week=rota_week, status__in=SolverRun.ACTIVE, created_at__lt=_stale_before()
        ).update(
            status=SolverRun.Status.FAILED,
            error="Abandoned: the worker running it stopped.",
            finished_at=timezone.now(),
        )
        if SolverRun.objects.filter(rota_week=rota_week, status__in=SolverRun.ACTIVE).exists():
            raise ValidationError(f"{rota_week} is already being planned.")
        try:
            with transaction.atomic():
                return SolverRun.objects.create(
                    rota_week=rota_week,
                    trigger=trigger,
                    started_by=started_by,
                    parameters={
                        "time_limit": time_limit or settings.SOLVER_TIME_LIMIT_SECONDS,
                        "seed": seed,
                        "deterministic": settings.SOLVER_DETERMINISTIC,
                        **({"as_of": as_of.isoformat()} if as_of else {}),
                    },
                )
        except IntegrityError:  # another request won the race
            raise ValidationError(f"{rota_week} is already being planned.") from None


def solver_run_start(
    *,
    rota_week: RotaWeek,
    trigger: str,
    started_by=None,
    time_limit: float | None = None,
    seed: int = 0,
) -> SolverRun:
    """Queue the solver for a week; the task is sent once the run is committed."""
    run = solver_run_create(
        rota_week=rota_week,
        trigger=trigger,
        started_by=started_by,
        time_limit=time_limit,
        seed=seed,
    )
    transaction.on_commit(lambda: solver_run_send(run=run))
    return run


QUEUE_UNAVAILABLE = "Planning is unavailable: the task queue cannot be reached."
# Looked up by name in the Celery app's task registry, so this module need not import the
# task module that imports it.
SOLVE_WEEK_TASK = "scheduling.tasks.solve_week"


def solver_run_send(*, run: SolverRun) -> bool:
    """Hand the run to the solver queue; if the broker is down, fail the run at once.

    Otherwise the run would sit "queued" for ever and the board would wait on it; the deputy
    is told planning is unavailable, and everything else keeps working.
    """
    try:
        # A fresh connection each time (plans are started a few times a day): it reads the
        # broker URL as configured now, and a dead broker fails fast instead of retrying.
        with current_app.connection_for_write() as connection:
            current_app.tasks[SOLVE_WEEK_TASK].apply_async(
                args=[run.pk],
                connection=connection,
                retry=True,
                retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
            )
    except (KombuOperationalError, OSError) as error:
        logger.error("Solver run %s not queued: %s", run.pk, error)
        SolverRun.objects.filter(pk=run.pk, status=SolverRun.Status.QUEUED).update(
            status=SolverRun.Status.FAILED, error=QUEUE_UNAVAILABLE, finished_at=timezone.now()
        )
        return False
    return True


def _progress_writer(run: SolverRun) -> Callable[[dict], None]:
    last = [0.0]

    def write(update: dict) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and update.get("fraction", 0) < 1:
            return
        last[0] = now
        fields = {"progress": min(max(float(update.get("fraction", 0)), 0.0), 1.0)}
        if update.get("stage"):
            fields["stage"] = str(update["stage"])[:40]
        if update.get("objective") is not None:
            fields["objective"] = update["objective"]
        if update.get("bound") is not None:
            fields["bound"] = update["bound"]
        SolverRun.objects.filter(pk=run.pk).update(**fields)

    return write


def solver_run_execute(*, run_id: int) -> SolverRun:
    """Solve the run's week and write the proposed rota; safe to call twice.

    A run that already finished is left alone. A failure leaves the week as it was and is
    recorded on the run.
    """
    run = SolverRun.objects.select_related("rota_week").get(pk=run_id)
    if run.status not in SolverRun.ACTIVE:
        return run
    SolverRun.objects.filter(pk=run.pk).update(
        status=SolverRun.Status.RUNNING, started_at=timezone.now(), stage="reading", progress=0
    )
    try:
        params = run.parameters
        as_of = dt.datetime.fromisoformat(params["as_of"]) if params.get("as_of") else None
        problem = week_problem(rota_week=run.rota_week, as_of=as_of)
        solution = solver.solve(
            problem.scenario,
            time_limit=float(params.get("time_limit", settings.SOLVER_TIME_LIMIT_SECONDS)),
            seed=int(params.get("seed", 0)),
            deterministic=bool(params.get("deterministic", False)),
            previous=problem.current if problem.current.assignments else None,
            progress=_progress_writer(run),
        )
        report = solver.check(problem.scenario, solution)
        if not report.valid:
            raise RuntimeError(
                "The solver's rota breaks a rule; nothing was written: "
                + "; ".join(str(v) for v in report.violations[:5])
            )
        changes = rota_apply_solution(
            problem=problem, solution=solution, run_id=run.pk, by=run.started_by
        )
    except Exception as error:
        logger.exception("Solver run %s failed", run.pk)
        SolverRun.objects.filter(pk=run.pk).update(
            status=SolverRun.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    stats = solution.stats or {}
    SolverRun.objects.filter(pk=run.pk).update(
        status=SolverRun.Status.SUCCEEDED,
        stage="done",
        progress=1.0,
        objective=report.objective,
        bound=stats.get("bound"),
        sessions_total=report.coverage["total"],
        sessions_placed=report.coverage["assigned"],
        court_total=report.court_coverage["total"],
        court_placed=report.court_coverage["assigned"],
        travel_minutes=report.travel_minutes,
        continuity_rate=report.continuity_rate.get("percent"),
        relief_sessions=report.relief_sessions,
        changes=changes,
        wall_seconds=stats.get("wall_seconds"),
        stats={**_jsonable(stats), "released_pins": problem.released_pins},
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def _local(day: dt.date, minute: int) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    return timezone.make_aware(naive)


@transaction.atomic
def rota_apply_solution(
    *, problem: WeekProblem, solution: solver.Solution, run_id: int | None = None, by=None
) -> int:
    """Write a solution of the week's problem; returns how many sessions changed.

    Pinned and booked sessions the problem kept as pins, and settled ones (started, held or
    recorded), are never touched. All free sessions are cleared first and then placed, so no
    moment of the write holds an overlap the database constraints would refuse. The write is in
    bulk, which the audit trail's signals do not see, so each changed session gets its audit
    entry here, naming the solver run.
    """
    with disable_auditlog():
        return _rota_apply_solution(problem=problem, solution=solution, run_id=run_id, by=by)


def _placement(assignment: solver.Assignment | None, session: ContactSession) -> str:
    """A placement in words for the audit trail (rooms and workers by their rota codes)."""
    if assignment is None:
        return "unplaced"
    start = _local(session.day, assignment.start)
    workers = ", ".join(sorted(assignment.workers)) or "none"
    return f"{start:%a %d %b %H:%M}, room {assignment.room or 'none'}, workers {workers}"


_WRITTEN_FIELDS = [
    "starts_at",
    "ends_at",
    "room",
    "unplaced_reason",
    "changed_in_replan",
    "status",
    "version",
]


def _unplace(free: dict[str, ContactSession]) -> None:
    """Clear the free sessions' places in the database before any is placed again.

    Otherwise a session moved into another's old place would overlap it until that one is
    written too, which the database's exclusion constraints refuse.
    """
    SessionWorker.objects.filter(session__in=free.values()).delete()
    ContactSession.objects.filter(pk__in=[s.pk for s in free.values()]).update(
        starts_at=None, ends_at=None, room=None
    )


def _mark_change(
    session: ContactSession,
    new: solver.Assignment | None,
    old: solver.Assignment | None,
    *,
    published: bool,
) -> dict | None:
    """Flag the session as moved or not; returns its audit fields if it moved."""
    changed = _differs(new, old)
    session.changed_in_replan = published and changed
    if not changed:
        return None
    fields = {"placement": [_placement(old, session), _placement(new, session)]}
    if session.is_live:
        # A booking the team leader approved has moved: it needs approving again.
        fields["status"] = [session.status, ContactSession.Status.AWAITING_APPROVAL]
        session.status = ContactSession.Status.AWAITING_APPROVAL
    session.version += 1
    return fields


def _place(
    session: ContactSession, new: solver.Assignment | None, *, problem: WeekProblem, reason: str
) -> list[SessionWorker]:
    """Set the session's time and room from its assignment; returns its workers' rows."""
    if new is None:
        session.starts_at = session.ends_at = session.room_id = None
        session.unplaced_reason = reason[:300]
        return []
    session.starts_at = _local(session.day, new.start)
    session.ends_at = session.starts_at + dt.timedelta(minutes=session.duration_minutes)
    session.room_id = problem.rooms[new.room] if new.room else None
    session.unplaced_reason = ""
    busy_from = session.starts_at - dt.timedelta(minutes=session.transport_before_minutes)
    busy_to = session.ends_at + dt.timedelta(minutes=session.transport_after_minutes)
    return [
        SessionWorker(
            session=session,
            worker_id=problem.workers[code],
            busy_from=busy_from,
            busy_to=busy_to,
        )
        for code in new.workers
    ]


def _log_and_propose(
    rota_week: RotaWeek, audit: dict, *, published: bool, run_id: int | None, by
) -> None:
    """Audit the changed sessions; a week not yet published becomes proposed."""
    extra = {"solver_run": run_id, "note": "Written by the rota solver"}
    audit_log_bulk_changes(model=ContactSession, changes=audit, actor=by, extra=extra)
    if not published:
        audit_log_bulk_changes(
            model=RotaWeek,
            changes={rota_week.pk: {"state": [rota_week.state, RotaWeek.State.PROPOSED]}},
            actor=by,
            extra={**extra, "sessions_changed": sorted(audit)},
        )
        rota_week.state = RotaWeek.State.PROPOSED
    rota_week.save(update_fields=["state", "updated_at"])


def _without_settled_since(
    free: dict[str, ContactSession], *, placed, before, now: dt.datetime
) -> dict:
    """The free sessions less those settled (started, recorded) while the solver worked.

    One the solution leaves where it was is simply not written; one it would move cannot be,
    and the rest of the solution may count on its old place, so nothing is written.
    """
    since = set(
        ContactSession.objects.filter(pk__in=[s.pk for s in free.values()])
        .settled(now)
        .values_list("pk", flat=True)
    )
    keep = {}
    for key, session in free.items():
        if session.pk not in since:
            keep[key] = session
        elif _differs(placed.get(key), before.get(key)):
            raise WeekChangedError(
                "A session started while the week was being planned; plan it again."
            )
    return keep


def _rota_apply_solution(
    *, problem: WeekProblem, solution: solver.Solution, run_id: int | None, by
) -> int:
    rota_week = RotaWeek.objects.select_for_update().get(pk=problem.rota_week.pk)
    if week_snapshot(rota_week) != problem.snapshot:
        raise WeekChangedError(
            "The week's sessions changed while it was being planned; plan it again."
        )
    pinned = {p.session for p in problem.scenario.pinned} | problem.settled
    placed = {a.session: a for a in solution.assignments}
    reasons = {u.session: u.reason for u in solution.unassigned}
    before = {a.session: a for a in problem.current.assignments}
    free = {key: s for key, s in problem.sessions.items() if key not in pinned}
    free = _without_settled_since(
        free, placed=placed, before=before, now=problem.as_of or timezone.now()
    )
    published = rota_week.state == RotaWeek.State.PUBLISHED

    _unplace(free)
    changes = 0
    staffing = []
    audit = {}
    for key, session in free.items():
        new = placed.get(key)
        fields = _mark_change(session, new, before.get(key), published=published)
        if fields is not None:
            audit[session.pk] = fields
            changes += 1
        staffing += _place(session, new, problem=problem, reason=reasons.get(key, ""))
    ContactSession.objects.bulk_update(free.values(), _WRITTEN_FIELDS, batch_size=500)
    SessionWorker.objects.bulk_create(staffing, batch_size=500)
    _log_and_propose(rota_week, audit, published=published, run_id=run_id, by=by)
    return changes


def _differs(new: solver.Assignment | None, old: solver.Assignment | None) -> bool:
    if new is None or old is None:
        return (new is None) != (old is None)
    return (new.start, new.room, sorted(new.workers)) != (old.start, old.room, sorted(old.workers))


def weeks_replan(*, sessions, by) -> tuple[list[SolverRun], list[str]]:
    """Re-plan the rota weeks holding `sessions` in the solver's little-disruption mode.

    Booked sessions stay pinned unless they became invalid (their worker is now away); those
    are placed again. Sessions that have started, been held or recorded stay exactly as they
    are, even when their worker is now away (`week_problem`). Returns the queued runs and the
    messages of weeks that could not start.
    """
    week_ids = sorted({s.rota_week_id for s in sessions})
    runs, problems = [], []
    for rota_week in RotaWeek.objects.filter(pk__in=week_ids).order_by("week_start"):
        try:
            runs.append(
                solver_run_start(
                    rota_week=rota_week, trigger=SolverRun.Trigger.REPLAN, started_by=by
                )
            )
        except ValidationError as error:
            problems += error.messages
    return runs, problems
