"""How long `loaddemo` takes, and what it made: the living demo county `make run` opens on.

Loads the demo into a temporary database (SQLite, and PostgreSQL too when --postgres gives a
server URL) and prints the wall time, the sessions held by month, the records (on time,
late) and the cancellations by reason. Printed, not asserted: the machine may be shared.

    .venv/bin/python bench/demo.py
    .venv/bin/python bench/demo.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import temporary_postgres

ROOT = Path(__file__).resolve().parent.parent


def _measure() -> None:
    """In a child process whose DATABASE_URL is the temporary database."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings")
    django.setup()
    from collections import Counter

    from django.core.management import call_command
    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from scheduling.models import ContactSession, SessionRecord
    from scheduling.services.records import record_is_late

    call_command("migrate", verbosity=0)
    began = time.monotonic()
    call_command("loaddemo", stdout=io.StringIO())
    seconds = time.monotonic() - began
    print(f"loaddemo: {seconds:.1f} s wall")
    held = (
        ContactSession.objects.filter(status=ContactSession.Status.COMPLETED)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    print("sessions held by month: " + ", ".join(f"{r['month']:%Y-%m} {r['n']}" for r in held))
    today = timezone.localdate()
    records = SessionRecord.objects.select_related("session")
    late = sum(1 for r in records if record_is_late(r.session, today=today))
    print(f"records: {records.count()} ({records.count() - late} on time, {late} late)")
    reasons = Counter(
        ContactSession.objects.filter(status=ContactSession.Status.CANCELLED).values_list(
            "cancel_reason", flat=True
        )
    )
    print("cancellations: " + ", ".join(f"{k} {n}" for k, n in reasons.most_common()))


def _run(database_url: str, label: str) -> None:
    env = dict(os.environ, DATABASE_URL=database_url)
    print(f"--- {label}", flush=True)
    subprocess.run([sys.executable, __file__, "--child"], env=env, check=True, cwd=ROOT)


def main(argv=None) -> int:
    # The parent only makes and drops databases; temporary_postgres's dropper asks Django to
    # close its connections, so it needs settings too.
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also on a temporary database here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _measure()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        _run(f"sqlite:///{tmp}/demo.sqlite3", "SQLite")
    if args.postgres:
        url, drop = temporary_postgres(args.postgres, prefix="bench_demo")
        try:
            _run(url, "PostgreSQL")
        finally:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
