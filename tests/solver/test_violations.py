"""Each kind of violation names its sessions, workers, rooms, venues, day and figures as data."""

from __future__ import annotations

import copy

import pytest

from scheduling.solver import Violation, check, scenario_from_dict, solution_from_dict
from tests.solver.scenarios import DAY, TINY


def _all(scenario: dict, solution: dict, kind: str) -> list[Violation]:
    report = check(scenario_from_dict(scenario), solution_from_dict(solution))
    return [v for v in report.violations if v.kind == kind]


def _one(scenario: dict, solution: dict, kind: str) -> Violation:
    found = _all(scenario, solution, kind)
    assert len(found) == 1, found
    return found[0]


def _assignment(solution: dict, sid: str) -> dict:
    return next(a for a in solution["assignments"] if a["session"] == sid)


@pytest.fixture
def scenario() -> dict:
    return copy.deepcopy(TINY)


def test_a_worker_overlap_names_both_sessions_their_times_the_worker_and_the_day(
    scenario, tiny_solution_dict
):
    _assignment(tiny_solution_dict, "s5").update(start="10:15", workers=["w1"])
    v = _one(scenario, tiny_solution_dict, "worker_overlap")
    assert (v.rule, v.day, v.sessions, v.workers) == (7, DAY, ("s1", "s5"), ("w1",))
    assert v.times == ((600, 660), (615, 645)) and v.when(1, "–") == "10:15–10:45"
    assert str(v) == f"rule 7: worker w1 on {DAY}: s1 10:00-11:00 and s5 10:15-10:45 overlap"


def test_a_child_overlap_names_the_child_and_both_sessions(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s5")["start"] = "10:15"
    v = _one(scenario, tiny_solution_dict, "child_overlap")
    assert (v.rule, v.day, v.children, v.sessions) == (9, DAY, ("c1",), ("s1", "s5"))
    assert v.times == ((600, 660), (615, 645))


def test_a_contract_overrun_carries_busy_travel_and_contract_minutes(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s3")["workers"] = ["w1"]
    v = _one(scenario, tiny_solution_dict, "contract")
    assert (v.rule, v.day, v.workers, v.sessions) == (8, None, ("w1",), ())
    assert v.details == {"busy": 150, "travel": 0, "contract": 130}


def test_a_travel_gap_names_both_venues_with_free_and_leg_minutes(scenario, tiny_solution_dict):
    scenario["workers"][0]["contract_minutes"] = 2000
    _assignment(tiny_solution_dict, "s2")["room"] = "B1"
    v = _one(scenario, tiny_solution_dict, "travel_gap")
    assert (v.rule, v.day, v.workers, v.sessions) == (7, DAY, ("w1",), ("s1", "s2"))
    assert v.venues == ("A", "B") and v.details == {"free": 15, "leg": 30}
    assert v.times == ((600, 660), (675, 735))


def test_a_room_turnaround_names_the_room_both_sessions_and_the_minutes(
    scenario, tiny_solution_dict
):
    _assignment(tiny_solution_dict, "s2").update(room="A1", start="11:05")
    v = _one(scenario, tiny_solution_dict, "room_turnaround")
    assert (v.rule, v.day, v.rooms, v.sessions) == (4, DAY, ("A1",), ("s1", "s2"))
    assert v.times == ((600, 660), (665, 725)) and v.details == {"turnaround": 15}


def test_a_start_outside_the_window_carries_the_window(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s2")["start"] = "12:05"
    v = _one(scenario, tiny_solution_dict, "window")
    assert (v.rule, v.day, v.sessions, v.times) == (2, DAY, ("s2",), ((725, 785),))
    assert v.details == {"earliest": 660, "latest": 720}


def test_a_start_off_the_grid_carries_the_grid(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s2")["start"] = "11:17"
    v = _one(scenario, tiny_solution_dict, "off_grid")
    assert (v.rule, v.sessions, v.times, v.details) == (2, ("s2",), ((677, 737),), {"grid": 5})


def test_a_session_past_closing_time_names_the_venue(scenario, tiny_solution_dict):
    scenario["venues"][1]["close"] = "15:30"
    v = _one(scenario, tiny_solution_dict, "opening_hours")
    assert (v.rule, v.sessions, v.venues, v.times) == (2, ("s4",), ("B",), ((900, 960),))


def test_a_virtual_session_in_a_room_names_the_room(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s3")["room"] = "A1"
    v = _one(scenario, tiny_solution_dict, "virtual_room")
    assert (v.rule, v.sessions, v.rooms) == (3, ("s3",), ("A1",))


def test_a_session_without_a_room_names_no_room(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s2")["room"] = None
    v = _one(scenario, tiny_solution_dict, "unknown_room")
    assert (v.rule, v.sessions, v.rooms) == (3, ("s2",), ())
    assert str(v) == "rule 3: session s2 has no known room (None)"


def test_a_room_at_another_venue_and_too_small_are_two_violations(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s4")["room"] = "A2"
    elsewhere = _one(scenario, tiny_solution_dict, "wrong_venue")
    assert (elsewhere.rule, elsewhere.sessions, elsewhere.venues) == (3, ("s4",), ("A",))
    assert elsewhere.details == {"allowed": ("B",)}
    small = _one(scenario, tiny_solution_dict, "room_too_small")
    assert (small.rule, small.sessions, small.rooms) == (3, ("s4",), ("A2",))
    assert small.details == {"people": 4, "capacity": 2}


def test_a_missing_room_feature_names_the_feature_and_the_room(scenario, tiny_solution_dict):
    scenario["sessions"][1]["room_features"] = ["kitchen"]
    v = _one(scenario, tiny_solution_dict, "missing_feature")
    assert (v.rule, v.sessions, v.rooms, v.details) == (3, ("s2",), ("A2",), {"feature": "kitchen"})


def test_a_closed_room_carries_its_closure(scenario, tiny_solution_dict):
    scenario["venues"][0]["rooms"][1]["closed"] = [{"day": DAY, "from": "11:00", "to": "12:00"}]
    v = _one(scenario, tiny_solution_dict, "room_closed")
    assert (v.rule, v.day, v.sessions, v.rooms) == (3, DAY, ("s2",), ("A2",))
    assert v.times == ((675, 735),) and v.details == {"closed": (660, 720)}


def test_too_few_workers_carries_those_needed_and_those_given(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s4")["workers"] = ["w2"]
    v = _one(scenario, tiny_solution_dict, "workers_needed")
    assert (v.rule, v.sessions, v.workers, v.details) == (5, ("s4",), ("w2",), {"needed": 2})


def test_an_unknown_worker_is_named(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s4")["workers"] = ["w2", "ghost"]
    v = _one(scenario, tiny_solution_dict, "unknown_worker")
    assert (v.rule, v.sessions, v.workers) == (5, ("s4",), ("ghost",))


def test_an_excluded_worker_is_named(scenario, tiny_solution_dict):
    scenario["sessions"][3]["excluded_workers"] = ["w3"]
    v = _one(scenario, tiny_solution_dict, "excluded_worker")
    assert (v.rule, v.sessions, v.workers) == (5, ("s4",), ("w3",))


def test_each_worker_without_a_skill_is_named_with_the_skills(scenario, tiny_solution_dict):
    scenario["sessions"][3]["worker_skills"] = ["first_aid"]
    found = _all(scenario, tiny_solution_dict, "missing_skill")
    assert [(v.rule, v.sessions, v.workers) for v in found] == [
        (5, ("s4",), ("w2",)),
        (5, ("s4",), ("w3",)),
    ]
    assert {v.details["skills"] for v in found} == {("first_aid",)}


def test_an_unavailable_worker_names_the_session_and_its_busy_time(scenario, tiny_solution_dict):
    _assignment(tiny_solution_dict, "s2")["workers"] = ["w3"]
    v = _one(scenario, tiny_solution_dict, "unavailable")
    assert (v.rule, v.day, v.sessions, v.workers) == (6, DAY, ("s2",), ("w3",))
    assert v.times == ((675, 735),)


def test_a_pin_not_kept_carries_where_it_is_pinned_and_what_was_found(scenario, tiny_solution_dict):
    scenario["workers"][0]["contract_minutes"] = 2000
    _assignment(tiny_solution_dict, "s1")["workers"] = ["w2"]
    v = _one(scenario, tiny_solution_dict, "pin")
    assert (v.rule, v.day, v.sessions) == (10, DAY, ("s1",))
    assert v.details == {"pinned": (600, "A1", ("w1",)), "found": (600, "A1", ("w2",))}


def test_a_pin_left_out_has_nothing_found(scenario, tiny_solution_dict):
    tiny_solution_dict["assignments"] = tiny_solution_dict["assignments"][1:]
    tiny_solution_dict["unassigned"] = [{"session": "s1"}]
    v = _one(scenario, tiny_solution_dict, "pin")
    assert v.details["found"] is None
    assert str(v) == "rule 10: s1 is pinned to 10:00 A1 ['w1'], the solution has no assignment"


def test_each_kind_of_rule_1_violation_names_its_session(scenario, tiny_solution_dict):
    s2 = _assignment(tiny_solution_dict, "s2")
    tiny_solution_dict["assignments"] = [
        a for a in tiny_solution_dict["assignments"] if a["session"] not in ("s2", "s3")
    ] + [dict(s2), dict(s2), {**s2, "session": "s9"}]
    tiny_solution_dict["unassigned"] = [
        {"session": "s4"},
        {"session": "s3"},
        {"session": "s3"},
        {"session": "s8"},
    ]
    report = check(scenario_from_dict(scenario), solution_from_dict(tiny_solution_dict))
    rule_1 = [(v.kind, v.sessions, v.day) for v in report.violations if v.rule == 1]
    assert rule_1 == [
        ("assigned_twice", ("s2",), DAY),
        ("unknown_session", ("s9",), None),
        ("assigned_and_unassigned", ("s4",), DAY),
        ("unassigned_twice", ("s3",), DAY),
        ("unknown_unassigned", ("s8",), None),
    ]
    tiny_solution_dict["unassigned"] = []
    v = _one(scenario, tiny_solution_dict, "not_listed")
    assert (v.rule, v.sessions, v.day) == (1, ("s3",), DAY)


def test_the_report_gives_texts_and_violations_can_be_told_apart_as_keys(
    scenario, tiny_solution_dict
):
    _assignment(tiny_solution_dict, "s5").update(start="10:15", workers=["w1"])
    report = check(scenario_from_dict(scenario), solution_from_dict(tiny_solution_dict))
    assert report.as_dict()["violations"] == [str(v) for v in report.violations]
    assert all(isinstance(text, str) for text in report.as_dict()["violations"])
    assert len(dict.fromkeys(report.violations + report.violations)) == len(report.violations)


def test_describe_puts_each_id_in_words_and_the_session_for_its_word():
    v = Violation(
        2, "window", DAY, ("s2",), ((725, 785),), details={"earliest": 660, "latest": 720}
    )
    words = v.describe(session=lambda sid: f"<{sid}>", day=lambda d: "Monday")
    assert words == "<s2> 12:05-13:05 starts outside 11:00-12:00"
    travel = Violation(
        7,
        "travel_gap",
        DAY,
        ("s1", "s2"),
        ((600, 660), (675, 735)),
        workers=("w1",),
        venues=("A", "B"),
        details={"free": 15, "leg": 30},
    )
    words = travel.describe(
        session=lambda sid: f"<{sid}>", worker=str.upper, venue=str.lower, day=lambda d: "Mon"
    )
    assert words == (
        "worker W1 on Mon: <s1> 10:00-11:00 at a, <s2> 11:15-12:15 at b: 15 free min for 30 min "
        "travel"
    )
