"""The database's own guard against double booking (PostgreSQL exclusion constraints)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from scheduling.models import ContactSession
from tests.factories import (
    A_MONDAY,
    ContactSessionFactory,
    RoomFactory,
    SessionWorkerFactory,
    WorkerFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def at(hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(A_MONDAY, dt.time(hour, minute)))


def placed(room, start, end, **kwargs):
    return ContactSessionFactory(room=room, starts_at=start, ends_at=end, **kwargs)


@pytest.fixture
def room():
    return RoomFactory()


def test_two_overlapping_sessions_cannot_share_a_room(room):
    placed(room, at(16), at(17, 30))

    with pytest.raises(IntegrityError), transaction.atomic():
        placed(room, at(17), at(18))


def test_back_to_back_sessions_can_share_a_room(room):
    placed(room, at(16), at(17))
    placed(room, at(17), at(18))

    assert ContactSession.objects.filter(room=room).count() == 2


def test_a_cancelled_session_frees_its_room(room):
    placed(room, at(16), at(17, 30), status=ContactSession.Status.CANCELLED)
    placed(room, at(16, 30), at(18))

    with pytest.raises(IntegrityError), transaction.atomic():
        placed(room, at(17), at(18), status=ContactSession.Status.BOOKED)


def test_overlapping_sessions_in_two_rooms_are_fine(room):
    placed(room, at(16), at(17, 30))
    placed(RoomFactory(venue=room.venue), at(16), at(17, 30))

    assert ContactSession.objects.count() == 2


def test_full_clean_explains_a_room_clash(room):
    placed(room, at(16), at(17, 30))
    clash = ContactSessionFactory.build(
        rota_week=ContactSession.objects.get().rota_week,
        plan=ContactSession.objects.get().plan,
        day=A_MONDAY,
        room=room,
        starts_at=at(17),
        ends_at=at(18),
    )

    with pytest.raises(ValidationError) as error:
        clash.full_clean()

    assert "The room is already booked at that time." in error.value.messages


def test_a_worker_cannot_hold_two_overlapping_sessions():
    worker = WorkerFactory()
    SessionWorkerFactory(worker=worker, busy_from=at(15, 30), busy_to=at(17, 30))

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionWorkerFactory(worker=worker, busy_from=at(17), busy_to=at(18))


def test_a_worker_released_from_a_session_can_be_booked_over_it():
    worker = WorkerFactory()
    SessionWorkerFactory(worker=worker, busy_from=at(15, 30), busy_to=at(17, 30), holds_time=False)
    SessionWorkerFactory(worker=worker, busy_from=at(17), busy_to=at(18))

    assert worker.staffing.count() == 2


def test_a_worker_can_go_straight_from_one_session_to_the_next():
    worker = WorkerFactory()
    SessionWorkerFactory(worker=worker, busy_from=at(15, 30), busy_to=at(17))
    SessionWorkerFactory(worker=worker, busy_from=at(17), busy_to=at(18))

    assert worker.staffing.count() == 2
