import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.county import DEMO_PASSWORD, database_has_county, demo_county_build
from demo.living import demo_county_empty, demo_living_build


class Command(BaseCommand):
    help = (
        "Load the demo county as it stands today: venues, staff, children and plans; the past "
        "three months held; this week booked, next week awaiting approval, the week after "
        "proposed, the one after that draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Same seed and day, same county.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a county (for `make run`).",
        )
        parser.add_argument(
            "--county-only",
            action="store_true",
            help="Only the county and its planned weeks, nothing placed or held (what the "
            "benchmarks and the planning journeys start from).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the county (its rota, records and history too), then load it again.",
        )

    def handle(self, *args, seed, if_empty, reset, county_only, **options):
        began = time.monotonic()
        write = self.stdout.write

        def progress(line: str) -> None:
            write(f"  {time.monotonic() - began:5.1f} s  {line}")
            self.stdout.flush()

        # One transaction: a reset that fails to load leaves the old county as it was.
        with transaction.atomic():
            if reset and database_has_county():
                demo_county_empty()
                progress("the county emptied")
            if database_has_county():
                if if_empty:
                    write("The database already holds a county; demo not loaded.")
                    return
                raise CommandError(
                    "The database already holds venues, staff or children; loading the demo "
                    "would duplicate them. Use --reset to start again, or --if-empty to skip "
                    "quietly."
                )
            if county_only:
                living, summary = None, demo_county_build(seed=seed)
            else:
                living = demo_living_build(seed=seed, progress=progress)
                summary = living.county
        seconds = time.monotonic() - began
        workers = ", ".join(f"{count} {kind}" for kind, count in summary.workers.items())
        write(self.style.SUCCESS(f"Demo county loaded (seed {seed}) in {seconds:.1f} s."))
        write(f"  {summary.venues} venues, {summary.rooms} rooms")
        write(f"  workers: {workers} ({summary.permanent_fte:g} FTE permanent)")
        write(f"  {summary.children} children, {summary.referrals} referrals")
        for week_start, count in summary.sessions_by_week.items():
            write(f"  week of {week_start:%a %d %b %Y}: {count} sessions")
        if living is not None:
            write(f"  this week {living.booked} booked, next week {living.awaiting} awaiting")
            write(f"  the week after: {living.proposal}")
        write(f"Logins (password {DEMO_PASSWORD}):")
        for role, username in summary.logins:
            write(f"  {role:<24} {username}")
