"""A team leader approves or returns their area's published bookings, one by one or by day."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from scheduling.models import ContactSession
from scheduling.services.approvals import (
    StaleSessionError,
    session_approve,
    session_return,
    sessions_approve_day,
)
from tests.builders import placed_session, team
from tests.factories import (
    A_MONDAY,
    AbsenceFactory,
    RoomFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

# 09:00 on the Monday of the factories' week (GMT in December).
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


# --- services -----------------------------------------------------------------------------


def test_approving_a_session_books_it_and_records_who_and_when():
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])

    with time_machine.travel(NOW, tick=False):
        approved = session_approve(session=session, by=t["leader"], version=session.version)

    assert approved.status == ContactSession.Status.BOOKED
    assert approved.approved_by == t["leader"]
    assert approved.approved_at == NOW
    assert approved.version == session.version + 1


def test_approving_refuses_a_session_changed_since_the_page_was_loaded():
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])
    ContactSession.objects.filter(pk=session.pk).update(version=session.version + 1)

    with pytest.raises(StaleSessionError):
        session_approve(session=session, by=t["leader"], version=session.version)
    session.refresh_from_db()
    assert session.status == ContactSession.Status.AWAITING_APPROVAL


def test_approving_refuses_a_session_that_is_not_awaiting_approval():
    t = team()
    session = placed_session(
        room=t["room"], workers=[t["worker"]], status=ContactSession.Status.PROPOSED
    )

    with pytest.raises(ValidationError, match="not awaiting approval"):
        session_approve(session=session, by=t["leader"])


def test_approving_refuses_a_session_with_no_worker():
    t = team()
    session = placed_session(room=t["room"])

    with pytest.raises(ValidationError, match="return it to the deputy"):
        session_approve(session=session, by=t["leader"])


def test_returning_a_session_sends_it_to_the_deputys_board_with_the_reason():
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])

    returned = session_return(
        session=session, by=t["leader"], reason="Mother works Mondays", version=session.version
    )

    assert returned.status == ContactSession.Status.PROPOSED
    assert returned.return_reason == "Mother works Mondays"
    assert returned.version == session.version + 1


def test_returning_needs_a_reason():
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])

    with pytest.raises(ValidationError):
        session_return(session=session, by=t["leader"], reason="  ")


def test_approving_a_day_books_every_session_seen():
    t = team()
    other = WorkerFactory(area=t["area"], base_venue=t["venue"])
    first = placed_session(room=t["room"], workers=[t["worker"]], hour=10)
    second = placed_session(room=t["room"], workers=[other], hour=14)
    seen = {first.pk: first.version, second.pk: second.version}

    done = sessions_approve_day(day=A_MONDAY, seen=seen, allowed_ids=set(seen), by=t["leader"])

    assert len(done) == 2
    assert set(ContactSession.objects.values_list("status", flat=True)) == {"booked"}


def test_approving_a_day_approves_nothing_when_one_session_changed():
    t = team()
    other = WorkerFactory(area=t["area"], base_venue=t["venue"])
    first = placed_session(room=t["room"], workers=[t["worker"]], hour=10)
    second = placed_session(room=t["room"], workers=[other], hour=14)
    seen = {first.pk: first.version, second.pk: second.version - 1 + 2}

    with pytest.raises(StaleSessionError):
        sessions_approve_day(day=A_MONDAY, seen=seen, allowed_ids=set(seen), by=t["leader"])

    assert set(ContactSession.objects.values_list("status", flat=True)) == {"awaiting_approval"}


def test_approving_a_day_refuses_sessions_outside_the_users_queue():
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])

    with pytest.raises(ValidationError, match="not awaiting your approval"):
        sessions_approve_day(
            day=A_MONDAY, seen={session.pk: session.version}, allowed_ids=set(), by=t["leader"]
        )


# --- views --------------------------------------------------------------------------------


def test_the_queue_shows_only_the_leaders_area_grouped_by_day(client):
    t, north = team(), team("north")
    mine = placed_session(room=t["room"], workers=[t["worker"]])
    tuesday = placed_session(
        room=t["room"], workers=[t["worker"]], day=A_MONDAY + dt.timedelta(days=1)
    )
    theirs = placed_session(room=north["room"], workers=[north["worker"]])
    client.force_login(t["leader"])

    response = client.get(reverse("desk:approvals"))

    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="session-{mine.pk}"' in body
    assert f'id="session-{tuesday.pk}"' in body
    assert f'id="session-{theirs.pk}"' not in body
    assert [d for d, _, _ in response.context["days"]] == [A_MONDAY, tuesday.day]


def test_a_virtual_session_belongs_to_the_area_of_its_first_child(client):
    t, north = team(), team("north")
    virtual = placed_session(room=None, workers=[t["worker"]], area=t["area"])
    client.force_login(t["leader"])

    assert f'id="session-{virtual.pk}"' in client.get(reverse("desk:approvals")).content.decode()
    client.force_login(north["leader"])
    assert (
        f'id="session-{virtual.pk}"' not in client.get(reverse("desk:approvals")).content.decode()
    )


def test_the_queue_flags_sessions_changed_since_the_last_visit(client):
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])
    moved = placed_session(room=t["room"], workers=[t["worker"]], hour=10, changed_in_replan=True)

    with time_machine.travel(NOW, tick=False):
        client.force_login(t["leader"])  # inside: an idle session expires after 8 hours
        first = client.get(reverse("desk:approvals"))
    assert first.context["changed"] == {moved.pk}

    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        session.cancel_note = "touched"
        session.save()
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        second = client.get(reverse("desk:approvals"))
    assert second.context["changed"] == {session.pk, moved.pk}


def test_approving_through_the_page_books_the_session(client):
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])
    client.force_login(t["leader"])

    response = client.post(reverse("desk:approve", args=[session.pk]), {"version": session.version})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == ContactSession.Status.BOOKED


def test_a_stale_approval_through_the_page_is_refused_with_a_message(client):
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])
    client.force_login(t["leader"])

    response = client.post(
        reverse("desk:approve", args=[session.pk]),
        {"version": session.version + 5},
        follow=True,
    )

    assert "changed since you loaded the page" in response.content.decode()
    session.refresh_from_db()
    assert session.status == ContactSession.Status.AWAITING_APPROVAL


def test_returning_through_the_page_records_the_reason(client):
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])
    client.force_login(t["leader"])

    client.post(
        reverse("desk:return", args=[session.pk]),
        {"version": session.version, "reason": "Too late for the child"},
    )

    session.refresh_from_db()
    assert session.status == ContactSession.Status.PROPOSED
    assert session.return_reason == "Too late for the child"


def test_approving_a_day_through_the_page_books_all_of_it(client):
    t = team()
    other = WorkerFactory(area=t["area"], base_venue=t["venue"])
    first = placed_session(room=t["room"], workers=[t["worker"]], hour=10)
    second = placed_session(room=t["room"], workers=[other], hour=14)
    client.force_login(t["leader"])
    page = client.get(reverse("desk:approvals"))
    (_, _, seen) = page.context["days"][0]

    client.post(reverse("desk:approve_day"), {"day": "2026-12-07", "seen": seen})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == ContactSession.Status.BOOKED


def test_a_leader_cannot_approve_another_areas_session(client):
    t, north = team(), team("north")
    theirs = placed_session(room=north["room"], workers=[north["worker"]])
    client.force_login(t["leader"])

    response = client.post(reverse("desk:approve", args=[theirs.pk]), {"version": theirs.version})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ContactSession.Status.AWAITING_APPROVAL


def test_a_leader_cannot_approve_another_areas_day(client):
    t, north = team(), team("north")
    theirs = placed_session(room=north["room"], workers=[north["worker"]])
    client.force_login(t["leader"])

    client.post(
        reverse("desk:approve_day"),
        {"day": "2026-12-07", "seen": f"{theirs.pk}:{theirs.version}"},
    )

    theirs.refresh_from_db()
    assert theirs.status == ContactSession.Status.AWAITING_APPROVAL


def test_the_queue_reads_a_fixed_number_of_queries_whatever_its_length(
    client, django_assert_max_num_queries
):
    t = team()
    for hour in (9, 11, 13, 15, 17):
        worker = WorkerFactory(area=t["area"], base_venue=t["venue"])
        placed_session(room=RoomFactory(venue=t["venue"]), workers=[worker], hour=hour)
    client.force_login(t["leader"])

    with django_assert_max_num_queries(12):
        response = client.get(reverse("desk:approvals"))

    assert response.context["count"] == 5


# --- the area at a glance -----------------------------------------------------------------


def test_the_area_page_shows_todays_sessions_and_who_is_on_them(client):
    t, north = team(), team("north")
    today = placed_session(room=t["room"], workers=[t["worker"]], status="booked")
    tomorrow = placed_session(
        room=t["room"], workers=[t["worker"]], day=A_MONDAY + dt.timedelta(days=1)
    )
    theirs = placed_session(room=north["room"], workers=[north["worker"]])

    with time_machine.travel(NOW, tick=False):
        client.force_login(t["leader"])
        body = client.get(reverse("desk:area")).content.decode()
        week = client.get(reverse("desk:area"), {"span": "week"}).content.decode()

    assert f'id="session-{today.pk}"' in body
    assert "Central Worker" in body
    assert f'id="session-{tomorrow.pk}"' not in body
    assert f'id="session-{theirs.pk}"' not in body
    assert f'id="session-{tomorrow.pk}"' in week
    assert f'id="session-{theirs.pk}"' not in week


def test_the_area_page_shows_who_is_away(client):
    t = team()
    placed_session(room=t["room"], workers=[t["worker"]], status="booked")
    colleague = WorkerFactory(area=t["area"], base_venue=t["venue"], name="Away Worker")
    AbsenceFactory(worker=colleague, starts_on=A_MONDAY, ends_on=A_MONDAY)

    with time_machine.travel(NOW, tick=False):
        client.force_login(t["leader"])
        response = client.get(reverse("desk:area"))

    team_rows = {w.name: (count, away) for w, count, away in response.context["team"]}
    assert team_rows == {"Central Worker": (1, False), "Away Worker": (0, True)}
