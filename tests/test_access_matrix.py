"""The access matrix: every URL of the application x every role, with the answer expected.

The URL names come from the URL configuration itself (admin and static excluded: the admin has
its own permission checks, tested in tests/venues/test_admin.py), so a page added without a
rule here fails `test_every_page_has_an_access_rule` ("new page without an access rule").

Answers are for a GET with a real object of the right kind (the team's own, where that
matters): 200 the page, "login" a redirect to the login page, 302 a redirect elsewhere,
403 not the role's page, 404 not the user's object, 405 a POST-only address.

Set ACCESS_MATRIX_PRINT=1 to print what each role gets, to write a new rule from.
"""

import datetime as dt
import os

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import A_MONDAY
from tests.worlds import access_world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)  # Tuesday, after Monday's sessions
ROLES = ["anonymous", "worker", "other_leader", "leader", "deputy", "admin"]
LOGIN = "login"
SKIPPED_PREFIXES = ("admin/", "static/")


def application_url_names() -> set[str]:
    """Every named URL of the application, namespaced, from the resolver (recursively)."""
    names = set()

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return names


def everyone(status, *, anonymous=LOGIN, **roles):
    """The same answer for every logged-in role, with exceptions by role."""
    answers = dict.fromkeys(ROLES, status)
    answers["anonymous"] = anonymous
    answers.update(roles)
    return answers


def only(allowed: dict, *, otherwise=403):
    """`otherwise` for every logged-in role not named; anonymous users go to log in."""
    return everyone(otherwise, **allowed)


# --- objects the URLs name ---------------------------------------------------------------

NO_ARGS = lambda w: {}  # noqa: E731
WEEK = lambda w: {"week": A_MONDAY.isoformat()}  # noqa: E731


def pk(key):
    return lambda w: {"pk": w[key].pk}


# name -> (kwargs from the world, {role: answer})
# Shapes of answer that recur.
CASE_PAGE = only({"other_leader": 200, "leader": 200, "deputy": 200, "admin": 200})
# Only the service's own staff write cases; the Administrator keeps venues, staff, accounts.
CASE_WRITER_PAGE = only({"other_leader": 200, "leader": 200, "deputy": 200})
BOARD_PAGE = CASE_PAGE  # the rota board is read county-wide by team leaders
POST_ONLY = everyone(405)
PLANNER_POST = only({"deputy": 405, "admin": 405})
LEADER_PAGE = only({"other_leader": 200, "leader": 200})
LEADER_OBJECT = only({"leader": 200, "other_leader": 404})
WORKER_PAGE = only({"worker": 200})

# name -> (kwargs from the world, {role: answer}). Read from the views' decorators and
# checked against them. Administrators may plan, move, pin and publish (issue #4), so they
# read cases too; changing cases is the deputy's and the team leaders' work.
RULES: dict[str, tuple] = {
    "home": (NO_ARGS, everyone(200)),
    "login": (NO_ARGS, everyone(200, anonymous=200)),
    "logout": (NO_ARGS, POST_ONLY),
    # The rota board: read by planners and team leaders, written by planners (POST only).
    "scheduling:rota_current": (NO_ARGS, only(dict.fromkeys(ROLES[2:], 302))),
    "scheduling:rota_week": (WEEK, BOARD_PAGE),
    "scheduling:rota_plan": (WEEK, PLANNER_POST),
    "scheduling:rota_publish": (WEEK, PLANNER_POST),
    "scheduling:run_progress": (pk("run"), BOARD_PAGE),
    "scheduling:session_detail": (pk("awaiting"), BOARD_PAGE),
    "scheduling:session_move": (pk("awaiting"), PLANNER_POST),
    "scheduling:session_pin": (pk("awaiting"), PLANNER_POST),
    # Team leaders: their own area's queue, absences and cancellations.
    "desk:approvals": (NO_ARGS, LEADER_PAGE),
    "desk:approve_day": (NO_ARGS, POST_ONLY),
    "desk:approve": (pk("awaiting"), POST_ONLY),
    "desk:return": (pk("awaiting"), POST_ONLY),
    "desk:area": (NO_ARGS, LEADER_PAGE),
    "desk:absence_new": (NO_ARGS, LEADER_PAGE),
    "desk:absence_detail": (pk("absence"), LEADER_OBJECT),
    "desk:absence_replan": (pk("absence"), POST_ONLY),
    "desk:absence_decide": (pk("absence"), POST_ONLY),
    "desk:session_cancel": (pk("booked"), LEADER_OBJECT),
    # Contact workers: their own sessions and records only.
    "mywork:my_sessions": (NO_ARGS, WORKER_PAGE),
    "mywork:my_session": (pk("booked"), WORKER_PAGE),
    "mywork:my_record": (pk("booked"), WORKER_PAGE),
    "mywork:record_addendum": (pk("record"), WORKER_PAGE),
    "mywork:my_calendar": (NO_ARGS, WORKER_PAGE),
    "mywork:my_leave": (NO_ARGS, WORKER_PAGE),
    # The feed's secret token is its key (calendar apps cannot log in).
    "mywork:calendar_feed": (lambda w: {"token": w["token"]}, everyone(200, anonymous=200)),
    # Referrals and plans.
    "casework:list": (NO_ARGS, CASE_PAGE),
    "casework:intake": (NO_ARGS, CASE_WRITER_PAGE),
    "casework:import": (NO_ARGS, CASE_WRITER_PAGE),
    "casework:import_confirm": (NO_ARGS, POST_ONLY),
    "casework:detail": (pk("referral"), {**CASE_PAGE, "other_leader": 404}),
    "casework:accept": (pk("referral"), POST_ONLY),
    "casework:activate": (pk("referral"), POST_ONLY),
    "casework:end": (pk("referral"), POST_ONLY),
    "casework:plan_change": (pk("plan"), {**CASE_WRITER_PAGE, "other_leader": 404}),
    # Reports.
    "reports:monthly": (NO_ARGS, CASE_PAGE),
    "reports:csv": (lambda w: {"table": "summary"}, CASE_PAGE),
    "reports:costs": (NO_ARGS, CASE_PAGE),
    "reports:agency_add": (NO_ARGS, POST_ONLY),
    "reports:taxi_add": (NO_ARGS, POST_ONLY),
}


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield access_world()


def _answer(response) -> object:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def _observe(client, world, name) -> dict:
    kwargs_for, _ = RULES[name]
    url = reverse(name, kwargs=kwargs_for(world))
    answers = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        with time_machine.travel(NOW, tick=False):
            answers[role] = _answer(client.get(url))
    return answers


def test_every_page_has_an_access_rule():
    names = application_url_names()

    missing = sorted(names - set(RULES))
    stale = sorted(set(RULES) - names)
    assert missing == [], f"new page without an access rule: {missing}"
    assert stale == [], f"rules for pages that no longer exist: {stale}"


def test_the_matrix_covers_every_role_of_every_page():
    for name, (_, answers) in RULES.items():
        assert set(answers) == set(ROLES), name


@pytest.mark.parametrize("name", sorted(application_url_names()))
def test_each_role_gets_the_expected_answer(client, world, name):
    if name not in RULES:
        pytest.fail(f"new page without an access rule: {name}")
    observed = _observe(client, world, name)
    if os.environ.get("ACCESS_MATRIX_PRINT"):
        print(f"\n    {name!r}: {observed},")

    assert observed == RULES[name][1]
