"""The solve pipeline: week problem, solver run, write-back, retries, locking, re-planning."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from scheduling.exchange import week_problem
from scheduling.models import ContactSession, RotaWeek, SessionRecord, SessionWorker, SolverRun
from scheduling.services.solving import (
    WeekChangedError,
    rota_apply_solution,
    solver_run_create,
    solver_run_execute,
)
from scheduling.services.weeks import rota_week_get
from staffing.models import Absence
from tests.factories import A_MONDAY, UserFactory

pytestmark = pytest.mark.django_db


def run_week(**kwargs):
    rota_week = rota_week_get(week_start=A_MONDAY)
    run = solver_run_create(rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND, **kwargs)
    return solver_run_execute(run_id=run.pk)


def placements():
    return {
        s.pk: (s.starts_at, s.room_id, tuple(sorted(w.pk for w in s.workers.all())))
        for s in ContactSession.objects.prefetch_related("workers")
    }


def test_solving_a_week_places_every_session_and_records_the_run(county):
    run = run_week()

    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    assert (run.sessions_placed, run.sessions_total) == (6, 6)
    assert (run.court_placed, run.court_total) == (2, 2)
    assert run.progress == 1.0
    assert run.wall_seconds is not None and run.finished_at is not None
    assert RotaWeek.objects.get().state == RotaWeek.State.PROPOSED
    for session in ContactSession.objects.all():
        assert session.starts_at is not None and session.room is not None
        local = timezone.localtime(session.starts_at)
        assert dt.time(15, 30) <= local.time() <= dt.time(17, 0)
        assert session.staffing.count() == 1


def test_the_written_rota_is_valid_by_the_solvers_checker(county):
    from scheduling import solver

    run_week()
    problem = week_problem(rota_week=RotaWeek.objects.get())
    report = solver.check(problem.scenario, problem.current)

    assert report.valid, report.violations
    assert report.coverage["assigned"] == 6


def test_running_a_finished_run_again_changes_nothing(county):
    run = run_week()
    before = placements()
    versions = dict(ContactSession.objects.values_list("pk", "version"))

    again = solver_run_execute(run_id=run.pk)

    assert again.status == SolverRun.Status.SUCCEEDED
    assert placements() == before
    assert dict(ContactSession.objects.values_list("pk", "version")) == versions


def test_a_run_interrupted_while_running_is_finished_by_its_retry(county):
    rota_week = rota_week_get(week_start=A_MONDAY)
    run = solver_run_create(rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND)
    SolverRun.objects.filter(pk=run.pk).update(status=SolverRun.Status.RUNNING)

    retried = solver_run_execute(run_id=run.pk)

    assert retried.status == SolverRun.Status.SUCCEEDED
    assert retried.sessions_placed == 6


def test_a_second_active_run_of_a_week_is_refused(county):
    rota_week = rota_week_get(week_start=A_MONDAY)
    solver_run_create(rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND)

    with pytest.raises(ValidationError, match="already being planned"):
        solver_run_create(rota_week=rota_week, trigger=SolverRun.Trigger.BROWSER)


def test_a_run_abandoned_by_a_dead_worker_does_not_block_the_week(county):
    rota_week = rota_week_get(week_start=A_MONDAY)
    stale = solver_run_create(rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND)
    SolverRun.objects.filter(pk=stale.pk).update(
        status=SolverRun.Status.RUNNING, created_at=timezone.now() - dt.timedelta(hours=3)
    )

    fresh = solver_run_create(rota_week=rota_week, trigger=SolverRun.Trigger.BROWSER)

    stale.refresh_from_db()
    assert stale.status == SolverRun.Status.FAILED
    assert "Abandoned" in stale.error
    assert fresh.status == SolverRun.Status.QUEUED


def test_a_failed_run_leaves_the_week_as_it_was_and_records_the_error(county):
    run_week()
    before = placements()
    rota_week = RotaWeek.objects.get()
    run = solver_run_create(rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND)
    SolverRun.objects.filter(pk=run.pk).update(parameters={"time_limit": "soon"})

    failed = solver_run_execute(run_id=run.pk)

    assert failed.status == SolverRun.Status.FAILED
    assert "soon" in failed.error
    assert placements() == before


def test_a_week_changed_while_planning_is_not_overwritten(county):
    from scheduling import solver

    rota_week = rota_week_get(week_start=A_MONDAY)
    problem = week_problem(rota_week=rota_week)
    solution = solver.greedy(problem.scenario)
    ContactSession.objects.filter(pk=ContactSession.objects.first().pk).update(version=99)

    with pytest.raises(WeekChangedError):
        rota_apply_solution(problem=problem, solution=solution)
    assert not SessionWorker.objects.exists()


def test_pinned_and_booked_sessions_keep_their_place(county):
    run_week()
    pinned, booked = ContactSession.objects.order_by("pk")[:2]
    ContactSession.objects.filter(pk=pinned.pk).update(pinned=True)
    ContactSession.objects.filter(pk=booked.pk).update(status=ContactSession.Status.BOOKED)
    before = placements()

    run = run_week()

    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    after = placements()
    assert after[pinned.pk] == before[pinned.pk]
    assert after[booked.pk] == before[booked.pk]


def test_replanning_after_sickness_moves_only_the_absent_workers_sessions(county):
    run_week()
    rota_week = RotaWeek.objects.get()
    rota_week.state = RotaWeek.State.PUBLISHED
    rota_week.save()
    ContactSession.objects.update(status=ContactSession.Status.BOOKED)
    monday = SessionWorker.objects.filter(session__day=A_MONDAY).select_related("worker")
    sick = monday.first().worker
    sick_sessions = set(monday.filter(worker=sick).values_list("session_id", flat=True))
    before = placements()
    Absence.objects.create(
        worker=sick, kind=Absence.Kind.SICKNESS, starts_on=A_MONDAY, ends_on=A_MONDAY
    )

    run = run_week()

    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    after = placements()
    moved = {pk for pk in before if after[pk] != before[pk]}
    assert moved == sick_sessions
    assert run.changes == len(sick_sessions)
    assert sorted(run.stats["released_pins"]) == sorted(f"s{pk}" for pk in sick_sessions)
    for session in ContactSession.objects.filter(pk__in=moved):
        assert session.changed_in_replan
        assert session.status == ContactSession.Status.AWAITING_APPROVAL
        assert sick not in session.workers.all()
    untouched = ContactSession.objects.exclude(pk__in=moved)
    assert not untouched.filter(changed_in_replan=True).exists()
    assert set(untouched.values_list("status", flat=True)) == {ContactSession.Status.BOOKED}


def test_weeks_start_on_monday():
    with pytest.raises(ValidationError, match="not a Monday"):
        rota_week_get(week_start=A_MONDAY + dt.timedelta(days=1))


def test_a_run_leaves_completed_and_recorded_sessions_as_they_are_though_their_workers_are_away(
    county,
):
    # Sunday before the week: neither session has started; what holds them is being held
    # (completed) and having a record (a draft, not yet submitted).
    with time_machine.travel(dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC), tick=True):
        run_week()
        completed, recorded = ContactSession.objects.filter(day=A_MONDAY).order_by("pk")[:2]
        ContactSession.objects.filter(pk=completed.pk).update(
            status=ContactSession.Status.COMPLETED
        )
        ContactSession.objects.filter(pk=recorded.pk).update(status=ContactSession.Status.BOOKED)
        SessionRecord.objects.create(
            session=recorded,
            author=UserFactory(),
            attendance=SessionRecord.Attendance.ATTENDED,
            observations="Draft.",
        )
        for session in (completed, recorded):
            for worker in session.workers.all():
                Absence.objects.create(
                    worker=worker,
                    kind=Absence.Kind.SICKNESS,
                    starts_on=A_MONDAY,
                    ends_on=A_MONDAY,
                )
        before = placements()
        rows = {
            s.pk: (s.status, s.version, s.unplaced_reason, s.changed_in_replan)
            for s in ContactSession.objects.filter(pk__in=[completed.pk, recorded.pk])
        }

        run = run_week()

    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    after = placements()
    for session in (completed, recorded):
        assert after[session.pk] == before[session.pk]
        fresh = ContactSession.objects.get(pk=session.pk)
        assert (fresh.status, fresh.version, fresh.unplaced_reason, fresh.changed_in_replan) == (
            rows[session.pk]
        )
    assert f"s{completed.pk}" not in run.stats["released_pins"]
    assert f"s{recorded.pk}" not in run.stats["released_pins"]
