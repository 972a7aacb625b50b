"""The solve task through the real Redis broker and a real Celery worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from contact_service.celery import app
from scheduling.models import ContactSession, SolverRun
from scheduling.services.solving import solver_run_start
from scheduling.services.weeks import rota_week_get
from tests.factories import A_MONDAY

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for_run(run_id: int, seconds: float) -> SolverRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = SolverRun.objects.get(pk=run_id)
        if run.status not in SolverRun.ACTIVE:
            return run
        time.sleep(0.2)
    raise AssertionError(f"solver run {run_id} still {run.status} after {seconds} s")


def test_a_run_queued_on_commit_is_solved_by_a_celery_worker(county):
    with start_worker(app, pool="solo", perform_ping_check=False, queues=["solver", "celery"]):
        with transaction.atomic():
            run = solver_run_start(
                rota_week=rota_week_get(week_start=A_MONDAY), trigger=SolverRun.Trigger.BROWSER
            )
            # Nothing is sent before the run is committed.
            assert SolverRun.objects.get(pk=run.pk).status == SolverRun.Status.QUEUED

        finished = wait_for_run(run.pk, seconds=60)

    assert finished.status == SolverRun.Status.SUCCEEDED, finished.error
    assert ContactSession.objects.filter(starts_at__isnull=False).count() == 6
