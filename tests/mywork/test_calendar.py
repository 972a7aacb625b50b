"""The private calendar feed: a secret URL, lock-screen-safe events, revocable."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.urls import reverse

from referrals.models import ContactPlan
from scheduling.models import ContactSession
from scheduling.services.cancellations import session_cancel
from staffing.services import worker_calendar_regenerate
from tests.builders import placed_session, team
from tests.factories import A_MONDAY
from venues.models import Venue

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
BOOKED = ContactSession.Status.BOOKED


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def feed(client, worker):
    response = client.get(reverse("mywork:calendar_feed", args=[worker.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return list(calendar.walk("VEVENT"))


def test_the_feed_needs_no_login_and_lists_the_workers_sessions(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    session = placed_session(room=t["room"], workers=[worker], status=BOOKED)

    (event,) = events(feed(client, worker))

    assert str(event["uid"]) == f"contact-session-{session.pk}@contact-service"
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") == session.ends_at


def test_events_carry_no_child_name_or_notes(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    session = placed_session(room=t["room"], workers=[worker], status=BOOKED)
    child = session.plan.referral.children.get()

    text = feed(client, worker).to_ical().decode()

    for secret in (child.first_name, child.reference, "Mother", session.plan.referral.reference):
        assert secret not in text


def test_the_feed_spans_four_weeks_back_to_eight_weeks_ahead(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    inside = [
        placed_session(room=t["room"], workers=[worker], status=BOOKED, day=A_MONDAY + delta)
        for delta in (dt.timedelta(weeks=-4), dt.timedelta(weeks=8))
    ]
    placed_session(
        room=t["room"], workers=[worker], status=BOOKED, day=A_MONDAY + dt.timedelta(weeks=9)
    )
    placed_session(
        room=t["room"], workers=[worker], status=BOOKED, day=A_MONDAY - dt.timedelta(weeks=5)
    )

    uids = {str(e["uid"]) for e in events(feed(client, worker))}

    assert uids == {f"contact-session-{s.pk}@contact-service" for s in inside}


def test_a_cancelled_session_vanishes_and_the_uid_of_others_is_stable(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    keep = placed_session(room=t["room"], workers=[worker], status=BOOKED, hour=10)
    drop = placed_session(room=t["room"], workers=[worker], status=BOOKED, hour=16)
    before = {str(e["uid"]) for e in events(feed(client, worker))}

    session_cancel(session=drop, reason="carer_cancelled", by=t["leader"])
    after = {str(e["uid"]) for e in events(feed(client, worker))}

    assert after == before - {f"contact-session-{drop.pk}@contact-service"}
    assert f"contact-session-{keep.pk}@contact-service" in after


def test_a_colleagues_sessions_and_drafts_are_not_in_the_feed(client, frozen):
    t, north = team(), team("north")
    worker = worker_calendar_regenerate(worker=t["worker"])
    placed_session(room=north["room"], workers=[north["worker"]], status=BOOKED)
    placed_session(room=t["room"], workers=[worker], status=ContactSession.Status.PROPOSED)

    assert events(feed(client, worker)) == []


def test_an_unknown_or_revoked_token_is_not_found(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    old = worker.calendar_token
    client.force_login(worker.user)

    client.post(reverse("mywork:my_calendar"), {"action": "regenerate"})
    worker.refresh_from_db()
    assert worker.calendar_token != old
    assert len(worker.calendar_token) >= 40
    client.logout()
    assert client.get(reverse("mywork:calendar_feed", args=[old])).status_code == 404
    assert client.get(f"/calendar/{worker.calendar_token}.ics").status_code == 200

    client.force_login(worker.user)
    client.post(reverse("mywork:my_calendar"), {"action": "revoke"})
    worker.refresh_from_db()
    assert worker.calendar_token is None
    client.logout()
    assert client.get("/calendar/None.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404


def test_the_manage_page_shows_the_feed_address(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    client.force_login(worker.user)

    body = client.get(reverse("mywork:my_calendar")).content.decode()

    assert f"/calendar/{worker.calendar_token}.ics" in body


def test_the_feed_refuses_posts(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])

    assert client.post(f"/calendar/{worker.calendar_token}.ics").status_code == 405


def test_an_event_says_when_which_room_and_venue_and_is_located_at_the_venues_address(
    client, frozen
):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    placed_session(room=t["room"], workers=[worker], status=BOOKED)

    (event,) = events(feed(client, worker))

    # A phone routes to LOCATION, so it is the venue's name and street address.
    assert str(event["summary"]) == "Contact 16:00 · Blue room, Central Contact Centre"
    assert str(event["location"]) == "Central Contact Centre, 1 High St"


def test_an_overseen_sessions_event_says_so(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    session = placed_session(room=t["room"], workers=[worker], status=BOOKED, hour=10)
    ContactPlan.objects.filter(pk=session.plan_id).update(mode=ContactPlan.Mode.OVERSEEN)

    (event,) = events(feed(client, worker))

    assert str(event["summary"]) == "Overseen contact 10:00 · Blue room, Central Contact Centre"


def test_a_venue_without_an_address_is_located_by_its_name(client, frozen):
    t = team()
    Venue.objects.filter(pk=t["venue"].pk).update(address="")
    worker = worker_calendar_regenerate(worker=t["worker"])
    placed_session(room=t["room"], workers=[worker], status=BOOKED)

    (event,) = events(feed(client, worker))

    assert str(event["location"]) == "Central Contact Centre"


def test_a_virtual_session_has_a_plain_summary_and_no_location(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    placed_session(room=None, workers=[worker], status=BOOKED, area=t["area"])

    (event,) = events(feed(client, worker))

    assert str(event["summary"]) == "Virtual contact 16:00"
    assert "location" not in event


def test_the_manage_page_offers_a_webcal_link_and_a_copy_button(client, frozen):
    t = team()
    worker = worker_calendar_regenerate(worker=t["worker"])
    client.force_login(worker.user)

    body = client.get(reverse("mywork:my_calendar")).content.decode()

    assert f'href="webcal://testserver/calendar/{worker.calendar_token}.ics"' in body
    assert 'data-copy="#feed-url"' in body
    assert "/static/js/copy.js" in body
