"""How fast the rota board renders for the demo county, against a bare page in the same run.

Loads the demo county into a fresh database (a temporary SQLite file, or a temporary database
on the PostgreSQL server given with --postgres), plans and solves the week two weeks ahead,
then requests, as the deputy, the board by worker, the board by venue and the login page N
times each with Django's test client, and prints median, p95 and query counts.

    .venv/bin/python bench/web.py                       # SQLite in a temp dir
    .venv/bin/python bench/web.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _common import percentile, temporary_postgres

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--solve-seconds", type=float, default=20, help="solver time limit")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server URL; a temporary database is created there and dropped",
    )
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    tmp = tempfile.TemporaryDirectory(prefix="contact-bench-")
    cleanup = None
    if args.postgres:
        database_url, cleanup = temporary_postgres(args.postgres, prefix="contact_bench")
    else:
        database_url = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ["VAR_DIR"] = tmp.name
    # Production-like rendering: no debug toolbar of any kind, template caching on.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + uuid.uuid4().hex)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contact_service.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per login otherwise
    try:
        return _run(args, database_url)
    finally:
        if cleanup:
            cleanup()
        tmp.cleanup()


def _timed(client, url: str, n: int) -> tuple[list[float], list[float], int, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: templates compiled, connection open
    assert response.status_code == 200, (url, response.status_code)
    reset_queries()  # the log may be full from loading the county: counts are offsets into it
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # read now: the captured list is a view on the live query log
    times, cpu = [], []
    for _ in range(n):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200
    return times, cpu, count, len(response.content)


def _run(args, database_url: str) -> int:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from lib.weeks import monday_of
    from scheduling.models import ContactSession
    from scheduling.services.planning import week_plan_sessions
    from scheduling.services.solving import (
        solver_run_create,
        solver_run_execute,
    )
    from scheduling.services.weeks import rota_week_get

    began = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("loaddemo", "--county-only", verbosity=0, stdout=io.StringIO())
    today = timezone.localdate()
    week_start = monday_of(today) + dt.timedelta(weeks=2)
    week_plan_sessions(week_start=week_start)
    rota_week = rota_week_get(week_start=week_start)
    run = solver_run_create(rota_week=rota_week, trigger="command", time_limit=args.solve_seconds)
    run = solver_run_execute(run_id=run.pk)
    if run.error:
        print(f"solver run failed: {run.error}", file=sys.stderr)
        return 1
    sessions = ContactSession.objects.filter(rota_week=rota_week).count()
    print(
        f"database: {database_url.split('://')[0]}; demo county loaded and week of "
        f"{week_start:%d %b %Y} solved in {time.monotonic() - began:.1f} s "
        f"({run.sessions_placed}/{run.sessions_total} placed, {sessions} sessions)"
    )

    client = Client()
    client.force_login(get_user_model().objects.get(username="deputy"))
    board = reverse("scheduling:rota_week", args=[week_start.isoformat()])
    pages = [
        ("board by worker", board),
        ("board by venue", board + "?view=venue"),
        ("bare page (login)", reverse("login")),
    ]
    results = {}
    for label, url in pages:
        results[label] = _timed(client, url, args.requests)

    print(f"{args.requests} requests each, Django test client, DEBUG off")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'page':<20} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'queries':>8} {'KB':>6}")
    for label, (times, cpu, queries, size) in results.items():
        print(
            f"{label:<20} {statistics.median(times):>10.1f} {percentile(times, 0.95):>8.1f} "
            f"{statistics.median(cpu):>7.1f} {queries:>8} {size / 1024:>6.0f}"
        )
    bare = statistics.median(results["bare page (login)"][0])
    slowest = 0.0
    for label in ("board by worker", "board by venue"):
        median = statistics.median(results[label][0])
        slowest = max(slowest, median)
        print(f"ratio {label} / bare page: {median / bare:.1f}x")
    verdict = "within" if slowest < TARGET_MS else "OVER"
    print(f"target: median under {TARGET_MS} ms for the board: {verdict}")
    return 0 if slowest < TARGET_MS else 2


if __name__ == "__main__":
    sys.exit(main())
