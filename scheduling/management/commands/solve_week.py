from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from scheduling.management.commands.export_scenario import parse_monday
from scheduling.models import SolverRun
from scheduling.services.solving import solver_run_create, solver_run_execute
from scheduling.services.weeks import rota_week_get


class Command(BaseCommand):
    help = "Plan a week's rota now, in this process, and write the proposed rota."

    def add_arguments(self, parser):
        parser.add_argument("week", help="The Monday, YYYY-MM-DD.")
        parser.add_argument("--time-limit", type=float)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, week, time_limit, seed, **_):
        from scheduling.services.planning import week_plan_sessions

        monday = parse_monday(week)
        try:
            week_plan_sessions(week_start=monday)
            run = solver_run_create(
                rota_week=rota_week_get(week_start=monday),
                trigger=SolverRun.Trigger.COMMAND,
                time_limit=time_limit,
                seed=seed,
            )
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        run = solver_run_execute(run_id=run.pk)
        if run.status != SolverRun.Status.SUCCEEDED:
            raise CommandError(f"Planning failed: {run.error}")
        self.stdout.write(
            f"{run.rota_week}: {run.sessions_placed}/{run.sessions_total} sessions placed "
            f"(court {run.court_placed}/{run.court_total}), travel {run.travel_minutes} min, "
            f"continuity {run.continuity_rate}%, objective {run.objective}, bound {run.bound}, "
            f"{run.changes} changes, {run.wall_seconds:.1f} s"
        )
