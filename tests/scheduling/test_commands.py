"""The rota commands: export a week, solve a scenario file, solve a week, the weekly schedule."""

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from scheduling.models import ContactSession, RotaWeek, SolverRun
from scheduling.tasks import solve_weeks_ahead
from tests.factories import A_MONDAY

pytestmark = pytest.mark.django_db
SHARED_SCENARIOS = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios"


def independent_checker():
    path = SHARED_SCENARIOS / "score.py"
    if not path.exists():
        pytest.skip(f"the independent checker is not at {path}")
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_solve_week_then_export_gives_a_rota_the_independent_checker_accepts(county, tmp_path):
    call_command("solve_week", A_MONDAY.isoformat(), "--time-limit", "5")
    scenario_file, solution_file = tmp_path / "week.json", tmp_path / "rota.json"

    call_command(
        "export_scenario",
        "--week",
        A_MONDAY.isoformat(),
        "-o",
        str(scenario_file),
        "--solution",
        str(solution_file),
    )

    scenario, solution = (
        json.loads(scenario_file.read_text()),
        json.loads(solution_file.read_text()),
    )
    assert scenario["format"] == "contact-rota-scenario/1"
    assert len(scenario["sessions"]) == 6
    assert {w["id"] for w in scenario["workers"]} == {"w1", "w2", "w3", "w4"}
    report = independent_checker().score(scenario, solution)
    assert report["valid"], report["violations"]
    assert report["coverage"]["assigned"] == 6


def test_an_exported_week_can_be_solved_from_the_file(county, tmp_path):
    scenario_file, out = tmp_path / "week.json", tmp_path / "rota.json"
    call_command("export_scenario", "--week", A_MONDAY.isoformat(), "-o", str(scenario_file))

    call_command("solve_scenario", str(scenario_file), "-o", str(out), "--time-limit", "5")

    report = independent_checker().score(
        json.loads(scenario_file.read_text()), json.loads(out.read_text())
    )
    assert report["valid"], report["violations"]


def test_export_refuses_a_day_that_is_not_a_monday(tmp_path):
    with pytest.raises(CommandError, match="not a Monday") as error:
        call_command("export_scenario", "--week", "2026-12-08", "-o", str(tmp_path / "x.json"))
    assert error.value.returncode == 2
    assert not (tmp_path / "x.json").exists()


def test_solve_scenario_refuses_a_file_that_is_not_json_and_writes_nothing(tmp_path):
    bad, out = tmp_path / "bad.json", tmp_path / "out.json"
    bad.write_text("{ not json")

    with pytest.raises(CommandError) as error:
        call_command("solve_scenario", str(bad), "-o", str(out))

    assert error.value.returncode == 2
    assert not out.exists()


def test_solve_scenario_names_the_unknown_id(tmp_path):
    data = {
        "format": "contact-rota-scenario/1",
        "name": "broken",
        "days": ["2026-12-07"],
        "room_turnaround_minutes": 15,
        "venues": [],
        "travel_minutes": {},
        "workers": [],
        "sessions": [],
        "pinned": [{"session": "nope", "start": "10:00", "room": None, "workers": []}],
    }
    bad, out = tmp_path / "bad.json", tmp_path / "out.json"
    bad.write_text(json.dumps(data))

    with pytest.raises(CommandError, match="nope") as error:
        call_command("solve_scenario", str(bad), "-o", str(out))

    assert error.value.returncode == 2
    assert not out.exists()


def test_the_weekly_schedule_plans_the_week_two_weeks_ahead(
    county, celery_eager, django_capture_on_commit_callbacks
):
    two_weeks_before = A_MONDAY - dt.timedelta(weeks=2)

    six_am = dt.datetime(*two_weeks_before.timetuple()[:3], 6, 0)
    with (
        time_machine.travel(six_am, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = solve_weeks_ahead(weeks_ahead=2)

    assert "Queued solver run" in message
    run = SolverRun.objects.get()
    assert run.rota_week.week_start == A_MONDAY
    assert run.trigger == SolverRun.Trigger.SCHEDULE
    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    assert ContactSession.objects.filter(starts_at__isnull=False).count() == 6


def test_the_weekly_schedule_leaves_a_published_week_alone(county):
    RotaWeek.objects.filter(week_start=A_MONDAY).update(state=RotaWeek.State.PUBLISHED)

    with time_machine.travel(dt.datetime(2026, 11, 23, 6, 0), tick=False):
        message = solve_weeks_ahead(weeks_ahead=2)

    assert "already published" in message
    assert not SolverRun.objects.exists()
