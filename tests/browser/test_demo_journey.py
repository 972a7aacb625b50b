"""A freshly loaded demo county, used as its people would on a Tuesday morning.

The worker writes the record of a session held today, a team leader approves a booking from a
queue that is not empty, and the deputy's report for last month is inside the annual report's
band with three months of history on its chart.
"""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from demo.county import DEMO_PASSWORD
from scheduling.models import ContactSession, SessionRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
TUESDAY = dt.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def demo(settings):
    # The demo's passwords are hashed once; a cheap hasher keeps the load to its own cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(TUESDAY, tick=False):
        call_command("loaddemo", verbosity=0)


def _log_in(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_demo_county_is_a_service_in_motion(live_server, browser: Browser, demo):
    ARTIFACTS.mkdir(exist_ok=True)
    todays = ContactSession.objects.filter(
        day=TUESDAY.date(),
        staffing__worker__user__username="jade.davies",
        status=ContactSession.Status.BOOKED,
    ).order_by("starts_at")
    first = todays.first()
    assert first is not None, "the demo worker has no session today"

    # Just after the worker's first session of the day has ended.
    with time_machine.travel(first.ends_at + dt.timedelta(minutes=5), tick=True):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        _log_in(page, live_server.url, "jade.davies", "/me/sessions/")
        expect(page.get_by_text("Today")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "demo-1-worker-today.png", full_page=True)
        page.goto(f"{live_server.url}/me/sessions/{first.pk}/record/")
        page.get_by_label("Attendance").select_option("attended")
        page.get_by_label("Started at").fill(f"{first.starts_at.astimezone(TUESDAY.tzinfo):%H:%M}")
        page.get_by_label("Ended at").fill(f"{first.ends_at.astimezone(TUESDAY.tzinfo):%H:%M}")
        page.get_by_label("Observations").fill("A warm session; the children played together.")
        page.get_by_role("button", name="Submit the record").click()
        expect(page.get_by_text("Record submitted.")).to_be_visible()
        context.close()

        context = browser.new_context()
        page = context.new_page()
        _log_in(page, live_server.url, "tl.central", "/approvals/")
        waiting = page.get_by_role("button", name="Approve", exact=True)
        expect(waiting.first).to_be_visible()
        before = waiting.count()
        # The queue runs to thousands of pixels: the first screen is the picture.
        page.screenshot(path=ARTIFACTS / "demo-2-approvals.png")
        waiting.first.click()
        expect(page.get_by_role("main")).to_contain_text(re.compile(r"Booked: \w{3} \d+ \w{3}"))
        assert page.get_by_role("button", name="Approve", exact=True).count() == before - 1
        context.close()

        context = browser.new_context()
        page = context.new_page()
        _log_in(page, live_server.url, "deputy", "/reports/?month=2026-11")
        trend = page.locator("section[aria-labelledby=table-trend] tbody tr")
        expect(trend.first).to_be_visible()
        rows = [trend.nth(n).locator("td").all_inner_texts() for n in range(trend.count())]
        page.screenshot(path=ARTIFACTS / "demo-3-report.png")
        context.close()

    record = SessionRecord.objects.get(session=first)
    assert record.submitted_at is not None
    held = {month: int(total) for month, _, _, total, _ in rows if int(total) > 0}
    assert list(held) == ["2026-09", "2026-10", "2026-11"], rows
    assert 978 <= held["2026-11"] <= 1290, rows
    assert rows[-1][0] == "2026-11" and rows[-1][-1] == "within", rows
