"""The solver tests' data: the shared scenarios, the independent checker score.py, a tiny rota.

Fixtures built on them are in tests/solver/conftest.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from scheduling.solver import Solution, solution_from_dict, solution_to_dict

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "scenarios"


def shared_file(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared scenarios live beside the repository)")
    return path


def load_score():
    """The independent checker score.py, or None when it is absent."""
    path = SHARED / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORE = load_score()


def score_report(scenario_dict: dict, solution: Solution) -> dict | None:
    """score.py's report of a solution, or None when score.py is absent."""
    if SCORE is None:
        return None
    return SCORE.score(scenario_dict, solution_to_dict(solution))


DAY = "2026-12-07"

TINY = {
    "format": "contact-rota-scenario/1",
    "name": "tiny",
    "days": [DAY],
    "granularity_minutes": 5,
    "room_turnaround_minutes": 15,
    "venues": [
        {
            "id": "A",
            "name": "Venue A",
            "area": "north",
            "open": "08:00",
            "close": "19:00",
            "rooms": [
                {"id": "A1", "capacity": 4, "features": ["two_way_mirror"], "closed": []},
                {"id": "A2", "capacity": 2, "features": [], "closed": []},
            ],
        },
        {
            "id": "B",
            "name": "Venue B",
            "area": "south",
            "open": "08:00",
            "close": "19:00",
            "rooms": [{"id": "B1", "capacity": 6, "features": [], "closed": []}],
        },
    ],
    "travel_minutes": {"A": {"B": 30}},
    "workers": [
        {
            "id": "w1",
            "name": "One",
            "area": "north",
            "kind": "permanent",
            "base": "A",
            "contract_minutes": 130,
            "skills": ["driver"],
            "available": [{"day": DAY, "from": "08:00", "to": "18:00"}],
        },
        {
            "id": "w2",
            "name": "Two",
            "area": "south",
            "kind": "relief",
            "base": "B",
            "contract_minutes": 2000,
            "skills": ["driver"],
            "available": [{"day": DAY, "from": "08:00", "to": "18:00"}],
        },
        {
            "id": "w3",
            "name": "Three",
            "area": "south",
            "kind": "residential",
            "base": None,
            "contract_minutes": 2000,
            "skills": [],
            "available": [{"day": DAY, "from": "12:00", "to": "18:00"}],
        },
    ],
    "sessions": [
        {
            "id": "s1",
            "children": ["c1"],
            "participants": 3,
            "priority": "court",
            "mode": "supervised",
            "duration": 60,
            "day": DAY,
            "earliest_start": "10:00",
            "latest_start": "10:00",
            "preferred_start": "10:00",
            "venues": ["A"],
            "room_features": [],
            "workers_needed": 1,
            "worker_skills": ["driver"],
            "transport_before": 0,
            "transport_after": 0,
            "continuity_workers": ["w1"],
            "excluded_workers": [],
        },
        {
            "id": "s2",
            "children": ["c2"],
            "participants": 2,
            "priority": "risk",
            "mode": "supervised",
            "duration": 60,
            "day": DAY,
            "earliest_start": "11:00",
            "latest_start": "12:00",
            "preferred_start": "11:15",
            "venues": ["A", "B"],
            "room_features": [],
            "workers_needed": 1,
            "worker_skills": [],
            "transport_before": 0,
            "transport_after": 0,
            "continuity_workers": [],
            "excluded_workers": [],
        },
        {
            "id": "s3",
            "children": ["c3"],
            "participants": 2,
            "priority": "standard",
            "mode": "virtual",
            "duration": 30,
            "day": DAY,
            "earliest_start": "14:00",
            "latest_start": "14:00",
            "venues": [],
            "room_features": [],
            "workers_needed": 1,
            "worker_skills": [],
            "transport_before": 0,
            "transport_after": 0,
            "continuity_workers": [],
            "excluded_workers": [],
        },
        {
            "id": "s4",
            "children": ["c4"],
            "participants": 4,
            "priority": "risk",
            "mode": "supervised",
            "duration": 60,
            "day": DAY,
            "earliest_start": "15:00",
            "latest_start": "15:00",
            "venues": ["B"],
            "room_features": [],
            "workers_needed": 2,
            "worker_skills": [],
            "transport_before": 0,
            "transport_after": 0,
            "continuity_workers": [],
            "excluded_workers": [],
        },
        {
            "id": "s5",
            "children": ["c1"],
            "participants": 2,
            "priority": "standard",
            "mode": "virtual",
            "duration": 30,
            "day": DAY,
            "earliest_start": "10:00",
            "latest_start": "16:00",
            "venues": [],
            "room_features": [],
            "workers_needed": 1,
            "worker_skills": [],
            "transport_before": 0,
            "transport_after": 0,
            "continuity_workers": [],
            "excluded_workers": [],
        },
    ],
    "pinned": [{"session": "s1", "start": "10:00", "room": "A1", "workers": ["w1"]}],
}

TINY_SOLUTION = {
    "format": "contact-rota-solution/1",
    "scenario": "tiny",
    "assignments": [
        {"session": "s1", "start": "10:00", "room": "A1", "workers": ["w1"]},
        {"session": "s2", "start": "11:15", "room": "A2", "workers": ["w1"]},
        {"session": "s3", "start": "14:00", "room": None, "workers": ["w2"]},
        {"session": "s4", "start": "15:00", "room": "B1", "workers": ["w2", "w3"]},
        {"session": "s5", "start": "12:00", "room": None, "workers": ["w2"]},
    ],
    "unassigned": [],
    "stats": {},
}


def as_solution(d: dict) -> Solution:
    return solution_from_dict(d)
