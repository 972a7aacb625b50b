"""Command line: ``python -m scheduling.solver solve|check ...``.

Exit status: 0 valid, 1 invalid, 2 a file cannot be read or is not of the format (one error
line naming the field; nothing is written).
"""

from __future__ import annotations

import argparse
import json
import sys

from .check import check
from .cpsat import solve
from .model import ScenarioError, dump_json, load_scenario, load_solution, solution_to_dict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduling.solver")
    sub = parser.add_subparsers(dest="command", required=True)
    p_solve = sub.add_parser("solve", help="solve a scenario and write the solution")
    p_solve.add_argument("scenario")
    p_solve.add_argument("-o", "--output", required=True)
    p_solve.add_argument("--time-limit", type=float, default=60.0)
    p_solve.add_argument("--seed", type=int, default=0)
    p_solve.add_argument("--deterministic", action="store_true")
    p_solve.add_argument("--previous", help="a previous solution to change as little as possible")
    p_check = sub.add_parser("check", help="check a solution against its scenario")
    p_check.add_argument("scenario")
    p_check.add_argument("solution")
    p_check.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
        if args.command == "check":
            solution = load_solution(args.solution)
        else:
            previous = load_solution(args.previous) if args.previous else None
            solution = solve(
                scenario,
                time_limit=args.time_limit,
                seed=args.seed,
                deterministic=args.deterministic,
                previous=previous,
            )
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = check(scenario, solution)
    if args.command == "solve":
        try:
            dump_json(solution_to_dict(solution), args.output)
        except OSError as error:
            print(f"error: {args.output}: cannot write: {error.strerror}", file=sys.stderr)
            return 2
        s = solution.stats
        print(
            f"{'VALID' if report.valid else 'INVALID'} objective {report.objective} "
            f"(greedy {s.get('greedy_objective')}, bound {s.get('bound')}), "
            f"coverage {report.coverage['percent']}%, court {report.court_coverage['percent']}%, "
            f"{s.get('wall_seconds')} s -> {args.output}"
        )
    elif args.json:
        print(json.dumps(report.as_dict()))
    else:
        print("VALID" if report.valid else f"INVALID: {len(report.violations)} violation(s)")
        for v in report.violations:
            print(f"  {v}")
        print(f"objective {report.objective}")
        cov, court = report.coverage, report.court_coverage
        print(
            f"coverage {cov['assigned']}/{cov['total']} ({cov['percent']}%), "
            f"court {court['assigned']}/{court['total']} ({court['percent']}%), "
            f"travel {report.travel_minutes} min"
        )
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main())
