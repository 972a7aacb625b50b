import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lib.weeks import is_monday
from scheduling.exchange import week_problem
from scheduling.models import RotaWeek
from scheduling.solver import solution_to_dict


def parse_monday(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)", returncode=2) from None
    if not is_monday(day):
        raise CommandError(f"{day:%A %d %B %Y} is not a Monday", returncode=2)
    return day


class Command(BaseCommand):
    help = "Write a week's rota problem (and its current rota) as contact-rota files."

    def add_arguments(self, parser):
        parser.add_argument("--week", required=True, help="The Monday, YYYY-MM-DD.")
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--solution", type=Path, help="Also write the week's current rota.")

    def handle(self, *args, week, output, solution, **_):
        monday = parse_monday(week)
        try:
            rota_week = RotaWeek.objects.get(week_start=monday)
        except RotaWeek.DoesNotExist:
            raise CommandError(
                f"No sessions are planned for the week of {monday}; run plan_week {monday} first.",
                returncode=2,
            ) from None
        problem = week_problem(rota_week=rota_week, release_invalid_pins=False)
        output.write_text(json.dumps(problem.scenario_dict, indent=2) + "\n")
        if solution:
            solution.write_text(json.dumps(solution_to_dict(problem.current), indent=2) + "\n")
        self.stdout.write(
            f"Wrote {len(problem.scenario.sessions)} sessions, {len(problem.scenario.workers)} "
            f"workers and {sum(len(v.rooms) for v in problem.scenario.venues)} rooms to {output}"
        )
