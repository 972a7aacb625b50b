"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser).

Playwright's sync API keeps an asyncio loop running in the main thread for as long as it is
started, and Django refuses ORM calls while a loop runs unless DJANGO_ALLOW_ASYNC_UNSAFE is set.
So Playwright lives only while this package's tests run (pytest-playwright's own `browser` is
session-wide, which would leave the loop running under every later test), and the variable is
set only for that time: other tests start `manage.py check --deploy` in a subprocess, which
rightly fails when it inherits it.
"""

import os

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = {
    "executable_path": CHROMIUM,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}
LAPTOP = {"width": 1366, "height": 800}


@pytest.fixture(scope="package")
def browser_type_launch_args():
    return dict(LAUNCH_ARGS)


@pytest.fixture(scope="package")
def browser(browser_type_launch_args):
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**browser_type_launch_args)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=LAPTOP)  # a laptop screen
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
