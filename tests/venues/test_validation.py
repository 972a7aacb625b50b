"""Bad venue and session input gets a clear message, and nothing is saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from staffing.roles import ADMINISTRATOR
from tests.factories import (
    A_MONDAY,
    ContactSessionFactory,
    RoomClosureFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
)
from venues.forms import RoomClosureForm
from venues.models import RoomClosure

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin-role", is_staff=True, groups=[ADMINISTRATOR]))
    return client


def _room_data(room, **closure):
    return {
        "name": room.name,
        "slug": room.slug,
        "venue": room.venue_id,
        "capacity": room.capacity,
        "is_active": "on",
        "closures-TOTAL_FORMS": "1",
        "closures-INITIAL_FORMS": "0",
        "closures-0-reason": "Refurbishment",
        **{f"closures-0-{key}": value for key, value in closure.items()},
    }


def test_a_closure_that_ends_before_it_starts_is_refused_on_the_room_page(admin_client):
    room = RoomFactory()
    data = _room_data(
        room,
        starts_at_0="2026-12-08",
        starts_at_1="14:00",
        ends_at_0="2026-12-08",
        ends_at_1="10:00",
    )

    response = admin_client.post(reverse("admin:venues_room_change", args=[room.pk]), data)

    assert response.status_code == 200
    assert "The closure ends before it starts." in response.content.decode()
    assert not RoomClosure.objects.exists()


def test_a_closure_that_ends_before_it_starts_is_refused_on_its_own_page(admin_client):
    room = RoomFactory()
    data = {
        "room": room.pk,
        "starts_at_0": "2026-12-08",
        "starts_at_1": "14:00",
        "ends_at_0": "2026-12-07",
        "ends_at_1": "14:00",
        "reason": "Refurbishment",
    }

    response = admin_client.post(reverse("admin:venues_roomclosure_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_at"] == [
        "The closure ends before it starts."
    ]
    assert not RoomClosure.objects.exists()


def test_a_closure_in_the_right_order_is_saved_from_the_room_page(admin_client):
    room = RoomFactory()
    data = _room_data(
        room,
        starts_at_0="2026-12-08",
        starts_at_1="10:00",
        ends_at_0="2026-12-08",
        ends_at_1="14:00",
    )

    response = admin_client.post(reverse("admin:venues_room_change", args=[room.pk]), data)

    assert response.status_code == 302
    assert room.closures.get().reason == "Refurbishment"


def test_the_closure_form_says_when_a_closure_ends_before_it_starts():
    closure = RoomClosureFactory.build()
    form = RoomClosureForm(
        data={
            "room": RoomFactory().pk,
            "starts_at": closure.ends_at,
            "ends_at": closure.starts_at,
            "reason": "Leak",
        }
    )

    assert not form.is_valid()
    assert form.errors["ends_at"] == ["The closure ends before it starts."]


# --- a session placed by hand ----------------------------------------------------------------


def _at(time: dt.time, day: dt.date = A_MONDAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _session_data(session, *, room, starts: dt.datetime, ends: dt.datetime):
    return {
        "starts_at_0": f"{starts:%Y-%m-%d}",
        "starts_at_1": f"{starts:%H:%M}",
        "ends_at_0": f"{ends:%Y-%m-%d}",
        "ends_at_1": f"{ends:%H:%M}",
        "room": room.pk,
        "status": session.status,
        "cancel_reason": "",
        "cancel_note": "",
        "staffing-TOTAL_FORMS": "0",
        "staffing-INITIAL_FORMS": "0",
    }


@pytest.fixture
def gedling_room():
    venue = VenueFactory(name="Gedling View", opens=dt.time(8, 30), closes=dt.time(19, 0))
    return RoomFactory(venue=venue)


def test_a_session_placed_outside_its_window_is_refused(admin_client, gedling_room):
    session = ContactSessionFactory(earliest_start=dt.time(16), latest_start=dt.time(17))
    data = _session_data(
        session, room=gedling_room, starts=_at(dt.time(15)), ends=_at(dt.time(16, 30))
    )

    response = admin_client.post(
        reverse("admin:scheduling_contactsession_change", args=[session.pk]), data
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_at"] == [
        "The session must start between 16:00 and 17:00; 15:00 is outside its window."
    ]
    session.refresh_from_db()
    assert session.starts_at is None
    assert session.room is None
    assert session.version == 1


def test_a_session_ending_after_the_venue_closes_is_refused(admin_client, gedling_room):
    session = ContactSessionFactory(
        earliest_start=dt.time(16), latest_start=dt.time(17, 30), duration_minutes=120
    )
    data = _session_data(
        session, room=gedling_room, starts=_at(dt.time(17, 30)), ends=_at(dt.time(19, 30))
    )

    response = admin_client.post(
        reverse("admin:scheduling_contactsession_change", args=[session.pk]), data
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_at"] == [
        "17:30–19:30 is outside Gedling View's hours 08:30–19:00."
    ]
    session.refresh_from_db()
    assert session.starts_at is None


def test_a_session_starting_before_the_venue_opens_is_refused(gedling_room):
    session = ContactSessionFactory.build(
        earliest_start=dt.time(8),
        latest_start=dt.time(9),
        starts_at=_at(dt.time(8)),
        room=gedling_room,
    )

    with pytest.raises(ValidationError) as refused:
        session.clean()

    assert refused.value.message_dict["starts_at"] == [
        "08:00–09:30 is outside Gedling View's hours 08:30–19:00."
    ]


def test_a_session_placed_on_another_day_is_refused(gedling_room):
    session = ContactSessionFactory.build(
        starts_at=_at(dt.time(16), day=A_MONDAY + dt.timedelta(days=1)), room=gedling_room
    )

    with pytest.raises(ValidationError) as refused:
        session.clean()

    assert refused.value.message_dict["starts_at"] == [
        "The session is on Mon 07 Dec; it cannot start on Tue 08 Dec."
    ]


def test_a_session_placed_inside_its_window_and_hours_is_saved(admin_client, gedling_room):
    session = ContactSessionFactory(earliest_start=dt.time(16), latest_start=dt.time(17))
    data = _session_data(
        session, room=gedling_room, starts=_at(dt.time(16, 30)), ends=_at(dt.time(18))
    )

    response = admin_client.post(
        reverse("admin:scheduling_contactsession_change", args=[session.pk]), data
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == _at(dt.time(16, 30))
    assert session.room == gedling_room
    assert session.version == 2


@pytest.mark.postgres
def test_a_worker_put_on_two_sessions_at_once_by_hand_is_refused(admin_client, gedling_room):
    from tests.factories import SessionWorkerFactory

    busy = SessionWorkerFactory(session__room=gedling_room)
    session = ContactSessionFactory(
        slot=None, earliest_start=dt.time(16), latest_start=dt.time(17), room=None
    )
    starts = _at(dt.time(16, 30))
    data = _session_data(session, room=RoomFactory(), starts=starts, ends=_at(dt.time(18)))
    data.update(
        {
            "staffing-TOTAL_FORMS": "1",
            "staffing-0-worker": busy.worker_id,
            "staffing-0-busy_from_0": f"{starts:%Y-%m-%d}",
            "staffing-0-busy_from_1": "16:30",
            "staffing-0-busy_to_0": f"{starts:%Y-%m-%d}",
            "staffing-0-busy_to_1": "18:00",
            "staffing-0-holds_time": "on",
        }
    )

    response = admin_client.post(
        reverse("admin:scheduling_contactsession_change", args=[session.pk]), data
    )

    assert response.status_code == 200
    assert "The worker is already busy at that time." in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at is None
    assert not session.staffing.exists()


def test_an_administrator_can_put_a_worker_on_a_session_by_hand(admin_client, gedling_room):
    from tests.factories import WorkerFactory

    worker = WorkerFactory()
    session = ContactSessionFactory(earliest_start=dt.time(16), latest_start=dt.time(17))
    starts = _at(dt.time(16, 30))
    data = _session_data(session, room=gedling_room, starts=starts, ends=_at(dt.time(18)))
    data.update(
        {
            "staffing-TOTAL_FORMS": "1",
            "staffing-0-worker": worker.pk,
            "staffing-0-busy_from_0": f"{starts:%Y-%m-%d}",
            "staffing-0-busy_from_1": "16:30",
            "staffing-0-busy_to_0": f"{starts:%Y-%m-%d}",
            "staffing-0-busy_to_1": "18:00",
            "staffing-0-holds_time": "on",
        }
    )

    response = admin_client.post(
        reverse("admin:scheduling_contactsession_change", args=[session.pk]), data
    )

    assert response.status_code == 302
    assert [row.worker for row in session.staffing.all()] == [worker]
