"""Load on the three everyday pages, through gunicorn on loopback, for a bounded time.

Loads the demo county into a temporary database (SQLite, or a temporary database on the
PostgreSQL server given with --postgres), plans, solves and publishes this week and the next,
starts gunicorn on 127.0.0.1, then runs, for --seconds:

- 30 contact workers opening "My sessions" (/me/sessions/),
- 3 team leaders on their approvals queue (/approvals/), approving its first booking each
  time (a POST, counted apart as "approve"),
- the deputy on the rota board of this week (/rota/<monday>/),

each a thread with its own keep-alive connection and session cookie, pausing --think seconds
(jittered) between requests as a person would. Prints requests/s, p50, p95 and errors per page
and the verdict against the targets (no errors; p95 under 500 ms for the board, under 150 ms
for My sessions). Exit status: 0 when the targets are met, 2 when a latency target is missed,
1 on errors.

    .venv/bin/python bench/load.py                 # 30 s, SQLite
    .venv/bin/python bench/load.py --quick         # 5 s, the check `make test` runs
    .venv/bin/python bench/load.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/load.py --with-import   # and a Mosaic preview and logins beside it

With --with-import, the North team leader previews a Mosaic file of the most rows an import
takes, again and again, while someone logs in and out: on SQLite a long write transaction
there would lock everyone else out ("database is locked").
"""

from __future__ import annotations

import argparse
import http.client
import io
import logging
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from _common import percentile, temporary_postgres

ROOT = Path(__file__).resolve().parent.parent
TARGETS_MS = {"my sessions": 150, "approvals": None, "approve": None, "board": 500}
WORKERS, LEADERS = 30, 3


def _arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="how long the load runs")
    parser.add_argument(
        "--quick", action="store_true", help="5 s of load on a greedy rota (no CP-SAT solve)"
    )
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    parser.add_argument("--solve-seconds", type=float, default=10, help="solver time limit")
    # Processes rather than threads: the GIL makes a thread that renders a long approvals
    # queue hold up a worker's "My sessions" (measured: 3x4 threads p95 620 ms, 6x1 160 ms).
    parser.add_argument("--gunicorn-workers", type=int, default=2 * (os.cpu_count() or 1) + 2)
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument(
        "--with-import",
        action="store_true",
        help="a team leader previews a Mosaic file of the largest size, and people log in",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server URL; a temporary database is created there and dropped",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = 5
    return args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the county ----------------------------------------------------------------------------


def _prepare(args) -> dict:
    """Demo county, two weeks planned, solved and published; a session cookie per person."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from lib.weeks import monday_of
    from scheduling import solver
    from scheduling.exchange import week_problem
    from scheduling.services.board import rota_week_publish
    from scheduling.services.planning import week_plan_sessions
    from scheduling.services.solving import (
        rota_apply_solution,
        solver_run_create,
        solver_run_execute,
    )
    from scheduling.services.weeks import rota_week_get
    from staffing.models import Worker
    from venues.models import Area

    call_command("migrate", verbosity=0)
    call_command("loaddemo", "--county-only", verbosity=0, stdout=io.StringIO())
    User = get_user_model()
    deputy = User.objects.get(username="deputy")
    today = timezone.localdate()
    monday = monday_of(today)
    for week_start in (monday, monday + dt.timedelta(weeks=1)):
        week_plan_sessions(week_start=week_start)
        rota_week = rota_week_get(week_start=week_start)
        if args.quick:
            # The greedy first placement: a full rota in a second, enough to load the pages.
            problem = week_problem(rota_week=rota_week)
            rota_apply_solution(problem=problem, solution=solver.greedy(problem.scenario))
        else:
            run = solver_run_create(
                rota_week=rota_week, trigger="command", time_limit=args.solve_seconds
            )
            run = solver_run_execute(run_id=run.pk)
            if run.error:
                raise SystemExit(f"solver run failed: {run.error}")
        rota_week_publish(rota_week=rota_week, by=deputy)

    def cookie(user) -> str:
        # As the login page would leave it, without paying for 34 password hashes.
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    workers = list(
        Worker.objects.filter(user__isnull=False, is_active=True)
        .select_related("user")
        .order_by("code")[:WORKERS]
    )
    leaders = [a.team_leader for a in Area.objects.select_related("team_leader").order_by("code")]
    leaders = [u for u in leaders if u is not None][:LEADERS]
    if len(workers) < WORKERS or len(leaders) < LEADERS:
        raise SystemExit(f"demo county has {len(workers)} workers, {len(leaders)} team leaders")
    people = {
        "my sessions": [("/me/sessions/", cookie(w.user)) for w in workers],
        "approvals": [("/approvals/", cookie(u)) for u in leaders],
        "board": [(f"/rota/{monday.isoformat()}/", cookie(deputy))],
    }
    if args.with_import:
        north = next(u for u in leaders if u.led_areas.filter(code="north").exists())
        people["mosaic preview"] = [("/referrals/import/", cookie(north))]
        people["login"] = [("/accounts/login/", None)]
    return people


# --- the load ------------------------------------------------------------------------------


@dataclass
class PageStats:
    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, error: str | None) -> None:
        with self.lock:
            self.times_ms.append(ms)
            if error:
                self.errors.append(error)


class _Browser:
    """One person's keep-alive connection and cookies."""

    def __init__(self, port: int, cookie: str | None):
        self.port = port
        self.cookies = dict([cookie.split("=", 1)]) if cookie else {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.used = False

    def request(self, method: str, path: str, body: str | bytes | None = None, content_type=None):
        """(status, html, error or None); retries once on a keep-alive the server closed."""
        headers = {
            "Host": "127.0.0.1",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
            if method == "POST":
                headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                html = response.read().decode("utf-8", "replace")
                for header, value in response.getheaders():
                    if header.lower() == "set-cookie":
                        name, _, rest = value.partition("=")
                        self.cookies[name] = rest.split(";", 1)[0]
                self.used = True
                return response.status, html, None
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                # The server may close an idle keep-alive connection just as a request goes
                # out; a browser then retries once on a new connection, and so do we.
                if not (self.used and attempt == 1):
                    return 0, "", f"{type(exc).__name__}: {exc}"
                self.used = False
        return 0, "", "unreachable"


_APPROVE_FORM = re.compile(
    r'action="(?P<action>/approvals/\d+/approve/)">\s*<input type="hidden" '
    r'name="csrfmiddlewaretoken" value="(?P<csrf>[^"]+)">\s*'
    r'<input type="hidden" name="version" value="(?P<version>\d+)">'
)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="(?P<csrf>[^"]+)"')


def _timed(
    stats: PageStats, browser: _Browser, method, path, body=None, expect=200, content_type=None
) -> str:
    began = time.perf_counter()
    status, html, error = browser.request(method, path, body, content_type)
    if error is None and status != expect:
        error = f"HTTP {status}"
    stats.add((time.perf_counter() - began) * 1000, error)
    return html


def mosaic_file(rows: int, area: str = "north") -> bytes:
    """A Mosaic export of `rows` new children, one referral each, all of `area`."""
    from referrals.mosaic import COLUMNS

    lines = [",".join(COLUMNS)]
    for n in range(rows):
        values = {
            "referral_id": str(900000 + n),
            "child_id": str(800000 + n),
            "child_first_name": f"Child{n}",
            "child_date_of_birth": "2016-04-12",
            "area": area,
            "placement": "Foster carer",
            "out_of_county": "no",
            "referrer_name": "Priya Shah",
            "referrer_team": "Children in Care North",
            "received_on": "2026-11-02",
            "priority": "standard",
        }
        lines.append(",".join(values.get(column, "") for column in COLUMNS))
    return ("\n".join(lines) + "\n").encode()


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        "\r\nContent-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _preview_mosaic(browser: _Browser, stats: PageStats, path: str, content: bytes) -> None:
    """The team leader opens the import page and previews the file (which writes nothing)."""
    html = _timed(stats, browser, "GET", path)
    if form := _CSRF.search(html):
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": form["csrf"]}, "file", "mosaic.csv", content
        )
        _timed(stats, browser, "POST", path, body, content_type=content_type)


def _log_in(port: int, stats: PageStats, path: str, username: str, password: str) -> None:
    """Someone opens the login page and logs in (a session row is written)."""
    browser = _Browser(port, None)
    html = _timed(stats, browser, "GET", path)
    if form := _CSRF.search(html):
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": form["csrf"], "username": username, "password": password}
        )
        _timed(stats, browser, "POST", path, body, expect=302)
    browser.conn.close()


def _person(port, page, path, cookie, stats, until: float, think: float, seed: int):
    rng = random.Random(seed)
    if page == "mosaic preview":
        from referrals.mosaic import MAX_ROWS

        content = mosaic_file(MAX_ROWS)
    browser = _Browser(port, cookie)
    time.sleep(rng.uniform(0, think))  # not everyone clicks at the same instant
    while time.monotonic() < until:
        if page == "mosaic preview":
            _preview_mosaic(browser, stats[page], path, content)
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
            continue
        if page == "login":
            from demo.county import DEMO_PASSWORD

            _log_in(port, stats[page], path, "jade.davies", DEMO_PASSWORD)
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
            continue
        html = _timed(stats[page], browser, "GET", path)
        if page == "approvals" and (form := _APPROVE_FORM.search(html)):
            # A team leader approves the first booking of the queue, then reads it again.
            time.sleep(rng.uniform(0.25 * think, 0.75 * think))
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": form["csrf"], "version": form["version"]}
            )
            _timed(stats["approve"], browser, "POST", form["action"], body, expect=302)
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))
    browser.conn.close()


def _wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _run_load(args, people: dict, env: dict) -> dict[str, PageStats]:
    port = _free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "contact_service.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.gunicorn_workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.gunicorn_threads),
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        _wait_until_up(port, server)
        # Warm each gunicorn worker up (templates compiled, connections open) before timing.
        everyday = [page for page in people if people[page][0][1] is not None]
        for path, cookie in [people[page][0] for page in everyday] * args.gunicorn_workers:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Cookie": cookie})
            conn.getresponse().read()
            conn.close()
        # One person at a time first: the pages' own cost, without queueing for the CPU.
        alone = {}
        for page in everyday:
            path, cookie = people[page][0]
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            times = []
            for _ in range(5):
                began = time.perf_counter()
                conn.request("GET", path, headers={"Cookie": cookie})
                conn.getresponse().read()
                times.append((time.perf_counter() - began) * 1000)
            conn.close()
            alone[page] = statistics.median(times)
        print(
            "one request at a time, median ms: "
            + ", ".join(f"{page} {ms:.0f}" for page, ms in alone.items())
        )
        stats = {page: PageStats() for page in [*people, "approve"]}
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=_person,
                args=(port, page, path, cookie, stats, until, args.think, n),
                daemon=True,
            )
            for page, pairs in people.items()
            for n, (path, cookie) in enumerate(pairs)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        return stats
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def report(stats: dict[str, PageStats], seconds: float) -> int:
    """Print the table; the exit status says whether the targets were met."""
    print(
        f"{'page':<14} {'users':>5} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'errors':>6}  target"
    )
    status = 0
    users = {"my sessions": WORKERS, "approvals": LEADERS, "approve": LEADERS, "board": 1}
    users |= {"mosaic preview": 1, "login": 1}
    for page, s in stats.items():
        times = s.times_ms or [0.0]
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        target = TARGETS_MS.get(page)
        verdict = (
            "-" if target is None else f"p95 < {target}: " + ("met" if p95 < target else "MISSED")
        )
        if target is not None and p95 >= target:
            status = max(status, 2)
        if s.errors:
            status = 1
        print(
            f"{page:<14} {users.get(page, 0):>5} {len(s.times_ms):>8} "
            f"{len(s.times_ms) / seconds:>6.1f} {p50:>7.1f} {p95:>7.1f} {len(s.errors):>6}  "
            f"{verdict}"
        )
        for error in sorted(set(s.errors))[:5]:
            print(f"    {s.errors.count(error)} x {error}")
    total = sum(len(s.times_ms) for s in stats.values())
    print(f"total {total} requests, {total / seconds:.1f} req/s")
    return status


def main(argv=None) -> int:
    args = _arguments(argv)
    tmp = tempfile.TemporaryDirectory(prefix="contact-load-")
    cleanup = None
    if args.postgres:
        database_url, cleanup = temporary_postgres(args.postgres, prefix="contact_load")
    else:
        database_url = f"sqlite:///{tmp.name}/load.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VAR_DIR": tmp.name,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-only-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "contact_service.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    try:
        began = time.monotonic()
        people = _prepare(args)
        from django.db import connections

        connections.close_all()  # the server's workers open their own
        print(
            f"database: {database_url.split('://')[0]}; demo county loaded, this week and next "
            f"solved and published in {time.monotonic() - began:.1f} s"
        )
        print(
            f"load: {args.seconds:g} s, gunicorn {args.gunicorn_workers} workers x "
            f"{args.gunicorn_threads} threads "
            f"on 127.0.0.1, think time {args.think:g} s; {os.cpu_count()} CPUs"
        )
        stats = _run_load(args, people, env)
        status = report(stats, args.seconds)
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
        return status
    finally:
        if cleanup:
            cleanup()
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
