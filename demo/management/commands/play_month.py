"""manage.py play_month YYYY-MM [--seed N] [--time-limit S]: demo history for the report."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from demo.month import month_play
from reports.selectors import monthly_report


class Command(BaseCommand):
    help = (
        "Demo only: plan, solve and play out a past month on the demo county "
        "(manage.py loaddemo first), then print the month's report figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--time-limit", type=float, default=20, help="Solver seconds a week.")

    def handle(self, *args, month: str, seed: int, time_limit: float, **options):
        try:
            first = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise CommandError("Give the month as YYYY-MM.") from None
        played = month_play(month=first, seed=seed, time_limit=time_limit)
        for line in played.solver_runs:
            self.stdout.write(f"  week of {line}")
        self.stdout.write(f"  outcomes: {played.outcomes_in_words()}")
        self.stdout.write(f"  agency sessions {played.agency_sessions}, taxis {played.taxis}")
        report = monthly_report(month=first, today=dt.date.today())
        for name, value in report.figures.items():
            self.stdout.write(f"{name:>24}: {value}")
