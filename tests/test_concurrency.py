"""Concurrency on PostgreSQL: many people booking the same room or worker at the same moment,
and two people editing the same session. Real threads, real transactions, a barrier to line
them up: exactly one wins, the others get a message they can act on, nothing is half-written."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from scheduling.models import ContactSession, RotaWeek, SessionWorker
from scheduling.services.board import session_move
from scheduling.services.planning import week_plan_sessions
from tests.factories import (
    A_MONDAY,
    AreaFactory,
    ContactPlanFactory,
    ReferralFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    WorkerFactory,
    WorkingPatternFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
FOUR_PM = dt.time(16, 0)


@pytest.fixture
def crowd(before_the_week):
    """Eight Monday sessions (15:30-17:00 windows), eight rooms and eight workers at one venue."""
    area = AreaFactory(code="central", name="Central")
    venue = VenueFactory(area=area, slug="sandy-bank", name="Sandy Bank")
    rooms = [RoomFactory(venue=venue, slug=f"room-{n}", capacity=6) for n in range(THREADS)]
    workers = []
    for n in range(THREADS):
        worker = WorkerFactory(area=area, base_venue=venue, code=f"w{n}", name=f"Worker {n}")
        WorkingPatternFactory(worker=worker, weekday=0, starts=dt.time(8, 30), ends=dt.time(19, 0))
        workers.append(worker)
    for _ in range(THREADS):
        ContactPlanFactory(
            referral=ReferralFactory(),
            venues=[venue],
            duration_minutes=90,
            slots=[
                {"weekday": 0, "earliest_start": dt.time(15, 30), "latest_start": dt.time(17, 0)}
            ],
        )
    week_plan_sessions(week_start=A_MONDAY)
    RotaWeek.objects.filter(week_start=A_MONDAY).update(state=RotaWeek.State.PROPOSED)
    sessions = list(ContactSession.objects.filter(day=A_MONDAY).order_by("pk"))
    assert len(sessions) == THREADS
    deputy = UserFactory(username="deputy", groups=["Deputy team leader"])
    return {"rooms": rooms, "workers": workers, "sessions": sessions, "deputy": deputy}


def _all_at_once(attempts) -> list:
    """Run each callable in its own thread (own connection), released together."""
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait(timeout=30)
            attempt()
            results[index] = "won"
        except ValidationError as error:
            results[index] = error.messages
        except Exception as error:  # an unclear failure: the test reports it as such
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _assert_one_winner_and_clear_refusals(results):
    unclear = [r for r in results if not (r == "won" or isinstance(r, list))]
    assert unclear == [], f"refusals without a message for the user: {unclear!r}"
    assert results.count("won") == 1, results
    for messages in results:
        if messages != "won":
            text = " ".join(messages)
            assert "booked" in text or "busy" in text, text


def test_eight_people_booking_the_same_room_at_once_one_wins_the_rest_are_told(crowd):
    room, deputy = crowd["rooms"][0], crowd["deputy"]
    attempts = [
        (
            lambda s=session, w=worker: session_move(
                session=s, start=FOUR_PM, room=room, workers=[w], by=deputy
            )
        )
        for session, worker in zip(crowd["sessions"], crowd["workers"], strict=True)
    ]

    results = _all_at_once(attempts)

    _assert_one_winner_and_clear_refusals(results)
    placed = ContactSession.objects.filter(room=room, starts_at__isnull=False)
    assert placed.count() == 1
    winner = placed.get()
    # Nothing half-written: the losers have neither a place nor staff.
    assert ContactSession.objects.filter(starts_at__isnull=False).count() == 1
    assert set(SessionWorker.objects.values_list("session_id", flat=True)) == {winner.pk}


def test_eight_people_booking_the_same_worker_at_once_one_wins_the_rest_are_told(crowd):
    worker, deputy = crowd["workers"][0], crowd["deputy"]
    attempts = [
        (
            lambda s=session, r=room: session_move(
                session=s, start=FOUR_PM, room=r, workers=[worker], by=deputy
            )
        )
        for session, room in zip(crowd["sessions"], crowd["rooms"], strict=True)
    ]

    results = _all_at_once(attempts)

    _assert_one_winner_and_clear_refusals(results)
    assert SessionWorker.objects.filter(worker=worker).count() == 1
    booked = SessionWorker.objects.get(worker=worker).session
    assert ContactSession.objects.filter(starts_at__isnull=False).get() == booked


def test_two_people_editing_the_same_session_the_second_is_told_it_changed(crowd):
    session, deputy = crowd["sessions"][0], crowd["deputy"]
    first_view = ContactSession.objects.get(pk=session.pk)
    second_view = ContactSession.objects.get(pk=session.pk)
    rooms, workers = crowd["rooms"], crowd["workers"]

    session_move(session=first_view, start=FOUR_PM, room=rooms[0], workers=[workers[0]], by=deputy)
    with pytest.raises(ValidationError, match="Someone changed this session"):
        session_move(
            session=second_view,
            start=dt.time(16, 30),
            room=rooms[1],
            workers=[workers[1]],
            by=deputy,
        )

    session.refresh_from_db()
    assert session.room == rooms[0]
    assert list(session.staffing.values_list("worker", flat=True)) == [workers[0].pk]


def test_two_people_saving_the_same_session_at_the_same_moment_one_is_told_it_changed(crowd):
    session, deputy = crowd["sessions"][0], crowd["deputy"]
    views = [ContactSession.objects.get(pk=session.pk) for _ in range(2)]
    rooms, workers = crowd["rooms"], crowd["workers"]
    attempts = [
        (
            lambda v=view, n=n: session_move(
                session=v, start=FOUR_PM, room=rooms[n], workers=[workers[n]], by=deputy
            )
        )
        for n, view in enumerate(views)
    ]

    results = _all_at_once(attempts)

    assert results.count("won") == 1, results
    loser = next(r for r in results if r != "won")
    assert isinstance(loser, list) and "Someone changed this session" in loser[0]
    session.refresh_from_db()
    assert session.version == views[0].version + 1
    assert session.staffing.count() == 1
