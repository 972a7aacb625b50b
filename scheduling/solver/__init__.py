"""Rota solver for contact sessions: format, checker, greedy heuristic and CP-SAT solver.

A pure Python package (no Django import), used by the web application and the CLI
``python -m scheduling.solver``.
"""

from .check import Report, Violation, check
from .cpsat import solve
from .explain import explain_unassigned
from .greedy import greedy
from .model import (
    Assignment,
    Pin,
    Room,
    Scenario,
    ScenarioError,
    Session,
    Solution,
    Unassigned,
    Venue,
    Worker,
    dump_json,
    load_scenario,
    load_solution,
    scenario_from_dict,
    scenario_to_dict,
    solution_from_dict,
    solution_to_dict,
)

__all__ = [
    "Assignment",
    "Pin",
    "Report",
    "Room",
    "Scenario",
    "ScenarioError",
    "Session",
    "Solution",
    "Unassigned",
    "Venue",
    "Violation",
    "Worker",
    "check",
    "dump_json",
    "explain_unassigned",
    "greedy",
    "load_scenario",
    "load_solution",
    "scenario_from_dict",
    "scenario_to_dict",
    "solution_from_dict",
    "solution_to_dict",
    "solve",
]
