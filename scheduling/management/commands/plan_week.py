import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from scheduling.services.planning import week_plan_sessions


class Command(BaseCommand):
    help = "Create a rota week's sessions from the contact plans in force (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("week_start", help="The Monday the week starts, as YYYY-MM-DD.")

    def handle(self, *args, week_start, **options):
        try:
            monday = dt.date.fromisoformat(week_start)
        except ValueError:
            raise CommandError(f"{week_start!r} is not a date; give it as YYYY-MM-DD.") from None
        try:
            result = week_plan_sessions(week_start=monday)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Week of {monday:%a %d %b %Y}: {result.created} sessions created, "
            f"{result.existing} already there, {len(result.skipped)} skipped."
        )
        reasons: dict[str, int] = {}
        for skipped in result.skipped:
            reasons[skipped.reason] = reasons.get(skipped.reason, 0) + 1
        for reason, count in sorted(reasons.items()):
            self.stdout.write(f"  skipped {count}: {reason}")
