"""Failure: the task queue down, and a solver worker killed in the middle of a run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from contact_service.celery import app
from scheduling.models import ContactSession, RotaWeek, SessionWorker, SolverRun
from scheduling.services.solving import (
    QUEUE_UNAVAILABLE,
    solver_run_create,
    solver_run_execute,
    solver_run_start,
)
from scheduling.services.weeks import rota_week_get
from staffing import roles
from tests.factories import A_MONDAY, UserFactory

pytestmark = pytest.mark.usefixtures("quick_solver")

WEEK = A_MONDAY.isoformat()


@pytest.fixture
def broker_down():
    """Point the Celery app's sending side at a port nobody listens on (refused at once).

    The write URL, because the environment's CELERY_BROKER_URL overrides `broker_url`.
    """
    before = app.conf.broker_write_url, app.conf.broker_transport_options
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = {}
    yield
    app.conf.broker_write_url, app.conf.broker_transport_options = before


@pytest.mark.django_db
def test_with_the_queue_down_a_run_fails_at_once_saying_planning_is_unavailable(
    county,
    broker_down,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run = solver_run_start(
            rota_week=rota_week_get(week_start=A_MONDAY), trigger=SolverRun.Trigger.COMMAND
        )

    run.refresh_from_db()
    assert run.status == SolverRun.Status.FAILED
    assert run.error == QUEUE_UNAVAILABLE
    # The week is not blocked: once the queue is back, planning can start again.
    assert not SolverRun.objects.filter(status__in=SolverRun.ACTIVE).exists()


@pytest.mark.django_db
def test_with_the_queue_down_the_board_says_so_and_the_other_pages_still_work(
    client,
    county,
    broker_down,
    django_capture_on_commit_callbacks,
):
    client.force_login(UserFactory(username="deputy", groups=[roles.DEPUTY]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scheduling:rota_plan", args=[WEEK]))

    assert response.status_code == 302
    board = client.get(response["Location"])
    assert board.status_code == 200
    assert "Planning is unavailable: the task queue cannot be reached" in board.content.decode()
    assert RotaWeek.objects.get(week_start=A_MONDAY).state == RotaWeek.State.DRAFT
    assert client.get(reverse("home")).status_code == 200


# --- a solver worker killed in the middle of writing the week ------------------------------

KILL_BROKER = "redis://127.0.0.1:6379/13"  # its own Redis database: no other worker may steal it
VISIBILITY_SECONDS = 3


def _placements():
    return {
        s.pk: (s.starts_at, s.room_id, s.status, tuple(sorted(w.pk for w in s.workers.all())))
        for s in ContactSession.objects.prefetch_related("workers").order_by("pk")
    }


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": KILL_BROKER,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "contact_service", "worker"]
    command += ["-Q", "solver", "--pool", "solo", "--without-mingle", "--without-gossip"]
    command += ["--without-heartbeat", "-l", "info"]
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _wait_for(predicate, seconds: float, what: str, log_path: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} not within {seconds} s; worker log:\n{log_path.read_text()}")


def _sessions_locked_by_someone_waiting(cursor) -> bool:
    cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
    return cursor.fetchone()[0] > 0


@pytest.fixture
def kill_broker():
    import redis

    client = redis.Redis.from_url(KILL_BROKER)
    client.flushdb()
    before = app.conf.broker_write_url
    app.conf.broker_write_url = KILL_BROKER
    yield
    app.conf.broker_write_url = before
    client.flushdb()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_writing_the_week_leaves_it_as_it_was_and_the_retry_matches(
    county,
    kill_broker,
    tmp_path,
):
    import psycopg2

    log_path = tmp_path / "worker.log"
    rota_week = rota_week_get(week_start=A_MONDAY)
    before = _placements()
    # Hold the week's sessions locked so the worker stops in the middle of its write
    # transaction (week locked, staffing cleared, sessions about to be rewritten): the worst
    # moment to die.
    blocker = psycopg2.connect(_database_url())
    cursor = blocker.cursor()
    cursor.execute(
        "SELECT id FROM scheduling_contactsession WHERE rota_week_id = %s FOR UPDATE",
        [rota_week.pk],
    )
    first = _start_worker(log_path)
    second = None
    try:
        run = solver_run_start(rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND)
        _wait_for(lambda: _sessions_locked_by_someone_waiting(cursor), 60, "the write", log_path)
        assert SolverRun.objects.get(pk=run.pk).status == SolverRun.Status.RUNNING

        _kill(first)
        blocker.rollback()
        blocker.close()

        assert _placements() == before
        assert RotaWeek.objects.get(pk=rota_week.pk).state == RotaWeek.State.DRAFT
        assert not SessionWorker.objects.exists()
        # A new worker gets the unacknowledged task again once its visibility timeout passes.
        second = _start_worker(log_path)
        finished = _wait_for(
            lambda: (
                SolverRun.objects.filter(pk=run.pk).exclude(status__in=SolverRun.ACTIVE).first()
            ),
            90,
            "the redelivered run",
            log_path,
        )
    finally:
        _kill(first)
        if second is not None:
            _kill(second)
        if not blocker.closed:
            blocker.close()

    assert finished.status == SolverRun.Status.SUCCEEDED, finished.error
    retried = _placements()
    assert SolverRun.objects.filter(rota_week=rota_week).count() == 1  # the same run, retried

    # The same week solved by a run nobody killed, from the same starting point.
    SessionWorker.objects.all().delete()
    for pk, (_, _, status, _) in before.items():
        ContactSession.objects.filter(pk=pk).update(
            starts_at=None, ends_at=None, room=None, status=status, version=1, unplaced_reason=""
        )
    RotaWeek.objects.filter(pk=rota_week.pk).update(state=RotaWeek.State.DRAFT)
    reference = solver_run_execute(
        run_id=solver_run_create(rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND).pk
    )
    assert reference.status == SolverRun.Status.SUCCEEDED, reference.error
    assert _placements() == retried
