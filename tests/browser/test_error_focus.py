"""After a refused form, focus is on the summary of what to fix, not the top of the page.

A screen reader then reads the errors at once, and a keyboard user tabs from them to the fields.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD, UserFactory, WorkerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_summary(page: Page) -> str:
    """The text of the error summary, once it has the focus."""
    summary = page.locator("[data-error-summary]").first
    expect(summary).to_be_focused()
    return summary.inner_text()


def test_a_refused_login_puts_focus_on_its_errors(live_server, page: Page):
    UserFactory(username="sam", groups=["Contact worker"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()

    assert "correct username and password" in focused_summary(page)


def test_a_refused_leave_request_puts_focus_on_its_errors_with_links_to_the_fields(
    live_server, page: Page
):
    WorkerFactory(user=UserFactory(username="sam", groups=["Contact worker"]))
    page.goto(f"{live_server.url}/accounts/login/?next=/me/leave/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Ask my team leader").click()

    assert "required" in focused_summary(page)
    page.locator("[data-error-summary] a").first.click()
    expect(page.locator("main form :is(input, select, textarea):focus")).to_have_count(1)
