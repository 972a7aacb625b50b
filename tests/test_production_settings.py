"""Production settings pass Django's deployment checks, and every page carries a CSP that
forbids inline scripts (so none of our templates may rely on one)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def _production_env(**extra) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE (set beside Playwright) makes --deploy warn, rightly.
        if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="contact_service.settings_production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="contact.example.gov.uk",
    )
    env.update(extra)
    return env


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_pass_the_deployment_checks_without_a_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _import_settings(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import contact_service.settings_production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_refuse_to_start_without_a_secret_key():
    result = _import_settings(_production_env(SECRET_KEY=""))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_production_settings_refuse_debug():
    result = _import_settings(_production_env(DEBUG="true"))

    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))

    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in policy


def test_no_template_has_an_inline_script_or_event_handler():
    # Under script-src 'self' these would silently stop working in the browser.
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text or "hx-on" in text:
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")

    assert offenders == []


def test_htmx_is_told_not_to_inject_inline_styles():
    assert '"includeIndicatorStyles": false' in (ROOT / "templates" / "base.html").read_text()
