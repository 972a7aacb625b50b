"""The database restarting: requests fail cleanly (503, "briefly unavailable") while it is
away, and the running app recovers by itself once it is back, with no restart of its own."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import RequestFactory

from contact_service.errors import server_error
from tests.factories import UserFactory


def test_a_database_error_answers_503_with_retry_after_and_no_database_needed():
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"briefly unavailable" in response.content


def test_any_other_error_answers_a_plain_500():
    try:
        raise KeyError("oops")
    except KeyError:
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _sql(statement: str) -> None:
    """Run on the server's maintenance database, as an administrator restarting it would."""
    import psycopg2

    s = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
    )
    admin.autocommit = True
    try:
        admin.cursor().execute(statement)
    finally:
        admin.close()


def _cut_connections(name: str) -> None:
    _sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_running_app_answers_503_while_the_database_is_down_and_recovers_by_itself(tmp_path):
    user = UserFactory(username="jade")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    name = connection.settings_dict["NAME"]
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "false",
        "SECRET_KEY": "restart-test-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": str(tmp_path),
    }
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "contact_service.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("wb"),
    )
    home = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = _get(home, cookie)
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        assert status == 200

        # The server restarts: every connection is cut, and new ones are refused meanwhile.
        _sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        _cut_connections(name)
        began = time.monotonic()
        status, body = _get(home, cookie)
        assert status == 503, body
        assert "briefly unavailable" in body
        assert time.monotonic() - began < 10  # a clean refusal, not a hang

        _sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert _get(home, cookie)[0] == 200  # back, with no restart of the app

        # A restart between two requests is not even noticed: the dead kept connection is
        # replaced before use.
        _cut_connections(name)
        assert _get(home, cookie)[0] == 200
    finally:
        _sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        connection.close()  # cut above too: the test's own next query opens a new one
        server.terminate()
        server.wait(timeout=15)
