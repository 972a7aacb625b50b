"""A contact worker's own sessions, today and the next two weeks, and nothing of anyone else's."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from scheduling.models import ContactSession
from tests.builders import placed_session, team
from tests.factories import A_MONDAY, WorkerFactory

pytestmark = pytest.mark.django_db

MONDAY_MORNING = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
BOOKED = ContactSession.Status.BOOKED


@pytest.fixture
def frozen():
    with time_machine.travel(MONDAY_MORNING, tick=False):
        yield


def test_my_sessions_lists_today_and_the_next_two_weeks_only(client, frozen):
    t = team()
    worker = t["worker"]
    today = placed_session(room=t["room"], workers=[worker], status=BOOKED)
    in_two_weeks = placed_session(
        room=t["room"], workers=[worker], day=A_MONDAY + dt.timedelta(days=14), status=BOOKED
    )
    too_far = placed_session(
        room=t["room"], workers=[worker], day=A_MONDAY + dt.timedelta(days=15), status=BOOKED
    )
    client.force_login(worker.user)

    body = client.get(reverse("mywork:my_sessions")).content.decode()

    assert f'id="session-{today.pk}"' in body
    assert f'id="session-{in_two_weeks.pk}"' in body
    assert f'id="session-{too_far.pk}"' not in body
    assert "Today" in body


def test_my_sessions_shows_time_place_child_attendees_transport_and_notes(client, frozen):
    t = team()
    session = placed_session(
        room=t["room"],
        workers=[t["worker"]],
        status=BOOKED,
        transport_before_minutes=30,
        transport_after_minutes=25,
    )
    client.force_login(t["worker"].user)

    body = client.get(reverse("mywork:my_sessions")).content.decode()

    assert "16:00–17:30" in body
    assert "Central Contact Centre · Blue room" in body
    assert "Maisie" in body
    assert session.plan.referral.children.get().reference in body
    assert "Mother and grandmother" in body
    assert "30 min before, 25 min after" in body
    assert "1 High St" in body
    assert "Mother must not be told the placement address." in body


def test_my_sessions_never_shows_another_workers_session_or_a_draft(client, frozen):
    t = team()
    colleague = WorkerFactory(area=t["area"], base_venue=t["venue"])
    theirs = placed_session(room=t["room"], workers=[colleague], status=BOOKED)
    draft = placed_session(
        room=t["room"], workers=[t["worker"]], hour=10, status=ContactSession.Status.PROPOSED
    )
    client.force_login(t["worker"].user)

    body = client.get(reverse("mywork:my_sessions")).content.decode()

    assert f'id="session-{theirs.pk}"' not in body
    assert f'id="session-{draft.pk}"' not in body


def test_the_session_page_shows_address_and_shared_notes(client, frozen):
    t = team()
    colleague = WorkerFactory(area=t["area"], base_venue=t["venue"], name="Pat Colleague")
    session = placed_session(room=t["room"], workers=[t["worker"], colleague], status=BOOKED)
    client.force_login(t["worker"].user)

    body = client.get(reverse("mywork:my_session", args=[session.pk])).content.decode()

    assert "1 High St" in body
    assert "Mother must not be told the placement address." in body
    assert "Pat Colleague" in body


def test_the_session_page_of_another_workers_session_is_not_found(client, frozen):
    t = team()
    colleague = WorkerFactory(area=t["area"], base_venue=t["venue"])
    theirs = placed_session(room=t["room"], workers=[colleague], status=BOOKED)
    client.force_login(t["worker"].user)

    assert client.get(reverse("mywork:my_session", args=[theirs.pk])).status_code == 404


def test_an_unwritten_record_is_flagged_late_after_two_working_days(client):
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]], status=BOOKED)

    with time_machine.travel(dt.datetime(2026, 12, 9, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(t["worker"].user)
        on_time = client.get(reverse("mywork:my_sessions"))
    with time_machine.travel(dt.datetime(2026, 12, 10, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(t["worker"].user)
        late = client.get(reverse("mywork:my_sessions"))

    assert [s.pk for s in on_time.context["to_record"]] == [session.pk]
    assert not on_time.context["to_record"][0].late
    assert late.context["to_record"][0].late
    assert "Late: was due Wed 9 Dec" in late.content.decode()


def test_a_cancelled_session_shows_as_cancelled(client, frozen):
    t = team()
    session = placed_session(
        room=t["room"],
        workers=[t["worker"]],
        status=ContactSession.Status.CANCELLED,
        cancel_reason="child_ill",
    )
    client.force_login(t["worker"].user)

    body = client.get(reverse("mywork:my_session", args=[session.pk])).content.decode()

    assert "Cancelled: Child ill" in body


def test_my_sessions_reads_a_fixed_number_of_queries_whatever_its_length(
    client, frozen, django_assert_max_num_queries
):
    t = team()
    for days in range(6):
        placed_session(
            room=t["room"],
            workers=[t["worker"]],
            day=A_MONDAY + dt.timedelta(days=days),
            status=BOOKED,
        )
    client.force_login(t["worker"].user)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("mywork:my_sessions"))

    assert sum(len(items) for _, items in response.context["days"]) == 6
