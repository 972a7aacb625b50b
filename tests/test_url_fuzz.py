"""Every route of the URL resolver, fed out-of-range and malformed path and query values.

As the deputy and as a team leader, none may answer 500: a bad path value is a 404 (or the
role's 403, or 405 for a POST-only address), a bad query value a 400 or a page that says
what was wrong. The routes come from the resolver itself, so a page added later is fuzzed too.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.worlds import access_world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)
# Logging out would end the role's session for the routes after it.
SKIPPED_PREFIXES = ("admin/", "static/", "accounts/logout/")
BAD_TEXT = [
    "0001-01-01",
    "9999-12-31",
    "9999-12-27",  # a Monday, the last whole week the calendar has
    "2026-02-30",
    "abc",
    "9" * 3000,
    "\x00",
    "2026-12-07\x00",
]
BAD_INTS = [0, 2**40, 2**70]
BAD_QUERY = [*BAD_TEXT, "0001-01", "9999-12", "2026-13", "-1", ""]
# Every query parameter a view reads (grep request.GET), and the ones the review named.
QUERY_PARAMETERS = ["day", "month", "week", "area", "kind", "view", "span", "status"]
QUERY_PARAMETERS += ["board_query", "table"]
DATE_PARAMETERS = ["day", "month", "week"]


def application_routes() -> list[tuple[str, list[tuple[str, str]]]]:
    """(route, [(converter type, name)...]) for every route, from the resolver."""
    routes = []

    def walk(patterns, prefix, converters):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            inner = converters + [
                (type(conv).__name__, name) for name, conv in pattern.pattern.converters.items()
            ]
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                routes.append((route, inner))

    walk(get_resolver().url_patterns, "", [])
    return routes


def _fill(route: str, values: dict[str, object]) -> str:
    """The route with each `<type:name>` replaced by its value, percent-encoded."""
    from urllib.parse import quote

    path = route
    for name, value in values.items():
        start = path.index("<")
        end = path.index(">", start)
        assert path[start + 1 : end].split(":")[-1] == name
        path = path[:start] + quote(str(value), safe="") + path[end + 1 :]
    return "/" + path


def _good_values(world) -> dict[str, list[object]]:
    """Real values of the world for each converter, so a bad value sits beside good ones."""
    pks = sorted(
        {w.pk for k, w in world.items() if k not in ("users", "token") and hasattr(w, "pk")}
    )
    return {"IntConverter": pks, "StringConverter": ["2026-12-07", world["token"]]}


def _paths(world) -> list[tuple[str, bool]]:
    """(path, whether to fuzz its query too): bad path values with no query, and the real
    objects' paths with every bad query value."""
    good = _good_values(world)
    paths = []
    for route, converters in application_routes():
        names = [name for _, name in converters]
        if not names:
            paths.append((_fill(route, {}), True))
            continue
        for index, (kind, _name) in enumerate(converters):
            bad = BAD_INTS if kind == "IntConverter" else BAD_TEXT
            if kind == "SlugConverter":
                bad = ["summary", "no-such-table", "9" * 3000, "\x00"]
            for value in bad:
                values = {}
                for other_index, (other_kind, other) in enumerate(converters):
                    values[other] = (
                        value if other_index == index else good.get(other_kind, ["summary"])[0]
                    )
                paths.append((_fill(route, values), False))
        for real in zip(*(good.get(kind, ["summary"]) for kind, _ in converters), strict=False):
            paths.append((_fill(route, dict(zip(names, real, strict=False))), True))
    return paths


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield access_world()


def _queries(value) -> list[dict]:
    """Every parameter bad at once, and each date parameter bad alone (a form that refuses
    one bad field would not look at the others)."""
    if value is None:
        return [{}]
    return [dict.fromkeys(QUERY_PARAMETERS, value), *({name: value} for name in DATE_PARAMETERS)]


def _server_errors(client, paths) -> list[str]:
    errors = []
    for path, fuzz_query in paths:
        for method in ("get", "post"):
            for value in BAD_QUERY if method == "get" and fuzz_query else [None]:
                for query in _queries(value):
                    with time_machine.travel(NOW, tick=False):
                        response = getattr(client, method)(path, query)
                    if response.status_code >= 500:
                        errors.append(f"{method.upper()} {path[:80]} {query!r:.80}")
    return errors


@pytest.mark.parametrize("role", ["deputy", "leader"])
def test_no_route_answers_500_to_a_malformed_or_out_of_range_value(world, role):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"][role])

    errors = _server_errors(client, _paths(world))

    assert errors == [], "\n".join(errors)
