import time

from django.core.management.base import BaseCommand, CommandError

from demo.county import DEMO_PASSWORD, database_has_county, demo_county_build


class Command(BaseCommand):
    help = "Load the demo county: venues, rooms, staff, children, referrals and plans."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same county.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a county (for `make run`).",
        )

    def handle(self, *args, seed, if_empty, **options):
        if database_has_county():
            if if_empty:
                self.stdout.write("The database already holds a county; demo not loaded.")
                return
            raise CommandError(
                "The database already holds venues, staff or children; loading the demo would "
                "duplicate them. Use a fresh database, or --if-empty to skip quietly."
            )
        began = time.monotonic()
        summary = demo_county_build(seed=seed)
        seconds = time.monotonic() - began
        workers = ", ".join(f"{count} {kind}" for kind, count in summary.workers.items())
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo county loaded (seed {seed}) in {seconds:.1f} s."))
        write(f"  {summary.venues} venues, {summary.rooms} rooms")
        write(f"  workers: {workers} ({summary.permanent_fte:g} FTE permanent)")
        write(f"  {summary.children} children, {summary.referrals} referrals")
        for week_start, count in summary.sessions_by_week.items():
            write(f"  week of {week_start:%a %d %b %Y}: {count} sessions")
        write(f"Logins (password {DEMO_PASSWORD}):")
        for role, username in summary.logins:
            write(f"  {role:<24} {username}")
