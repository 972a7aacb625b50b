"""Who reaches which page: every page of team leaders and contact workers, for every role.

A contact worker reaches only their own sessions, records and feed; a team leader only their
own area. Anyone else gets 403 (not their role) or 404 (not their object); anonymous users are
sent to log in, except for the calendar feed, whose secret URL is its own key.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory
from tests.worlds import access_world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)  # Tuesday, after Monday's sessions
ROLES = ["anonymous", "worker", "other_worker", "leader", "other_leader", "deputy", "admin"]


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield access_world()


# page name -> (url builder, method, data, {role: status}); roles not listed expect 403.
LEADER_LIST = {"leader": 200, "other_leader": 200}
LEADER_OBJECT = {"leader": 200, "other_leader": 404}
LEADER_POST = {"leader": 302, "other_leader": 404}
WORKER_LIST = {"worker": 200, "other_worker": 200}
WORKER_OBJECT = {"worker": 200, "other_worker": 404}


def page(name, allowed, *, of=None, method="get", data=None, query=""):
    """A row of PAGES: the URL named `name`, for the world's object `of` if it takes one."""

    def url(w):
        return reverse(name, args=[w[of].pk] if of else []) + query

    return (url, method, data or {}, allowed)


PAGES = {
    "approvals": page("desk:approvals", LEADER_LIST),
    "area": page("desk:area", LEADER_LIST),
    "area week": page("desk:area", LEADER_LIST, query="?span=week"),
    "absence new": page("desk:absence_new", LEADER_LIST),
    "absence detail": page("desk:absence_detail", LEADER_OBJECT, of="absence"),
    "session cancel": page("desk:session_cancel", LEADER_OBJECT, of="booked"),
    "approve": page("desk:approve", LEADER_POST, of="awaiting", method="post", data={"version": 1}),
    "return": page(
        "desk:return",
        LEADER_POST,
        of="awaiting",
        method="post",
        data={"version": 1, "reason": "No"},
    ),
    "approve day": page(
        "desk:approve_day",
        {"leader": 302, "other_leader": 302},  # refused inside: not in their queue
        method="post",
        data={"day": "2026-12-07", "seen": "1:1"},
    ),
    "absence replan": page("desk:absence_replan", LEADER_POST, of="absence", method="post"),
    "absence decide": page(
        "desk:absence_decide",
        LEADER_POST,
        of="absence",
        method="post",
        data={"decision": "approve"},
    ),
    "my sessions": page("mywork:my_sessions", WORKER_LIST),
    "my session": page("mywork:my_session", WORKER_OBJECT, of="booked"),
    "my record": page("mywork:my_record", WORKER_OBJECT, of="booked"),
    "addendum": page("mywork:record_addendum", WORKER_OBJECT, of="record"),
    "my calendar": page("mywork:my_calendar", WORKER_LIST),
    "my leave": page("mywork:my_leave", WORKER_LIST),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_answers_each_role_as_it_should(client, world, page, role):
    url, method, data, allowed = PAGES[page]
    with time_machine.travel(NOW, tick=False):
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = getattr(client, method)(url(world), data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == allowed.get(role, 403), response


@pytest.mark.parametrize("role", ROLES)
def test_the_calendar_feed_is_open_to_its_token_only(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    with time_machine.travel(NOW, tick=False):
        assert client.get(f"/calendar/{world['token']}.ics").status_code == 200
        assert client.get("/calendar/not-a-token.ics").status_code == 404


POST_ONLY = ["approve", "return", "approve day", "absence replan", "absence decide"]


@pytest.mark.parametrize("page", POST_ONLY)
def test_post_only_pages_refuse_get(client, world, page):
    url, _, _, _ = PAGES[page]
    with time_machine.travel(NOW, tick=False):
        client.force_login(world["users"]["leader"])
        assert client.get(url(world)).status_code == 405


@pytest.mark.parametrize("page", [p for p in PAGES if p not in POST_ONLY])
def test_pages_refuse_other_methods(client, world, page):
    url, _, _, allowed = PAGES[page]
    role = next(iter(allowed))
    with time_machine.travel(NOW, tick=False):
        client.force_login(world["users"][role])
        assert client.delete(url(world)).status_code == 405
        assert client.put(url(world)).status_code == 405


def test_a_worker_with_no_worker_record_is_refused(client, world):
    lost = UserFactory(groups=["Contact worker"])
    client.force_login(lost)

    assert client.get(reverse("mywork:my_sessions")).status_code == 403


def test_a_team_leader_with_no_area_is_refused(client, world):
    client.force_login(UserFactory(groups=["Team leader"]))

    assert client.get(reverse("desk:approvals")).status_code == 403
