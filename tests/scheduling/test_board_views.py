"""The rota board's pages: who may see and change what, and what the week page shows."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from scheduling.models import ContactSession, RotaWeek, SolverRun
from staffing import roles
from tests.builders import place
from tests.factories import (
    A_MONDAY,
    AreaFactory,
    ContactPlanFactory,
    ContactSessionFactory,
    ReferralFactory,
    SolverRunFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WEEK = A_MONDAY.isoformat()


def board_url(week=WEEK, **query):
    url = reverse("scheduling:rota_week", args=[week])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def deputy_client(client, deputy):
    client.force_login(deputy)
    return client


@pytest.fixture
def leader_client(client):
    client.force_login(UserFactory(username="leader", groups=[roles.TEAM_LEADER]))
    return client


@pytest.fixture
def worker_client(client):
    client.force_login(UserFactory(username="worker", groups=[roles.CONTACT_WORKER]))
    return client


def test_rota_redirects_to_the_week_two_weeks_ahead(deputy_client):
    with time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC), tick=False):
        response = deputy_client.get(reverse("scheduling:rota_current"))
    assert response.status_code == 302
    assert response["Location"] == board_url("2026-12-07")


def test_a_week_that_does_not_start_on_monday_is_not_found(deputy_client):
    assert deputy_client.get(board_url("2026-12-08")).status_code == 404
    assert deputy_client.get(board_url("not-a-date")).status_code == 404


def test_the_deputy_sees_the_week_by_worker_with_cards_and_controls(deputy_client, placed_week):
    response = deputy_client.get(board_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Worker 1" in html and "Sandy Bank" in html
    assert html.count('class="rota-card') == len(placed_week["sessions"])
    assert "Plan this week" in html or "Re-plan around pins" in html
    assert "Publish the week" in html
    assert "Proposed" in html


def test_each_worker_row_shows_busy_minutes_against_contract(deputy_client, placed_week):
    html = deputy_client.get(board_url()).content.decode()
    # Worker 1 has a 90-minute session on Monday and on Tuesday, at their base: no travel.
    assert "180 / 2220 min · travel 0 min" in html


def test_the_venue_view_lays_cards_on_a_day_timeline(deputy_client, placed_week):
    response = deputy_client.get(board_url(view="venue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "08:30–19:00" in html
    # 15:30 is 420 minutes after 08:30, of a 630-minute day.
    assert "left:66.667%" in html


def test_the_side_list_shows_unplaced_sessions_with_their_reason(deputy_client, county):
    ContactSession.objects.filter(pk=ContactSession.objects.first().pk).update(
        unplaced_reason="No worker with the driver skill is free on Monday."
    )
    html = deputy_client.get(board_url()).content.decode()
    assert "No worker with the driver skill is free on Monday." in html
    assert "Not placed (6)" in html


def test_filters_narrow_the_workers_shown(deputy_client, placed_week):
    html = deputy_client.get(board_url(area="central", kind="relief")).content.decode()
    assert "No workers match the filters." in html
    html = deputy_client.get(board_url(area="central", kind="permanent")).content.decode()
    assert "Worker 4" in html


def test_a_team_leader_sees_the_board_without_controls(leader_client, placed_week):
    response = leader_client.get(board_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Publish the week" not in html and "Plan this week" not in html
    session = placed_week["sessions"][0]
    dialog = leader_client.get(reverse("scheduling:session_detail", args=[session.pk]))
    assert dialog.status_code == 200
    assert b"move-form" not in dialog.content


@pytest.mark.parametrize(
    "name, args",
    [
        ("scheduling:rota_plan", [WEEK]),
        ("scheduling:rota_publish", [WEEK]),
        ("scheduling:session_move", ["SESSION"]),
        ("scheduling:session_pin", ["SESSION"]),
    ],
)
def test_a_team_leader_cannot_change_the_rota(leader_client, placed_week, name, args):
    args = [placed_week["sessions"][0].pk if a == "SESSION" else a for a in args]
    assert leader_client.post(reverse(name, args=args)).status_code == 403


def _every_url(placed_week):
    session = placed_week["sessions"][0]
    run = SolverRunFactory(rota_week=placed_week["week"], status=SolverRun.Status.SUCCEEDED)
    return [
        ("get", reverse("scheduling:rota_current")),
        ("get", board_url()),
        ("get", reverse("scheduling:run_progress", args=[run.pk])),
        ("get", reverse("scheduling:session_detail", args=[session.pk])),
        ("post", reverse("scheduling:rota_plan", args=[WEEK])),
        ("post", reverse("scheduling:rota_publish", args=[WEEK])),
        ("post", reverse("scheduling:session_move", args=[session.pk])),
        ("post", reverse("scheduling:session_pin", args=[session.pk])),
    ]


def test_a_contact_worker_may_not_see_any_board_url(worker_client, placed_week):
    for method, url in _every_url(placed_week):
        assert getattr(worker_client, method)(url).status_code == 403, url


def test_an_anonymous_visitor_is_sent_to_log_in(client, placed_week):
    for method, url in _every_url(placed_week):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_the_wrong_method_is_refused(deputy_client, placed_week):
    for method, url in _every_url(placed_week):
        wrong = "post" if method == "get" else "get"
        assert getattr(deputy_client, wrong)(url).status_code == 405, url


def test_the_session_dialog_offers_the_move_form_to_the_deputy(deputy_client, placed_week):
    session = placed_week["sessions"][0]
    response = deputy_client.get(reverse("scheduling:session_detail", args=[session.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="move-form"' in html and "Pin where it is" in html
    assert '<option value="15:30" selected>' in html


def test_a_clashing_move_is_refused_in_the_dialog(deputy_client, placed_week):
    first, second = placed_week["sessions"][:2]  # both Monday 15:30, workers 1 and 2
    assert first.day == second.day
    response = deputy_client.post(
        reverse("scheduling:session_move", args=[first.pk]),
        {
            "start": "15:30",
            "room": first.room_id,
            "workers": [placed_week["workers"][1].pk],
            "version": first.version,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not moved" in html
    assert "Worker 2 is already busy 15:30–17:00" in html
    assert list(first.staffing.values_list("worker_id", flat=True)) == [
        placed_week["workers"][0].pk
    ]


def test_a_valid_move_saves_and_sends_the_board_back(deputy_client, placed_week):
    first = placed_week["sessions"][0]
    response = deputy_client.post(
        reverse("scheduling:session_move", args=[first.pk]),
        {
            "start": "17:00",
            "room": placed_week["rooms"][0].pk,
            "workers": [placed_week["workers"][3].pk],
            "version": first.version,
            "board_query": "view=venue",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.get("HX-Redirect") == board_url(view="venue"), response.content.decode()
    first.refresh_from_db()
    assert timezone.localtime(first.starts_at).time() == dt.time(17, 0)
    assert first.pinned and first.version == 2


def test_pin_and_unpin_by_post(deputy_client, placed_week):
    session = placed_week["sessions"][0]
    url = reverse("scheduling:session_pin", args=[session.pk])
    assert deputy_client.post(url, {"pinned": "on"}).status_code == 302
    session.refresh_from_db()
    assert session.pinned
    deputy_client.post(url, {})
    session.refresh_from_db()
    assert not session.pinned


def test_publishing_sends_placed_sessions_for_approval(deputy_client, placed_week):
    unplaced = ContactSessionFactory(
        rota_week=placed_week["week"],
        plan=ContactPlanFactory(referral=ReferralFactory(), slots=[]),
        unplaced_reason="No room free",
    )
    response = deputy_client.post(reverse("scheduling:rota_publish", args=[WEEK]))
    assert response.status_code == 302
    week = RotaWeek.objects.get(pk=placed_week["week"].pk)
    assert week.state == RotaWeek.State.PUBLISHED
    assert week.published_by.username == "deputy"
    statuses = set(
        ContactSession.objects.filter(starts_at__isnull=False).values_list("status", flat=True)
    )
    assert statuses == {ContactSession.Status.AWAITING_APPROVAL}
    unplaced.refresh_from_db()
    assert unplaced.status == ContactSession.Status.PROPOSED
    html = deputy_client.get(board_url()).content.decode()
    assert "Published" in html and "No room free" in html


def test_the_progress_partial_polls_while_the_run_is_active(deputy_client, placed_week):
    run = SolverRunFactory(
        rota_week=placed_week["week"], status=SolverRun.Status.RUNNING, progress=0.4
    )
    html = deputy_client.get(reverse("scheduling:run_progress", args=[run.pk])).content.decode()
    assert 'data-hx-trigger="every 1s"' in html and "Planning the week" in html
    SolverRun.objects.filter(pk=run.pk).update(
        status=SolverRun.Status.SUCCEEDED,
        sessions_total=6,
        sessions_placed=5,
        court_total=2,
        court_placed=2,
        travel_minutes=40,
        continuity_rate=80.0,
        relief_sessions=1,
        changes=3,
        objective=123.4,
        bound=100.0,
        wall_seconds=2.5,
    )
    html = deputy_client.get(reverse("scheduling:run_progress", args=[run.pk])).content.decode()
    assert "data-hx-trigger" not in html
    for figure in ("5/6", "2/2", "40 min", "80%", "123.4", "bound 100.0", "2.5 s", "Show the new"):
        assert figure in html


def test_plan_this_week_solves_it_and_shows_the_figures(
    deputy_client, county, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = deputy_client.post(reverse("scheduling:rota_plan", args=[WEEK]))
    assert response.status_code == 302
    response = deputy_client.get(response["Location"])
    assert response.status_code == 200
    run = SolverRun.objects.get()
    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    html = response.content.decode()
    assert f"Coverage <strong>{run.sessions_placed}/{run.sessions_total}</strong>" in html
    assert RotaWeek.objects.get(week_start=A_MONDAY).state == RotaWeek.State.PROPOSED


def _board_queries(client, view):
    # A first request may do once-a-session work (login records, idle-session stamps).
    client.get(board_url(view=view))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(board_url(view=view)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("view", ["worker", "venue"])
def test_the_board_query_count_does_not_grow_with_the_week(deputy_client, placed_week, view):
    before = _board_queries(deputy_client, view)
    # Double the week: another placed session per existing one, in fresh rooms and plans.
    for session in list(placed_week["sessions"]):
        copy = ContactSessionFactory(
            rota_week=placed_week["week"],
            plan=ContactPlanFactory(referral=ReferralFactory(), slots=[]),
            day=session.day,
        )
        place(copy, dt.time(10, 0), session.room, list(session.workers.all()))
    assert ContactSession.objects.count() == 2 * len(placed_week["sessions"])
    assert _board_queries(deputy_client, view) == before


def test_a_week_already_being_planned_is_not_planned_twice(deputy_client, placed_week):
    SolverRunFactory(rota_week=placed_week["week"], status=SolverRun.Status.RUNNING)
    response = deputy_client.post(reverse("scheduling:rota_plan", args=[WEEK]), follow=True)
    html = response.content.decode()
    assert "already being planned" in html
    assert "Being planned" in html and 'data-hx-trigger="every 1s"' in html
    assert SolverRun.objects.count() == 1


def test_the_venue_view_filters_rooms_by_area(deputy_client, placed_week):
    html = deputy_client.get(board_url(view="venue", area="central")).content.decode()
    assert "Sandy Bank" in html
    html = deputy_client.get(board_url(view="venue", area="nowhere")).content.decode()
    assert "Sandy Bank" in html  # an unknown area is no filter
    AreaFactory(code="north", name="North")
    html = deputy_client.get(board_url(view="venue", area="north")).content.decode()
    assert "No rooms match the filters." in html


def test_the_session_dialog_shows_who_changed_the_session_and_how(
    deputy_client, deputy, placed_week
):
    first = placed_week["sessions"][0]
    deputy_client.post(
        reverse("scheduling:session_move", args=[first.pk]),
        {
            "start": "16:00",
            "room": first.room_id,
            "workers": [placed_week["workers"][0].pk],
            "version": first.version,
        },
        HTTP_HX_REQUEST="true",
    )

    html = deputy_client.get(reverse("scheduling:session_detail", args=[first.pk])).content
    history = html.decode().split('id="history-heading"')[1]

    assert escape(deputy.get_full_name()) in history  # a name may hold an apostrophe
    assert "16:00" in history


def test_a_booking_the_team_leader_returned_shows_why_on_the_board(deputy_client, placed_week):
    returned = placed_week["sessions"][0]
    ContactSession.objects.filter(pk=returned.pk).update(
        return_reason="Mother cannot come on Mondays any more"
    )

    html = deputy_client.get(board_url()).content.decode()
    dialog = deputy_client.get(reverse("scheduling:session_detail", args=[returned.pk]))

    assert html.count("c-returned") == 1
    # What the card says aloud is its text, visually hidden words included.
    spoken = re.sub(r"<[^>]+>", "", html)
    assert "returned by the team leader: Mother cannot come on Mondays any more" in spoken
    assert "Mother cannot come on Mondays any more" in dialog.content.decode()
