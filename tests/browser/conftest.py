"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser)."""

import os

import pytest

# pytest-django's live_server runs Django in a thread beside Playwright's event loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
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


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A laptop screen.
    return {**browser_context_args, "viewport": {"width": 1366, "height": 800}}
