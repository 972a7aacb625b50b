"""The greedy heuristic and the CP-SAT solver: validity, pins, priorities, determinism, re-plans."""

from __future__ import annotations

import copy

import pytest

from scheduling.solver import (
    ScenarioError,
    check,
    explain_unassigned,
    greedy,
    scenario_from_dict,
    solve,
)
from tests.solver.scenarios import TINY, score_report


def _valid_everywhere(scenario_dict, sol):
    scn = scenario_from_dict(scenario_dict)
    report = check(scn, sol)
    assert report.valid, report.violations[:5]
    theirs = score_report(scenario_dict, sol)
    if theirs is not None:
        assert theirs["valid"], theirs["violations"][:5]
        assert theirs["objective"] == pytest.approx(report.objective, abs=5e-4)
    return report


def test_greedy_gives_a_valid_rota_of_small_and_of_the_typical_week(small_dict, typical_dict):
    for d in (small_dict, typical_dict):
        sol = greedy(scenario_from_dict(d))
        report = _valid_everywhere(d, sol)
        assert report.court_coverage["percent"] == 100.0
        assert sol.stats["solver"] == "greedy"
        assert all(u.reason for u in sol.unassigned)


def test_solve_gives_a_valid_rota_of_small_no_worse_than_greedy(small_dict):
    scn = scenario_from_dict(small_dict)
    sol = solve(scn, time_limit=8)
    report = _valid_everywhere(small_dict, sol)
    assert report.objective <= greedy(scn).stats["objective"]
    stats = sol.stats
    for key in ("solver", "wall_seconds", "objective", "bound", "stages"):
        assert key in stats
    assert stats["objective"] == report.objective
    assert {"name", "objective", "bound", "status", "wall_seconds"} <= set(stats["stages"][0])
    assert stats["bound"] is not None and stats["bound"] <= report.objective


def test_solve_covers_every_court_session_of_the_typical_week_in_a_short_run(typical_dict):
    scn = scenario_from_dict(typical_dict)
    sol = solve(scn, time_limit=15)
    report = _valid_everywhere(typical_dict, sol)
    assert report.court_coverage["percent"] == 100.0
    assert report.objective <= sol.stats["greedy_objective"]
    assert sol.stats["wall_seconds"] < 25


def test_pins_are_kept_exactly_by_greedy_and_solve(small_dict):
    d = copy.deepcopy(small_dict)
    base = greedy(scenario_from_dict(d))
    # Pin three sessions somewhere else than the greedy put them: a later start where allowed.
    pins = []
    for a in base.assignments[:3]:
        pins.append(
            {"session": a.session, "start": f"{a.start // 60:02d}:{a.start % 60:02d}",
             "room": a.room, "workers": list(a.workers)[::-1]}
        )  # fmt: skip
    d["pinned"] = pins
    scn = scenario_from_dict(d)
    for sol in (greedy(scn), solve(scn, time_limit=4)):
        _valid_everywhere(d, sol)
        got = sol.by_session()
        for p in scn.pinned:
            assert (got[p.session].start, got[p.session].room) == (p.start, p.room)
            assert set(got[p.session].workers) == set(p.workers)


def test_an_infeasible_pin_is_refused_naming_it(tiny_dict):
    tiny_dict["pinned"].append({"session": "s2", "start": "11:15", "room": "A2", "workers": ["w3"]})
    scn = scenario_from_dict(tiny_dict)
    with pytest.raises(ScenarioError, match=r"pinned\[1\] \(s2\).*rule 6"):
        greedy(scn)
    with pytest.raises(ScenarioError, match=r"pinned\[1\] \(s2\)"):
        solve(scn, time_limit=2)


def test_court_sessions_come_before_standard_ones_when_one_worker_is_left(tiny_dict):
    # Only w2 may work, and a standard and a court session want the same hour.
    for s in tiny_dict["sessions"]:
        s["excluded_workers"] = ["w1", "w3"]
        s["worker_skills"] = []
        s["workers_needed"] = 1
        s["continuity_workers"] = []
    tiny_dict["pinned"] = []
    standard, court = tiny_dict["sessions"][1], tiny_dict["sessions"][0]
    standard["priority"], standard["earliest_start"], standard["latest_start"] = (
        "standard", "10:00", "10:00",
    )  # fmt: skip
    court["venues"] = ["B"]
    standard["venues"] = ["B"]
    scn = scenario_from_dict(tiny_dict)
    for sol in (greedy(scn), solve(scn, time_limit=3)):
        _valid_everywhere(tiny_dict, sol)
        assert "s1" in sol.by_session()
        assert "s2" in {u.session for u in sol.unassigned}


def test_two_deterministic_runs_give_the_same_rota(small_dict):
    scn = scenario_from_dict(small_dict)
    one = solve(scn, time_limit=4, deterministic=True, seed=3)
    two = solve(scn, time_limit=4, deterministic=True, seed=3)
    assert one.assignments == two.assignments
    assert one.stats["objective"] == two.stats["objective"]


def test_progress_is_reported_with_stage_and_fraction(small_dict):
    seen = []
    solve(scenario_from_dict(small_dict), time_limit=3, progress=seen.append)
    assert seen and seen[-1]["stage"] == "done" and seen[-1]["fraction"] == 1.0
    assert all({"stage", "fraction"} <= set(x) for x in seen)
    assert {"greedy", "cost"} <= {x["stage"] for x in seen}


def test_a_re_plan_keeps_every_assignment_that_is_still_valid(small_dict):
    scn = scenario_from_dict(small_dict)
    before = solve(scn, time_limit=5, deterministic=True)
    # The busiest worker-day of the rota goes off sick.
    load = {}
    for a in before.assignments:
        for w in a.workers:
            key = (w, scn.session_by_id[a.session].day)
            load[key] = load.get(key, 0) + 1
    (worker, day), _ = max(load.items(), key=lambda kv: (kv[1], kv[0]))
    d = copy.deepcopy(small_dict)
    for w in d["workers"]:
        if w["id"] == worker:
            w["available"] = [x for x in w["available"] if x["day"] != day]
    sick = scenario_from_dict(d)
    displaced = {
        a.session
        for a in before.assignments
        if worker in a.workers and scn.session_by_id[a.session].day == day
    }
    assert displaced
    for after in (greedy(sick, previous=before), solve(sick, time_limit=5, previous=before)):
        _valid_everywhere(d, after)
        old, new = before.by_session(), after.by_session()
        changed = {
            sid for sid in set(old) | set(new)
            if (old.get(sid) is None) != (new.get(sid) is None)
            or (sid in old and sid in new and (old[sid].start, old[sid].room,
                set(old[sid].workers)) != (new[sid].start, new[sid].room, set(new[sid].workers)))
        }  # fmt: skip
        assert after.stats["changes"] == len(changed)
        assert changed == displaced, (changed - displaced, displaced - changed)
        assert after.stats["kept"] == len(old) - len(displaced)


def test_unassigned_sessions_get_a_reason_a_person_understands(tiny_dict):
    # Nobody may take s3; s4 needs a two-way mirror that B1 lacks.
    tiny_dict["sessions"][2]["excluded_workers"] = ["w1", "w2", "w3"]
    tiny_dict["sessions"][3]["mode"] = "overseen"
    scn = scenario_from_dict(tiny_dict)
    sol = greedy(scn)
    reasons = {u.session: u.reason for u in sol.unassigned}
    assert reasons["s3"] == "no worker available on Monday 14:00–14:30"
    assert reasons["s4"] == "no room with two_way_mirror for 4 people at B"
    assert explain_unassigned(scn, "s3", sol) == reasons["s3"]


def test_a_full_room_is_given_as_the_reason(tiny_dict):
    tiny_dict["pinned"] = []
    extra = copy.deepcopy(tiny_dict["sessions"][3])
    extra.update(id="s6", children=["c9"], workers_needed=1)
    tiny_dict["sessions"].append(extra)  # B1 at 15:00 twice: one cannot have it
    scn = scenario_from_dict(tiny_dict)
    sol = solve(scn, time_limit=3)
    _valid_everywhere(tiny_dict, sol)
    reasons = {u.session: u.reason for u in sol.unassigned}
    assert list(reasons.values()) == ["all rooms at B full on Monday 15:00–16:00"]


def test_the_tiny_scenario_is_solved_completely():
    scn = scenario_from_dict(copy.deepcopy(TINY))
    sol = solve(scn, time_limit=3)
    report = _valid_everywhere(TINY, sol)
    assert report.coverage["percent"] == 100.0


def test_the_safety_net_keeps_what_fits_and_drops_a_clash(tiny):
    from scheduling.solver.greedy import sanitize
    from scheduling.solver.model import Assignment

    good = solution_from_dict_tiny(tiny)
    clash = Assignment("s2", 615, "A1", ("w1",))  # A1 still in use after s1, w1 needed there
    kept = sanitize(tiny, [a for a in good if a.session != "s2"] + [clash])
    assert {a.session for a in kept} == {"s1", "s3", "s4", "s5"}
    assert sanitize(tiny, good) == good


def solution_from_dict_tiny(tiny):
    from scheduling.solver import solution_from_dict
    from tests.solver.scenarios import TINY_SOLUTION

    return solution_from_dict(TINY_SOLUTION, tiny).assignments
