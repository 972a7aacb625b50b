"""The checker, rule by rule, against the independent score.py."""

from __future__ import annotations

import copy

import pytest

from scheduling.solver import Violation, check, greedy, scenario_from_dict, solution_from_dict
from tests.solver.scenarios import SCORE, TINY, TINY_SOLUTION, score_report


def _verdicts(scenario_dict: dict, solution_dict: dict):
    scn = scenario_from_dict(scenario_dict)
    sol = solution_from_dict(solution_dict)
    mine = check(scn, sol)
    theirs = score_report(scenario_dict, sol)
    return mine, theirs


def _rules(violations: list[Violation]) -> set[str]:
    return {str(v).split(":")[0] for v in violations}


def _assert_breaks(rule: int, scenario_dict: dict, solution_dict: dict) -> None:
    mine, theirs = _verdicts(scenario_dict, solution_dict)
    assert not mine.valid
    assert _rules(mine.violations) == {f"rule {rule}"}, mine.violations
    if theirs is not None:
        assert theirs["violations"] == [str(v) for v in mine.violations]
        assert theirs["objective"] == mine.objective


def _assignment(solution_dict: dict, sid: str) -> dict:
    return next(a for a in solution_dict["assignments"] if a["session"] == sid)


def test_the_hand_built_solution_is_valid_for_both_checkers():
    mine, theirs = _verdicts(TINY, TINY_SOLUTION)
    assert mine.valid, mine.violations
    assert mine.coverage["percent"] == 100.0
    assert mine.relief_sessions == 3 and mine.residential_sessions == 1
    if theirs is not None:
        assert theirs["valid"] and theirs["objective"] == mine.objective


def test_rule_1_a_session_neither_assigned_nor_unassigned_is_caught(tiny_solution_dict):
    tiny_solution_dict["assignments"] = [
        a for a in tiny_solution_dict["assignments"] if a["session"] != "s2"
    ]
    _assert_breaks(1, TINY, tiny_solution_dict)


def test_rule_1_a_session_both_assigned_and_unassigned_is_caught(tiny_solution_dict):
    tiny_solution_dict["unassigned"] = [{"session": "s3", "reason": "x"}]
    _assert_breaks(1, TINY, tiny_solution_dict)


def test_rule_2_a_start_outside_the_window_is_caught(tiny_solution_dict):
    _assignment(tiny_solution_dict, "s2")["start"] = "12:05"
    _assert_breaks(2, TINY, tiny_solution_dict)


def test_rule_2_a_start_off_the_grid_is_caught(tiny_solution_dict):
    _assignment(tiny_solution_dict, "s2")["start"] = "11:17"
    _assert_breaks(2, TINY, tiny_solution_dict)


def test_rule_3_a_room_too_small_is_caught(tiny_solution_dict):
    tiny_solution_dict["pinned"] = []
    scenario = copy.deepcopy(TINY)
    scenario["pinned"] = []
    _assignment(tiny_solution_dict, "s1")["room"] = "A2"  # holds 2, s1 has 3 people
    _assert_breaks(3, scenario, tiny_solution_dict)


def test_rule_3_a_closed_room_is_caught(tiny_solution_dict):
    scenario = copy.deepcopy(TINY)
    scenario["venues"][0]["rooms"][1]["closed"] = [
        {"day": "2026-12-07", "from": "12:00", "to": "13:00"}
    ]
    _assert_breaks(3, scenario, tiny_solution_dict)


def test_rule_4_a_room_without_its_turnaround_is_caught(tiny_solution_dict):
    a = _assignment(tiny_solution_dict, "s2")
    a["room"], a["start"] = "A1", "11:05"  # s1 leaves A1 at 11:00
    _assert_breaks(4, TINY, tiny_solution_dict)


def test_rule_5_too_few_workers_is_caught(tiny_solution_dict):
    _assignment(tiny_solution_dict, "s4")["workers"] = ["w2"]
    _assert_breaks(5, TINY, tiny_solution_dict)


def test_rule_5_an_excluded_worker_is_caught(tiny_solution_dict):
    scenario = copy.deepcopy(TINY)
    scenario["sessions"][3]["excluded_workers"] = ["w3"]
    _assert_breaks(5, scenario, tiny_solution_dict)


def test_rule_6_a_worker_outside_their_availability_is_caught(tiny_solution_dict):
    _assignment(tiny_solution_dict, "s2")["workers"] = ["w3"]  # w3 starts at 12:00
    _assert_breaks(6, TINY, tiny_solution_dict)


def test_rule_7_travel_that_does_not_fit_is_caught(tiny_solution_dict):
    scenario = copy.deepcopy(TINY)
    scenario["workers"][0]["contract_minutes"] = 2000
    _assignment(tiny_solution_dict, "s2")["room"] = "B1"  # 15 min after s1 at A, 30 to drive
    _assert_breaks(7, scenario, tiny_solution_dict)


def test_rule_7_a_virtual_session_eats_the_travel_gap(tiny_solution_dict):
    scenario = copy.deepcopy(TINY)
    scenario["sessions"][1]["earliest_start"] = "11:00"
    scenario["sessions"][1]["latest_start"] = "12:00"
    a = _assignment(tiny_solution_dict, "s2")
    a["room"], a["start"] = "B1", "11:45"  # 45 free minutes, 30 of travel...
    v = _assignment(tiny_solution_dict, "s5")
    v["start"], v["workers"] = "11:05", ["w1"]  # ...less a 30-minute call in between
    scenario["workers"][0]["contract_minutes"] = 2000
    _assert_breaks(7, scenario, tiny_solution_dict)


def test_rule_8_a_worker_over_contract_is_caught(tiny_solution_dict):
    _assignment(tiny_solution_dict, "s3")["workers"] = ["w1"]  # 150 busy minutes > 130
    _assert_breaks(8, TINY, tiny_solution_dict)


def test_rule_9_a_child_in_two_sessions_at_once_is_caught(tiny_solution_dict):
    _assignment(tiny_solution_dict, "s5")["start"] = "10:15"  # c1 is in s1 10:00-11:00
    _assert_breaks(9, TINY, tiny_solution_dict)


def test_rule_10_a_pin_not_kept_is_caught(tiny_solution_dict):
    scenario = copy.deepcopy(TINY)
    scenario["workers"][0]["contract_minutes"] = 2000
    _assignment(tiny_solution_dict, "s1")["workers"] = ["w2"]  # w2 drives too
    _assert_breaks(10, scenario, tiny_solution_dict)


def test_pinned_workers_compare_as_a_set(tiny_solution_dict):
    scenario = copy.deepcopy(TINY)
    scenario["pinned"] = [
        {"session": "s4", "start": "15:00", "room": "B1", "workers": ["w3", "w2"]}
    ]
    mine, theirs = _verdicts(scenario, tiny_solution_dict)
    assert mine.valid, mine.violations
    if theirs is not None:
        assert theirs["valid"]


def test_the_objective_and_its_parts_agree_with_score_py_on_several_solutions(
    score, small_dict, typical_dict, tiny_solution_dict
):
    cases = [(TINY, solution_from_dict(tiny_solution_dict))]
    for scenario_dict in (small_dict, typical_dict):
        scn = scenario_from_dict(scenario_dict)
        sol = greedy(scn)
        cases.append((scenario_dict, sol))
        broken = copy.deepcopy(sol)
        broken.assignments = broken.assignments[::2]
        broken.unassigned = broken.unassigned + []  # some sessions now in neither list
        cases.append((scenario_dict, broken))
        moved = copy.deepcopy(sol)
        moved.assignments = [
            type(a)(a.session, a.start + 5, a.room, a.workers) for a in moved.assignments
        ]
        cases.append((scenario_dict, moved))
    for scenario_dict, sol in cases:
        mine = check(scenario_from_dict(scenario_dict), sol)
        theirs = score(scenario_dict, sol)
        assert [str(v) for v in mine.violations] == theirs["violations"]
        assert mine.objective == pytest.approx(theirs["objective"], abs=5e-4)
        assert mine.as_dict()["components"] == theirs["components"]
        for key in ("coverage", "court_coverage", "travel_minutes", "continuity_rate"):
            assert mine.as_dict()[key] == theirs[key], key
        assert mine.utilisation == theirs["utilisation"]


def test_score_py_is_found_or_its_absence_is_reported():
    if SCORE is None:
        pytest.skip("../shared/scenarios/score.py is absent: the comparisons are skipped")
    assert hasattr(SCORE, "score")
