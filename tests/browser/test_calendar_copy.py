"""The calendar page's Copy button puts the feed's address on the clipboard, and says so."""

import pytest
from playwright.sync_api import expect

from staffing.services import worker_calendar_regenerate
from tests.factories import TEST_PASSWORD, UserFactory, WorkerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_copy_button_copies_the_calendar_address(live_server, browser):
    worker = worker_calendar_regenerate(
        worker=WorkerFactory(user=UserFactory(username="sam", groups=["Contact worker"]))
    )
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/me/calendar/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("button", name="Copy").click()

    expect(page.get_by_role("status")).to_have_text("Address copied.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.endswith(f"/calendar/{worker.calendar_token}.ics")
    link = page.get_by_role("link", name="Subscribe on this device")
    assert link.get_attribute("href").startswith("webcal://")
    context.close()
