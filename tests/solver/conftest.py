"""Fixtures of the solver tests, built on the data in tests/solver/scenarios.py."""

from __future__ import annotations

import copy
import json

import pytest

from scheduling.solver import scenario_from_dict
from tests.solver.scenarios import (
    SCORE,
    SHARED,
    TINY,
    TINY_SOLUTION,
    score_report,
    shared_file,
)


@pytest.fixture
def score():
    if SCORE is None:
        pytest.skip(f"{SHARED / 'score.py'} is absent: cannot compare with the independent checker")
    return score_report


@pytest.fixture(scope="session")
def small_dict() -> dict:
    return json.loads(shared_file("small.json").read_text())


@pytest.fixture(scope="session")
def typical_dict() -> dict:
    return json.loads(shared_file("typical-week.json").read_text())


@pytest.fixture
def tiny_dict() -> dict:
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny():
    return scenario_from_dict(copy.deepcopy(TINY))


@pytest.fixture
def tiny_solution_dict() -> dict:
    return copy.deepcopy(TINY_SOLUTION)
