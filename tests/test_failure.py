"""Failure: the task queue down, and a solver worker killed in the middle of a run."""

import pytest
from django.urls import reverse

from contact_service.celery import app
from scheduling.models import RotaWeek, SolverRun
from scheduling.services.solving import QUEUE_UNAVAILABLE, rota_week_get, solver_run_start
from staffing import roles
from tests.factories import A_MONDAY, UserFactory
from tests.scheduling.conftest import county, quick_solver  # noqa: F401

WEEK = A_MONDAY.isoformat()


@pytest.fixture
def broker_down():
    """Point the Celery app at a port nobody listens on (closed, so refused at once)."""
    before = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = {}
    yield
    app.conf.broker_url, app.conf.broker_transport_options = before


@pytest.mark.django_db
def test_with_the_queue_down_a_run_fails_at_once_saying_planning_is_unavailable(
    county,  # noqa: F811
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
    county,  # noqa: F811
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
