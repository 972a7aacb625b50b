"""Reading and writing the contact-rota scenario and solution format."""

from __future__ import annotations

import json

import pytest

from scheduling.solver import (
    ScenarioError,
    load_scenario,
    load_solution,
    scenario_from_dict,
    scenario_to_dict,
    solution_from_dict,
    solution_to_dict,
)
from tests.solver.scenarios import TINY_SOLUTION, shared_file


def test_the_shared_scenarios_load_with_their_counts():
    typical = load_scenario(shared_file("typical-week.json"))
    assert len(typical.sessions) == 261
    assert len(typical.workers) == 35
    assert len(typical.room_by_id) == 35
    assert len(typical.venues) == 7
    assert sum(s.priority == "court" for s in typical.sessions) == 117
    assert sum(s.workers_needed == 2 for s in typical.sessions) == 20
    assert sum(s.mode == "virtual" for s in typical.sessions) == 15
    assert sum(s.mode == "overseen" for s in typical.sessions) == 10
    assert len(load_scenario(shared_file("small.json")).sessions) == 60


def test_times_are_minutes_and_travel_is_symmetric_with_a_default(tiny):
    s1 = tiny.session_by_id["s1"]
    assert (s1.earliest_start, s1.duration, s1.day) == (600, 60, "2026-12-07")
    assert tiny.travel("A", "B") == tiny.travel("B", "A") == 30
    assert tiny.travel("A", "A") == 0
    assert tiny.pinned[0].start == 600


def test_a_scenario_survives_a_round_trip(tiny, small_dict):
    assert scenario_from_dict(scenario_to_dict(tiny)) == tiny
    small = scenario_from_dict(small_dict)
    assert scenario_from_dict(json.loads(json.dumps(scenario_to_dict(small)))) == small


def test_a_solution_survives_a_round_trip(tiny):
    sol = solution_from_dict(TINY_SOLUTION, tiny)
    assert sol.assignments[0].start == 600
    assert sol.assignments[2].room is None
    assert solution_to_dict(sol)["assignments"] == TINY_SOLUTION["assignments"]


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{ not json")
    with pytest.raises(ScenarioError, match="not JSON"):
        load_scenario(path)
    with pytest.raises(ScenarioError, match="not JSON"):
        load_solution(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "absent.json")


def _set(tree, path, value) -> None:
    *parents, last = path
    for key in parents:
        tree = tree[key]
    tree[last] = value


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        pytest.param(
            ("format",),
            "contact-rota-scenario/2",
            r"^format: expected 'contact-rota-scenario/1'",
            id="the wrong format string",
        ),
        pytest.param(
            ("sessions", 1, "venues"),
            ["A", "foo"],
            r"^sessions\[1\]\.venues: unknown venue 'foo'",
            id="an unknown venue of a session",
        ),
        pytest.param(
            ("workers", 2, "base"),
            "nowhere",
            r"^workers\[2\]\.base: unknown venue 'nowhere'",
            id="an unknown base venue",
        ),
        pytest.param(
            ("travel_minutes", "A", "Z"),
            10,
            r"^travel_minutes\.A\.Z: unknown venue 'Z'",
            id="an unknown venue in travel",
        ),
        pytest.param(
            ("sessions", 0, "continuity_workers"),
            ["w9"],
            r"^sessions\[0\]\.continuity_workers: unknown worker 'w9'",
            id="an unknown continuity worker",
        ),
        pytest.param(
            ("sessions", 3, "excluded_workers"),
            ["nobody"],
            r"^sessions\[3\]\.excluded_workers: unknown worker",
            id="an unknown excluded worker",
        ),
        pytest.param(
            ("pinned", 0, "session"),
            "s99",
            r"^pinned\[0\]\.session: unknown session 's99'",
            id="a pin of an unknown session",
        ),
        pytest.param(
            ("pinned", 0, "room"),
            "Q1",
            r"^pinned\[0\]\.room: unknown room 'Q1'",
            id="a pin of an unknown room",
        ),
        pytest.param(
            ("pinned", 0, "workers"),
            ["w7"],
            r"^pinned\[0\]\.workers: unknown worker 'w7'",
            id="a pin of an unknown worker",
        ),
        pytest.param(
            ("venues", 1, "rooms", 0, "id"),
            "A1",
            r"^venues\[1\]\.rooms\[0\]\.id: duplicate room id",
            id="a duplicate room id",
        ),
        pytest.param(
            ("workers", 0, "available", 0, "to"),
            "18h",
            r"^workers\[0\]\.available\[0\]\.to: bad time",
            id="a bad availability time",
        ),
        pytest.param(
            ("sessions", 1, "latest_start"),
            "10:00",
            r"^sessions\[1\]\.latest_start: is before",
            id="a window that ends before it starts",
        ),
        pytest.param(
            ("travel_minutes", "B"),
            {"A": 35},
            r"^travel_minutes\.B\.A: travel B-A is given twice",
            id="travel given twice with different values",
        ),
        pytest.param(
            ("workers", 1, "contract_minutes"),
            "lots",
            r"^workers\[1\]\.contract_minutes: expected an int",
            id="a field of the wrong type",
        ),
        pytest.param(
            ("sessions", 0, "priority"),
            "urgent",
            r"^sessions\[0\]\.priority: unknown priority",
            id="an unknown priority",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_where_it_is(tiny_dict, path, value, message):
    _set(tiny_dict, path, value)
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(tiny_dict)


def test_a_solution_with_the_wrong_format_string_is_refused(tiny_solution_dict):
    tiny_solution_dict["format"] = "contact-rota-scenario/1"
    with pytest.raises(ScenarioError, match="^format:"):
        solution_from_dict(tiny_solution_dict)


def test_unknown_ids_in_a_solution_are_named_when_the_scenario_is_given(tiny, tiny_solution_dict):
    tiny_solution_dict["assignments"][1]["room"] = "Q1"
    with pytest.raises(ScenarioError, match=r"^assignments\[1\]\.room: unknown room 'Q1'"):
        solution_from_dict(tiny_solution_dict, tiny)
    tiny_solution_dict["assignments"][1]["room"] = "A2"
    tiny_solution_dict["assignments"][1]["session"] = "s77"
    with pytest.raises(ScenarioError, match=r"^assignments\[1\]\.session: unknown session"):
        solution_from_dict(tiny_solution_dict, tiny)


@pytest.mark.parametrize(
    ("key", "index", "what"),
    [("sessions", 1, "session"), ("workers", 1, "worker"), ("venues", 1, "venue")],
)
def test_a_duplicate_id_is_named(tiny_dict, key, index, what):
    tiny_dict[key][index]["id"] = tiny_dict[key][0]["id"]
    with pytest.raises(ScenarioError, match=rf"^{key}\[{index}\]\.id: duplicate {what} id"):
        scenario_from_dict(tiny_dict)


@pytest.mark.parametrize("bad", ["9:00", "10:60", "25:00", "noon", 900])
def test_a_bad_time_is_named(tiny_dict, bad):
    tiny_dict["sessions"][2]["earliest_start"] = bad
    with pytest.raises(ScenarioError, match=r"^sessions\[2\]\.earliest_start: "):
        scenario_from_dict(tiny_dict)


def test_travel_given_twice_with_the_same_value_is_accepted(tiny_dict):
    tiny_dict["travel_minutes"]["B"] = {"A": 30}
    assert scenario_from_dict(tiny_dict).travel("B", "A") == 30


def test_a_missing_required_field_is_named(tiny_dict):
    del tiny_dict["sessions"][0]["duration"]
    with pytest.raises(ScenarioError, match=r"^sessions\[0\]\.duration: missing field"):
        scenario_from_dict(tiny_dict)


def test_a_scenario_that_is_not_an_object_is_refused():
    with pytest.raises(ScenarioError):
        scenario_from_dict([1, 2])
