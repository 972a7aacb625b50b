"""A team leader in a real browser: approves a published day, records a worker's sickness and
re-plans the sessions it leaves uncovered."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from scheduling.models import ContactSession, SessionWorker, SolverRun
from tests.factories import (
    A_MONDAY,
    TEST_PASSWORD,
    AreaFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    WorkerFactory,
)
from tests.weeks import publish_solved_week

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Monday 07:00: the week was published on Friday; nothing has started yet. Ticking, because
# the solver and the browser measure their own time.
MONDAY_MORNING = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def published_week(settings, celery_eager):
    settings.SOLVER_TIME_LIMIT_SECONDS = 3
    with time_machine.travel(MONDAY_MORNING, tick=True):
        leader = UserFactory(username="tina", first_name="Tina", groups=["Team leader"])
        area = AreaFactory(code="central", name="Central", team_leader=leader)
        venue = VenueFactory(area=area, slug="sandy-bank", name="Sandy Bank")
        for n in (1, 2, 3):
            RoomFactory(venue=venue, slug=f"sandy-bank-{n}", name=f"Room {n}")
        workers = [
            WorkerFactory(area=area, base_venue=venue, code=f"w{n}", name=f"Worker {n}")
            for n in (1, 2, 3, 4)
        ]
        publish_solved_week(venue=venue, workers=workers)
        yield {"leader": leader, "workers": workers}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Log out")).to_be_visible()


def test_a_team_leader_approves_a_day_then_covers_a_sickness(
    live_server, page: Page, published_week
):
    ARTIFACTS.mkdir(exist_ok=True)
    monday = ContactSession.objects.filter(day=A_MONDAY)
    assert set(monday.values_list("status", flat=True)) == {"awaiting_approval"}
    with time_machine.travel(MONDAY_MORNING + dt.timedelta(minutes=5), tick=True):
        log_in(page, live_server.url, "tina")

        # The approvals queue: approve all of Monday at once.
        page.goto(f"{live_server.url}/approvals/")
        expect(page.get_by_role("heading", name="Monday 7 December")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "team-leader-1-approvals.png", full_page=True)
        page.get_by_role("button", name=re.compile(r"^Approve all \d+ on Mon 7 Dec")).click()
        expect(
            page.get_by_text(re.compile(r"Booked all \d+ sessions on Mon 07 Dec"))
        ).to_be_visible()
        assert set(monday.values_list("status", flat=True)) == {"booked"}
        expect(page.get_by_role("heading", name="Monday 7 December")).to_have_count(0)

        # A worker phones in sick for Monday.
        sick = (
            SessionWorker.objects.filter(session__day=A_MONDAY, holds_time=True)
            .select_related("worker")
            .first()
            .worker
        )
        sick_sessions = set(
            SessionWorker.objects.filter(
                session__day=A_MONDAY, worker=sick, holds_time=True
            ).values_list("session_id", flat=True)
        )
        page.goto(f"{live_server.url}/area/")
        expect(
            page.get_by_role("heading", name=re.compile("Central: Monday 7 December"))
        ).to_be_visible()
        page.get_by_role("link", name="Record sickness or leave").click()
        page.get_by_label("Worker").select_option(label=sick.name)
        page.get_by_label("Kind").select_option("sickness")
        page.get_by_label("Starts on").fill("2026-12-07")
        page.get_by_label("Ends on").fill("2026-12-07")
        page.get_by_role("button", name="Record").click()

        # The sessions it leaves uncovered, at once, and a one-click re-plan.
        uncovered = page.locator("#uncovered li")
        expect(uncovered).to_have_count(len(sick_sessions))
        page.screenshot(path=ARTIFACTS / "team-leader-2-uncovered.png", full_page=True)
        page.get_by_role("button", name="Re-plan these sessions").click()
        expect(page.locator("#uncovered-none")).to_be_visible(timeout=30_000)
        expect(page.locator("#runs")).to_contain_text("Succeeded")
        page.screenshot(path=ARTIFACTS / "team-leader-3-replanned.png", full_page=True)

        # The moved sessions come back for approval, flagged.
        page.get_by_role("link", name="Approve the moved bookings").click()
        for pk in sick_sessions:
            expect(page.locator(f"#session-{pk}")).to_contain_text("Moved by a re-plan")
        page.screenshot(path=ARTIFACTS / "team-leader-4-moved.png", full_page=True)

    run = SolverRun.objects.get(trigger=SolverRun.Trigger.REPLAN)
    assert run.status == SolverRun.Status.SUCCEEDED
    for session in ContactSession.objects.filter(pk__in=sick_sessions):
        assert session.status == ContactSession.Status.AWAITING_APPROVAL
        assert sick not in session.workers.all()
