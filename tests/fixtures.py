"""Fixtures every test package may use (registered in tests/conftest.py)."""

import pytest

from tests.builders import small_county


@pytest.fixture
def quick_solver(settings):
    """A short, deterministic solver limit, so a solve in a test takes seconds."""
    settings.SOLVER_TIME_LIMIT_SECONDS = 5
    settings.SOLVER_DETERMINISTIC = True


@pytest.fixture
def county():
    """One venue with three rooms, four workers on Monday to Friday, six weekly plans."""
    return small_county()
