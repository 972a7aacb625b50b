"""Every role's pages in a real browser under the Content-Security-Policy: nothing blocked."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page

from demo.county import DEMO_PASSWORD
from scheduling import solver
from scheduling.exchange import week_problem
from scheduling.services.board import rota_week_publish
from scheduling.services.planning import week_plan_sessions
from scheduling.services.solving import rota_apply_solution
from scheduling.services.weeks import rota_week_get
from staffing.models import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_week():
    """The demo county with this week placed (greedily) and published."""
    from django.contrib.auth import get_user_model

    call_command("loaddemo", "--county-only", verbosity=0)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    week_plan_sessions(week_start=monday)
    rota_week = rota_week_get(week_start=monday)
    problem = week_problem(rota_week=rota_week)
    rota_apply_solution(problem=problem, solution=solver.greedy(problem.scenario))
    rota_week_publish(rota_week=rota_week, by=get_user_model().objects.get(username="deputy"))
    return monday


def _violations(page: Page) -> list[str]:
    found = []
    page.on(
        "console",
        lambda msg: (
            found.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    return found


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def test_the_pages_of_every_role_run_under_the_csp_with_nothing_blocked(
    page: Page, live_server, demo_week
):
    worker = Worker.objects.filter(user__isnull=False).select_related("user").first()
    visits = {
        "deputy": [f"/rota/{demo_week:%Y-%m-%d}/", f"/rota/{demo_week:%Y-%m-%d}/?view=venue"],
        "tl.north": ["/approvals/", "/area/", "/referrals/", "/reports/"],
        worker.user.username: ["/me/sessions/", "/me/leave/", "/me/calendar/"],
    }
    violations = _violations(page)
    seen = []
    for username, paths in visits.items():
        page.context.clear_cookies()
        _log_in(page, live_server.url, username)
        for path in paths:
            response = page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            seen.append((username, path, response.status))
            assert "default-src 'self'" in response.headers["content-security-policy"]

    assert all(status == 200 for _, _, status in seen), seen
    assert violations == []
