"""Benchmark of the rota solver against the greedy heuristic.

    python bench/solver.py [FOLDER ...] [--time-limit S] [--deterministic]

Default folders: ../shared/scenarios (beside the repository) and bench/generated (written by
bench/scenarios.py when missing). For every scenario the full solver and the greedy alone run
in the same invocation, each in a child process whose peak memory is its ru_maxrss (os.wait4).
Both solutions are validated by score.py (when present) and by the package's own checker.
Default time limit per scenario: 60 s up to 300 sessions, 120 s up to 600, else 300 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scheduling.solver import (  # noqa: E402
    check,
    greedy,
    load_scenario,
    load_solution,
    solution_to_dict,
    solve,
)
from scheduling.solver.model import SCENARIO_FORMAT, dump_json  # noqa: E402

SHARED = REPO / ".." / "shared" / "scenarios"
GENERATED = REPO / "bench" / "generated"


def default_limit(n_sessions: int) -> float:
    return 60.0 if n_sessions <= 300 else 120.0 if n_sessions <= 600 else 300.0


def child(args: argparse.Namespace) -> int:
    """Run one solve in this (child) process and write the solution."""
    scn = load_scenario(args.child_scenario)
    if args.child_mode == "greedy":
        sol = greedy(scn)
    else:
        sol = solve(
            scn,
            time_limit=args.child_limit,
            deterministic=args.deterministic,
            seed=args.seed,
        )
    dump_json(solution_to_dict(sol), args.child_out)
    return 0


def run_child(mode: str, scenario: Path, limit: float, args) -> tuple[Path, float, float]:
    out = Path(tempfile.mkdtemp(prefix="bench-")) / f"{scenario.stem}-{mode}.json"
    cmd = [
        sys.executable,
        __file__,
        "--child-mode",
        mode,
        "--child-scenario",
        str(scenario),
        "--child-out",
        str(out),
        "--child-limit",
        str(limit),
        "--seed",
        str(args.seed),
    ] + (["--deterministic"] if args.deterministic else [])
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {scenario} failed with status {proc.returncode}")
    return out, wall, usage.ru_maxrss / 1024  # KiB -> MiB on Linux


def score_py(scenario: Path, solution: Path) -> dict | None:
    script = SHARED / "score.py"
    if not script.exists():
        return None
    done = subprocess.run(
        [sys.executable, str(script), str(scenario), str(solution), "--json"],
        capture_output=True,
        text=True,
    )
    if done.returncode == 2:
        raise SystemExit(f"score.py refused {solution}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def scenario_files(folders: list[Path]) -> list[Path]:
    files = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            try:
                head = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(head, dict) and head.get("format") == SCENARIO_FORMAT:
                files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the rota solver against greedy.")
    parser.add_argument("folders", nargs="*")
    parser.add_argument("--time-limit", type=float, help="seconds per scenario (default scaled)")
    parser.add_argument("--deterministic", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child-mode", help=argparse.SUPPRESS)
    parser.add_argument("--child-scenario", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--child-limit", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_mode:
        return child(args)

    if args.folders:
        folders = [Path(f) for f in args.folders]
    else:
        if not (GENERATED / "two-weeks.json").exists():
            subprocess.run(
                [sys.executable, str(REPO / "bench" / "scenarios.py"), str(GENERATED)], check=True
            )
        folders = [SHARED, GENERATED]
    have_score = (SHARED / "score.py").exists()
    print(f"checkers: own{' + score.py' if have_score else ' (score.py absent)'}; "
          f"peak memory: ru_maxrss of the child process; {os.cpu_count()} CPUs")  # fmt: skip
    header = (
        f"{'scenario':<14}{'sessions':>9} {'run':<7}{'objective':>10}{'greedy':>10}{'ratio':>7}"
        f"{'bound':>9}{'gap':>7}{'cover%':>8}{'court%':>8}{'travel':>8}{'contin%':>8}"
        f"{'wall s':>8}{'peak MB':>9}  valid"
    )
    rows = []
    for path in scenario_files(folders):
        scn = load_scenario(path)
        limit = args.time_limit or default_limit(len(scn.sessions))
        results = {}
        for mode in ("greedy", "solver"):
            out, wall, peak = run_child(mode, path, limit, args)
            sol = load_solution(out)
            mine = check(scn, sol)
            theirs = score_py(path, out)
            valid = mine.valid and (theirs is None or theirs["valid"])
            agree = theirs is None or abs(theirs["objective"] - mine.objective) < 5e-4
            results[mode] = (sol, mine, valid and agree, wall, peak)
        g_obj = results["greedy"][1].objective
        print(f"\n{path.name}  (time limit {limit:g} s)")
        print(header)
        for mode in ("solver", "greedy"):
            sol, rep, ok, wall, peak = results[mode]
            bound = sol.stats.get("bound")
            gap = (
                f"{100 * (rep.objective - bound) / rep.objective:.0f}%"
                if bound is not None and rep.objective
                else "-"
            )
            ratio = rep.objective / g_obj if g_obj else 1.0
            line = (
                f"{scn.name:<14}{len(scn.sessions):>9} {mode:<7}{rep.objective:>10.1f}"
                f"{g_obj:>10.1f}{ratio:>7.3f}{'-' if bound is None else f'{bound:.0f}':>9}"
                f"{gap:>7}{rep.coverage['percent']:>8.2f}{rep.court_coverage['percent']:>8.2f}"
                f"{rep.travel_minutes:>8}{rep.continuity_rate['percent'] or 0:>8.2f}"
                f"{wall:>8.1f}{peak:>9.0f}  {'yes' if ok else 'NO'}"
            )
            print(line)
            rows.append(line)
        stages = results["solver"][0].stats.get("stages", [])
        print(
            "  stages: "
            + "; ".join(
                f"{st['name']} {st['status']} obj {st['objective']} bound {st['bound']} "
                f"{st['wall_seconds']} s"
                for st in stages
            )
        )
    print("\nbound: proven lower bound on the objective (sum over days of a relaxation: every "
          "worker, no travel, whole contracts); gap = (objective - bound) / objective")  # fmt: skip
    return 0 if all(r.endswith("yes") for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
