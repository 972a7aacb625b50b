"""The deputy's week in a real browser, on the demo county: plan, fix by hand, pin, publish."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.county import DEMO_PASSWORD
from scheduling import solver
from scheduling.exchange import session_key, week_problem
from scheduling.models import ContactSession, RotaWeek, SessionWorker, SolverRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo_county(settings, celery_eager):
    settings.SOLVER_TIME_LIMIT_SECONDS = 8
    call_command("loaddemo", "--county-only", verbosity=0)


def two_weeks_ahead() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=2)


def a_clash(week: RotaWeek) -> tuple[ContactSession, SessionWorker]:
    """A one-worker session, and another worker's session overlapping it on the same day."""
    staffing = list(
        SessionWorker.objects.filter(session__rota_week=week, holds_time=True).select_related(
            "session"
        )
    )
    by_session: dict[int, list[SessionWorker]] = {}
    for row in staffing:
        by_session.setdefault(row.session_id, []).append(row)
    for rows in by_session.values():
        if len(rows) != 1:
            continue
        mine = rows[0]
        for other in staffing:
            if (
                other.worker_id != mine.worker_id
                and other.session_id != mine.session_id
                and other.busy_from < mine.busy_to
                and mine.busy_from < other.busy_to
            ):
                return mine.session, other
    raise AssertionError("the demo week has no two overlapping sessions")


def a_valid_start(week: RotaWeek, session: ContactSession) -> str:
    """Another start in the session's window that the checker accepts (same room, worker)."""
    problem = week_problem(rota_week=week, release_invalid_pins=False)
    key = session_key(session.pk)
    current = next(a for a in problem.current.assignments if a.session == key)
    first = session.earliest_start.hour * 60 + session.earliest_start.minute
    last = session.latest_start.hour * 60 + session.latest_start.minute
    for minute in sorted(range(first, last + 1, 5), key=lambda m: abs(m - current.start)):
        if minute == current.start:
            continue
        moved = solver.Assignment(key, minute, current.room, current.workers)
        candidate = solver.Solution(
            scenario=problem.current.scenario,
            assignments=[a for a in problem.current.assignments if a.session != key] + [moved],
            unassigned=list(problem.current.unassigned),
        )
        report = solver.check(problem.scenario, candidate)
        if not [v for v in report.violations if key in v.sessions]:
            return f"{minute // 60:02d}:{minute % 60:02d}"
    return f"{current.start // 60:02d}:{current.start % 60:02d}"


def open_dialog(page: Page, session_pk: int):
    page.locator(f'button[data-session="{session_pk}"]').first.click()
    expect(page.locator("#session-modal")).to_be_visible()


def test_the_deputy_plans_fixes_pins_and_publishes_a_week(page: Page, live_server, demo_county):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_default_timeout(20_000)
    monday = two_weeks_ahead()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("deputy")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()

    page.goto(f"{live_server.url}/rota/")
    expect(page).to_have_url(re.compile(rf"/rota/{monday.isoformat()}/$"))
    expect(page.locator("h1")).to_contain_text(f"{monday:%B}")
    expect(page.locator("#week-state")).to_have_text("Draft")

    # Celery runs eagerly here, so the POST returns once the solver is done.
    with page.expect_navigation(timeout=180_000):
        page.get_by_role("button", name="Plan this week").click(timeout=180_000)
    progress = page.locator("#run-progress")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=90_000)
    expect(progress).to_contain_text("Coverage")
    expect(page.locator("#week-state")).to_have_text("Proposed")
    page.screenshot(path=ARTIFACTS / "board-by-worker.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=ARTIFACTS / "board-by-worker-print.png")
    page.emulate_media(media="screen")

    week = RotaWeek.objects.get(week_start=monday)

    # With a real worker the run goes on after the page loads: the progress polls until it ends.
    # (Eager Celery finished it above, so a run still going is played here by its database row.)
    running = SolverRun.objects.create(
        rota_week=week, trigger=SolverRun.Trigger.BROWSER, status=SolverRun.Status.RUNNING
    )
    page.reload()
    expect(page.locator("#run-progress")).to_contain_text("Planning the week")
    expect(page.locator("#week-state")).to_have_text("Being planned")
    SolverRun.objects.filter(pk=running.pk).update(
        status=SolverRun.Status.SUCCEEDED,
        progress=1,
        sessions_total=10,
        sessions_placed=9,
        court_total=2,
        court_placed=2,
        finished_at=timezone.now(),
    )
    expect(page.locator("#run-progress")).to_contain_text("Coverage 9/10", timeout=10_000)
    page.locator("#show-rota").click()
    expect(page.locator("#week-state")).to_have_text("Proposed")

    session, busy = a_clash(week)
    worker = busy.worker

    # A clashing worker is refused, naming the clash.
    open_dialog(page, session.pk)
    form = page.locator("#move-form")
    expect(form).to_be_visible()
    form.locator("#id_workers").select_option(value=[str(worker.pk)])
    form.get_by_role("button", name="Move and pin").click()
    errors = page.locator("#move-errors")
    expect(errors).to_contain_text(f"Worker {worker.name} is already busy")
    page.screenshot(path=ARTIFACTS / "move-refused.png")
    assert SessionWorker.objects.get(session=session).worker_id != worker.pk

    # A valid move saves at once and pins the session.
    start = a_valid_start(week, session)
    form.locator("#id_start").select_option(value=start)
    form.locator("#id_workers").select_option(
        value=[str(sw.worker_id) for sw in session.staffing.all()]
    )
    form.get_by_role("button", name="Move and pin").click()
    expect(page.locator(".alert-success")).to_contain_text(f"{start} and pinned")
    session.refresh_from_db()
    assert session.pinned
    assert f"{timezone.localtime(session.starts_at):%H:%M}" == start

    # Unpin it, then pin it again from its dialog.
    open_dialog(page, session.pk)
    page.get_by_role("button", name=re.compile("Unpin")).click()
    expect(page.locator(".alert-success")).to_contain_text("Unpinned")
    open_dialog(page, session.pk)
    page.get_by_role("button", name="Pin where it is").click()
    expect(page.locator(".alert-success")).to_contain_text("Pinned")
    session.refresh_from_db()
    assert session.pinned

    page.get_by_role("link", name="By venue").click()
    expect(page.locator(".by-venue")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "board-by-venue.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "board-by-venue-screen.png")

    page.get_by_role("link", name="By worker").click()
    page.get_by_role("button", name="Publish the week").click()
    expect(page.locator("#week-state")).to_have_text("Published")
    expect(page.locator(".alert-success")).to_contain_text("sent to the team leaders")
    page.screenshot(path=ARTIFACTS / "board-published.png", full_page=True)
    assert not ContactSession.objects.filter(
        rota_week=week, status=ContactSession.Status.PROPOSED, starts_at__isnull=False
    ).exists()
