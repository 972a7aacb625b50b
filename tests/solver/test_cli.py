"""The command line: exit status 0 valid, 1 invalid, 2 bad file; nothing written on error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.solver.scenarios import TINY, TINY_SOLUTION

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "scheduling.solver", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def _write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_solve_writes_a_valid_solution_and_exits_0(tmp_path):
    scenario = _write(tmp_path / "tiny.json", TINY)
    out = tmp_path / "out.json"
    done = _run("solve", str(scenario), "-o", str(out), "--time-limit", "3", "--deterministic")
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["format"] == "contact-rota-solution/1"
    again = _run("check", str(scenario), str(out))
    assert again.returncode == 0 and again.stdout.startswith("VALID")


def test_check_exits_1_and_lists_the_broken_rule(tmp_path):
    scenario = _write(tmp_path / "tiny.json", TINY)
    broken = json.loads(json.dumps(TINY_SOLUTION))
    broken["assignments"][1]["start"] = "12:05"
    solution = _write(tmp_path / "sol.json", broken)
    done = _run("check", str(scenario), str(solution), "--json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert not report["valid"] and report["violations"][0].startswith("rule 2:")


def test_a_bad_scenario_exits_2_with_one_line_naming_the_field_and_writes_nothing(tmp_path):
    bad = json.loads(json.dumps(TINY))
    bad["sessions"][0]["venues"] = ["foo"]
    scenario = _write(tmp_path / "bad.json", bad)
    out = tmp_path / "out.json"
    done = _run("solve", str(scenario), "-o", str(out))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["error: sessions[0].venues: unknown venue 'foo'"]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [scenario]


def test_a_file_that_is_not_json_exits_2(tmp_path):
    scenario = _write(tmp_path / "tiny.json", TINY)
    junk = _write(tmp_path / "junk.json", "{]")
    assert _run("check", str(scenario), str(junk)).returncode == 2
    out = tmp_path / "o.json"
    assert _run("solve", str(junk), "-o", str(out)).returncode == 2
    assert not out.exists()


def test_an_infeasible_pin_exits_2_and_writes_nothing(tmp_path):
    bad = json.loads(json.dumps(TINY))
    bad["pinned"][0]["start"] = "10:30"
    scenario = _write(tmp_path / "pin.json", bad)
    out = tmp_path / "o.json"
    done = _run("solve", str(scenario), "-o", str(out))
    assert done.returncode == 2 and "pinned[0] (s1)" in done.stderr
    assert not out.exists()


def test_solve_re_plans_from_a_previous_solution(tmp_path):
    scenario = _write(tmp_path / "tiny.json", TINY)
    previous = _write(tmp_path / "prev.json", TINY_SOLUTION)
    out = tmp_path / "out.json"
    done = _run("solve", str(scenario), "-o", str(out), "--previous", str(previous),
                "--time-limit", "3")  # fmt: skip
    assert done.returncode == 0, done.stderr
    stats = json.loads(out.read_text())["stats"]
    assert "changes" in stats and "kept" in stats
