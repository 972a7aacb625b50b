"""Shared fixtures; decides which tests the current database and services can run."""

import os
import shutil

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"

pytest_plugins = ["tests.fixtures"]


def _missing_services() -> dict[str, str]:
    """{marker: why it cannot run here}."""
    missing = {}
    if not settings.USES_POSTGRES:
        missing["postgres"] = "PostgreSQL-only (exclusion constraints); running on SQLite"
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        missing["redis"] = "needs a Redis broker (CELERY_BROKER_URL is not redis://)"
    if not shutil.which(CHROMIUM):
        missing["browser"] = f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    return missing


def pytest_collection_modifyitems(config, items):
    missing = _missing_services()
    if missing and IN_CI:
        raise pytest.UsageError(f"CI must run every test, but: {'; '.join(missing.values())}")
    skipped = {}
    for item in items:
        for marker, why in missing.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=why))
                skipped[marker] = skipped.get(marker, 0) + 1
    config._contact_skipped = {m: (n, missing[m]) for m, n in skipped.items()}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for marker, (count, why) in getattr(config, "_contact_skipped", {}).items():
        terminalreporter.write_line(f"Skipped {count} {marker} test(s): {why}.")


@pytest.fixture
def celery_eager():
    """Run Celery tasks in-process at once (the broker is not involved)."""
    from contact_service.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
