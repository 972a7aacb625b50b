"""axe-core on the main page of each role: no serious or critical violation.

axe-core runs in Debian's chromium (see conftest.py) on a small county with cards on the board:
each role's own pages, as that role sees them. `label-content-name-mismatch` (a card's spoken
name must contain its visible words) is one of axe's experimental rules, so it is switched on.
"""

import datetime as dt
import json

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from referrals.models import ContactPlan
from scheduling.models import ContactSession
from tests.builders import placed_session
from tests.factories import A_MONDAY, TEST_PASSWORD
from tests.worlds import access_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)  # Tuesday of the world's week
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
WEEK = A_MONDAY.isoformat()
PAGES = {
    "deputy": [
        f"/rota/{WEEK}/",
        f"/rota/{WEEK}/?view=venue",
        "/referrals/",
        "/referrals/new/",
        "/reports/?month=2026-12",
    ],
    "leader": ["/approvals/", "/area/"],
    "worker": ["/me/sessions/", "/me/leave/", "/me/calendar/"],
}


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        world = access_world()
        worker = world["users"]["worker"].worker
        drives = placed_session(
            room=world["awaiting"].room,
            workers=[worker],
            day=A_MONDAY + dt.timedelta(days=1),
            status=ContactSession.Status.BOOKED,
        )
        ContactPlan.objects.filter(pk=drives.plan_id).update(transport="worker")
        return world


def serious(page: Page) -> list[dict]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def described(violations: list[dict]) -> str:
    return json.dumps(
        [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["html"][:200] for n in v["nodes"][:3]],
                "count": len(v["nodes"]),
            }
            for v in violations
        ],
        indent=1,
    )


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_the_login_page_has_no_serious_accessibility_violation(live_server, page: Page):
    page.goto(f"{live_server.url}/accounts/login/")
    violations = serious(page)
    assert not violations, described(violations)


@pytest.mark.parametrize("role", sorted(PAGES))
def test_each_roles_main_pages_have_no_serious_accessibility_violation(
    live_server, browser, world, role
):
    found = {}
    with time_machine.travel(NOW, tick=True):
        context = browser.new_context(viewport={"width": 1366, "height": 800})
        page = context.new_page()
        log_in(page, live_server.url, world["users"][role].username)
        for path in PAGES[role]:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            if violations := serious(page):
                found[path] = violations
        context.close()
    assert not found, "\n".join(f"{path}: {described(v)}" for path, v in found.items())
