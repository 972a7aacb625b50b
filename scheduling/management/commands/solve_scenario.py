import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scheduling import solver


class Command(BaseCommand):
    help = "Solve a contact-rota-scenario/1 file and write the solution (nothing on error)."

    def add_arguments(self, parser):
        parser.add_argument("scenario", type=Path)
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--time-limit", type=float, default=60.0)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--deterministic", action="store_true")
        parser.add_argument("--previous", type=Path, help="A current rota to change little.")

    def handle(self, *args, scenario, output, time_limit, seed, deterministic, previous, **_):
        try:
            problem = solver.load_scenario(scenario)
            current = solver.load_solution(previous, problem) if previous else None
        except solver.ScenarioError as error:
            raise CommandError(str(error), returncode=2) from None
        except OSError as error:
            raise CommandError(
                f"cannot read {error.filename}: {error.strerror}", returncode=2
            ) from None
        solution = solver.solve(
            problem,
            time_limit=time_limit,
            seed=seed,
            deterministic=deterministic,
            previous=current,
        )
        report = solver.check(problem, solution)
        output.write_text(json.dumps(solver.solution_to_dict(solution), indent=2) + "\n")
        coverage = report.coverage
        self.stdout.write(
            f"{'valid' if report.valid else 'INVALID'} rota: objective {report.objective}, "
            f"{coverage['assigned']}/{coverage['total']} sessions placed, "
            f"written to {output}"
        )
        if not report.valid:
            raise CommandError("; ".join(str(v) for v in report.violations[:10]), returncode=1)
