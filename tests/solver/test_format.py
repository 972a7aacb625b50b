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

from .conftest import TINY_SOLUTION, shared_file


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


def test_the_wrong_format_string_is_refused(tiny_dict):
    tiny_dict["format"] = "contact-rota-scenario/2"
    with pytest.raises(ScenarioError, match=r"^format: expected 'contact-rota-scenario/1'"):
        scenario_from_dict(tiny_dict)


def test_a_solution_with_the_wrong_format_string_is_refused(tiny_solution_dict):
    tiny_solution_dict["format"] = "contact-rota-scenario/1"
    with pytest.raises(ScenarioError, match="^format:"):
        solution_from_dict(tiny_solution_dict)


def test_an_unknown_venue_of_a_session_is_named(tiny_dict):
    tiny_dict["sessions"][1]["venues"] = ["A", "foo"]
    with pytest.raises(ScenarioError, match=r"^sessions\[1\]\.venues: unknown venue 'foo'"):
        scenario_from_dict(tiny_dict)


def test_an_unknown_base_venue_is_named(tiny_dict):
    tiny_dict["workers"][2]["base"] = "nowhere"
    with pytest.raises(ScenarioError, match=r"^workers\[2\]\.base: unknown venue 'nowhere'"):
        scenario_from_dict(tiny_dict)


def test_an_unknown_venue_in_travel_is_named(tiny_dict):
    tiny_dict["travel_minutes"]["A"]["Z"] = 10
    with pytest.raises(ScenarioError, match=r"^travel_minutes\.A\.Z: unknown venue 'Z'"):
        scenario_from_dict(tiny_dict)


def test_an_unknown_continuity_worker_is_named(tiny_dict):
    tiny_dict["sessions"][0]["continuity_workers"] = ["w9"]
    with pytest.raises(
        ScenarioError, match=r"^sessions\[0\]\.continuity_workers: unknown worker 'w9'"
    ):
        scenario_from_dict(tiny_dict)


def test_an_unknown_excluded_worker_is_named(tiny_dict):
    tiny_dict["sessions"][3]["excluded_workers"] = ["nobody"]
    with pytest.raises(ScenarioError, match=r"^sessions\[3\]\.excluded_workers: unknown worker"):
        scenario_from_dict(tiny_dict)


def test_a_pin_of_an_unknown_session_room_or_worker_is_named(tiny_dict):
    for key, value, message in (
        ("session", "s99", r"^pinned\[0\]\.session: unknown session 's99'"),
        ("room", "Q1", r"^pinned\[0\]\.room: unknown room 'Q1'"),
        ("workers", ["w7"], r"^pinned\[0\]\.workers: unknown worker 'w7'"),
    ):
        broken = json.loads(json.dumps(tiny_dict))
        broken["pinned"][0][key] = value
        with pytest.raises(ScenarioError, match=message):
            scenario_from_dict(broken)


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


def test_a_duplicate_room_id_is_named(tiny_dict):
    tiny_dict["venues"][1]["rooms"][0]["id"] = "A1"
    with pytest.raises(ScenarioError, match=r"^venues\[1\]\.rooms\[0\]\.id: duplicate room id"):
        scenario_from_dict(tiny_dict)


@pytest.mark.parametrize("bad", ["9:00", "10:60", "25:00", "noon", 900])
def test_a_bad_time_is_named(tiny_dict, bad):
    tiny_dict["sessions"][2]["earliest_start"] = bad
    with pytest.raises(ScenarioError, match=r"^sessions\[2\]\.earliest_start: "):
        scenario_from_dict(tiny_dict)


def test_a_bad_availability_time_is_named(tiny_dict):
    tiny_dict["workers"][0]["available"][0]["to"] = "18h"
    with pytest.raises(ScenarioError, match=r"^workers\[0\]\.available\[0\]\.to: bad time"):
        scenario_from_dict(tiny_dict)


def test_a_window_that_ends_before_it_starts_is_refused(tiny_dict):
    tiny_dict["sessions"][1]["latest_start"] = "10:00"
    with pytest.raises(ScenarioError, match=r"^sessions\[1\]\.latest_start: is before"):
        scenario_from_dict(tiny_dict)


def test_travel_given_twice_with_different_values_is_refused(tiny_dict):
    tiny_dict["travel_minutes"]["B"] = {"A": 35}
    with pytest.raises(ScenarioError, match=r"^travel_minutes\.B\.A: travel B-A is given twice"):
        scenario_from_dict(tiny_dict)


def test_travel_given_twice_with_the_same_value_is_accepted(tiny_dict):
    tiny_dict["travel_minutes"]["B"] = {"A": 30}
    assert scenario_from_dict(tiny_dict).travel("B", "A") == 30


def test_a_missing_required_field_is_named(tiny_dict):
    del tiny_dict["sessions"][0]["duration"]
    with pytest.raises(ScenarioError, match=r"^sessions\[0\]\.duration: missing field"):
        scenario_from_dict(tiny_dict)


def test_a_field_of_the_wrong_type_is_named(tiny_dict):
    tiny_dict["workers"][1]["contract_minutes"] = "lots"
    with pytest.raises(ScenarioError, match=r"^workers\[1\]\.contract_minutes: expected an int"):
        scenario_from_dict(tiny_dict)


def test_an_unknown_priority_is_named(tiny_dict):
    tiny_dict["sessions"][0]["priority"] = "urgent"
    with pytest.raises(ScenarioError, match=r"^sessions\[0\]\.priority: unknown priority"):
        scenario_from_dict(tiny_dict)


def test_a_scenario_that_is_not_an_object_is_refused():
    with pytest.raises(ScenarioError):
        scenario_from_dict([1, 2])
