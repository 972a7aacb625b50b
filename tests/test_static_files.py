"""In production static files are served by hashed names (cached for ever) and compressed.

WhiteNoise's CompressedManifestStaticFilesStorage: `collectstatic` writes each file under a
name with its content's hash, and a .gz and .br beside it; `{% static %}` gives the hashed
name. Development and the tests keep plain names, so they need no collectstatic.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOGIN_PAGE = """
import django
django.setup()
from django.test import Client
response = Client().get("/accounts/login/", secure=True)
assert response.status_code == 200, response.status_code
print(response.content.decode())
"""


def _production(tmp_path, *args) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="contact_service.settings_production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_collectstatic_in_production_writes_hashed_and_compressed_files_pages_link(tmp_path):
    _production(tmp_path, "manage.py", "collectstatic", "--noinput", "-v0")
    static = tmp_path / "static"

    assert (static / "staticfiles.json").exists()
    (hashed,) = list((static / "css").glob("app.*.css"))
    assert len(hashed.name.split(".")) == 3  # app.<hash>.css
    assert Path(f"{hashed}.gz").exists() and Path(f"{hashed}.br").exists()

    page = _production(tmp_path, "-c", LOGIN_PAGE).stdout
    assert f'href="/static/css/{hashed.name}"' in page


def test_development_keeps_plain_static_names_without_collectstatic(client):
    page = client.get("/accounts/login/").content.decode()

    assert 'href="/static/css/app.css"' in page
