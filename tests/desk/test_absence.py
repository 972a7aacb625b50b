"""Absences and cancellations: sickness leaves sessions uncovered and a re-plan covers them;
leave requests; a cancelled session frees its room and worker, or turns virtual."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from contact_service.celery import app as celery_app
from scheduling.models import ContactSession, RotaWeek, SessionWorker, SolverRun
from scheduling.selectors.sessions import uncovered_sessions
from scheduling.services.cancellations import _virtual_stand_in, session_cancel
from staffing.models import Absence
from staffing.services import absence_decide, absence_record, absence_request
from tests.builders import aware, placed_session, team
from tests.factories import (
    A_MONDAY,
    RoomFactory,
    RotaWeekFactory,
    WorkerFactory,
    working_weekdays,
)
from tests.weeks import publish_solved_week

pytestmark = pytest.mark.django_db

MONDAY_MORNING = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)
BOOKED = ContactSession.Status.BOOKED


@pytest.fixture
def frozen():
    # Ticking: the solver measures its own time.
    with time_machine.travel(MONDAY_MORNING, tick=True):
        yield


@pytest.fixture
def eager_celery(settings):
    settings.SOLVER_TIME_LIMIT_SECONDS = 5
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


# --- absences -----------------------------------------------------------------------------


def test_a_leader_records_sickness_approved_at_once():
    t = team()

    absence = absence_record(
        worker=t["worker"],
        kind=Absence.Kind.SICKNESS,
        starts_on=A_MONDAY,
        ends_on=A_MONDAY,
        by=t["leader"],
    )

    assert absence.status == Absence.Status.APPROVED


def test_an_absence_overlapping_a_recorded_one_is_refused():
    t = team()
    kwargs = {"worker": t["worker"], "kind": "sickness", "by": t["leader"]}
    absence_record(starts_on=A_MONDAY, ends_on=A_MONDAY + dt.timedelta(days=2), **kwargs)

    with pytest.raises(ValidationError, match="already recorded"):
        absence_record(starts_on=A_MONDAY + dt.timedelta(days=1), ends_on=A_MONDAY, **kwargs)


def test_uncovered_sessions_are_the_absent_workers_in_the_next_two_weeks(frozen):
    t = team()
    worker = t["worker"]
    monday = placed_session(room=t["room"], workers=[worker], status=BOOKED)
    tuesday = placed_session(
        room=t["room"], workers=[worker], status=BOOKED, day=A_MONDAY + dt.timedelta(days=1)
    )
    placed_session(
        room=t["room"], workers=[worker], status=BOOKED, day=A_MONDAY + dt.timedelta(days=15)
    )
    colleague = WorkerFactory(area=t["area"], base_venue=t["venue"])
    placed_session(room=RoomFactory(venue=t["venue"]), workers=[colleague], status=BOOKED)
    absence = absence_record(
        worker=worker,
        kind="sickness",
        starts_on=A_MONDAY,
        ends_on=A_MONDAY + dt.timedelta(days=20),
        by=t["leader"],
    )

    assert list(uncovered_sessions(absence=absence)) == [monday, tuesday]


def _record_sickness_on_7_december(client, worker, **kwargs):
    """Post the team leader's absence page: `worker` off sick on Monday 7 December."""
    return client.post(
        reverse("desk:absence_new"),
        {
            "worker": worker.pk,
            "kind": "sickness",
            "starts_on": "2026-12-07",
            "ends_on": "2026-12-07",
        },
        **kwargs,
    )


def test_recording_sickness_through_the_page_shows_the_uncovered_sessions(client, frozen):
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]], status=BOOKED)
    client.force_login(t["leader"])

    response = _record_sickness_on_7_december(client, t["worker"], follow=True)

    assert response.status_code == 200
    assert [s.pk for s in response.context["uncovered"]] == [session.pk]
    assert "Re-plan these sessions" in response.content.decode()


def test_a_leader_cannot_record_an_absence_for_another_areas_worker(client):
    t, north = team(), team("north")
    client.force_login(t["leader"])

    response = _record_sickness_on_7_december(client, north["worker"])

    assert response.status_code == 200
    assert "worker" in response.context["form"].errors
    assert not Absence.objects.exists()


def _county():
    """A published, booked week: one venue, three rooms, four workers, six plans."""
    t = team()
    venue = t["venue"]
    RoomFactory(venue=venue)
    RoomFactory(venue=venue)
    workers = [t["worker"]] + [WorkerFactory(area=t["area"], base_venue=venue) for _ in range(3)]
    publish_solved_week(venue=venue, workers=workers, time_limit=5)
    ContactSession.objects.update(status=BOOKED)
    return t


def test_replanning_after_sickness_covers_the_sessions_and_asks_for_approval(
    client, frozen, eager_celery, django_capture_on_commit_callbacks
):
    t = _county()
    monday = SessionWorker.objects.filter(session__day=A_MONDAY).select_related("worker")
    sick = monday.first().worker
    sick_sessions = set(monday.filter(worker=sick).values_list("session_id", flat=True))
    client.force_login(t["leader"])
    response = client.post(
        reverse("desk:absence_new"),
        {"worker": sick.pk, "kind": "sickness", "starts_on": "2026-12-07", "ends_on": "2026-12-07"},
    )
    absence = Absence.objects.get()
    assert response.url == reverse("desk:absence_detail", args=[absence.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("desk:absence_replan", args=[absence.pk]))

    run = SolverRun.objects.get(trigger=SolverRun.Trigger.REPLAN)
    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    assert run.started_by == t["leader"]
    assert list(uncovered_sessions(absence=absence)) == []
    for session in ContactSession.objects.filter(pk__in=sick_sessions):
        assert session.status == ContactSession.Status.AWAITING_APPROVAL
        assert session.changed_in_replan
        assert sick not in session.workers.all()
    queue = client.get(reverse("desk:approvals"))
    assert {s.pk for _, items, _ in queue.context["days"] for s in items} == sick_sessions
    assert RotaWeek.objects.get().state == RotaWeek.State.PUBLISHED


def test_replanning_with_nothing_uncovered_starts_no_run(client, frozen):
    t = team()
    absence = absence_record(
        worker=t["worker"], kind="sickness", starts_on=A_MONDAY, ends_on=A_MONDAY, by=t["leader"]
    )
    client.force_login(t["leader"])

    client.post(reverse("desk:absence_replan", args=[absence.pk]))

    assert not SolverRun.objects.exists()


# --- leave requests -----------------------------------------------------------------------


def test_a_worker_asks_for_leave_and_the_leader_approves_it(client):
    t = team()
    client.force_login(t["worker"].user)
    client.post(
        reverse("mywork:my_leave"),
        {"kind": "leave", "starts_on": "2026-12-21", "ends_on": "2026-12-23", "note": "Xmas"},
    )
    absence = Absence.objects.get()
    assert absence.status == Absence.Status.REQUESTED
    assert absence.worker == t["worker"]

    client.force_login(t["leader"])
    area = client.get(reverse("desk:area")).content.decode()
    assert "Xmas" in area
    client.post(reverse("desk:absence_decide", args=[absence.pk]), {"decision": "approve"})

    absence.refresh_from_db()
    assert absence.status == Absence.Status.APPROVED


def test_a_leader_refuses_leave_and_cannot_decide_twice():
    t = team()
    absence = absence_request(
        worker=t["worker"], kind="leave", starts_on=A_MONDAY, ends_on=A_MONDAY
    )

    absence_decide(absence=absence, approve=False, by=t["leader"])

    with pytest.raises(ValidationError, match="already refused"):
        absence_decide(absence=absence, approve=True, by=t["leader"])


def test_a_worker_cannot_ask_twice_for_the_same_days():
    t = team()
    absence_request(worker=t["worker"], kind="leave", starts_on=A_MONDAY, ends_on=A_MONDAY)

    with pytest.raises(ValidationError):
        absence_request(worker=t["worker"], kind="leave", starts_on=A_MONDAY, ends_on=A_MONDAY)


def test_a_leader_cannot_decide_another_areas_leave(client):
    t, north = team(), team("north")
    absence = absence_request(
        worker=north["worker"], kind="leave", starts_on=A_MONDAY, ends_on=A_MONDAY
    )
    client.force_login(t["leader"])

    response = client.post(
        reverse("desk:absence_decide", args=[absence.pk]), {"decision": "approve"}
    )

    assert response.status_code == 404
    absence.refresh_from_db()
    assert absence.status == Absence.Status.REQUESTED


# --- cancellations ------------------------------------------------------------------------


def test_cancelling_frees_the_room_and_the_workers_time():
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]], status=BOOKED)

    cancelled, virtual = session_cancel(
        session=session, reason="carer_cancelled", note="Carer's car broke down", by=t["leader"]
    )

    assert virtual is None
    assert cancelled.status == ContactSession.Status.CANCELLED
    assert cancelled.cancel_reason == "carer_cancelled"
    assert cancelled.version == session.version + 1
    assert not SessionWorker.objects.filter(session=session, holds_time=True).exists()
    # The room and the worker can be booked again at that time.
    again = placed_session(room=t["room"], workers=[t["worker"]], status=BOOKED)
    assert again.room == session.room


def test_when_the_child_is_ill_a_virtual_session_takes_its_place():
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]], status=BOOKED)

    cancelled, virtual = session_cancel(
        session=session, reason="child_ill", by=t["leader"], offer_virtual=True
    )

    assert cancelled.status == ContactSession.Status.CANCELLED
    assert virtual.replaces == cancelled
    assert virtual.mode == "virtual"
    assert virtual.room is None
    assert (virtual.day, virtual.starts_at, virtual.ends_at) == (
        session.day,
        session.starts_at,
        session.ends_at,
    )
    assert virtual.status == BOOKED
    assert list(virtual.workers.all()) == [t["worker"]]


def test_a_virtual_stand_in_with_no_free_worker_goes_to_the_deputy():
    # Its own worker is always free once the session is cancelled, so this is the guard for a
    # worker taken elsewhere meanwhile: the stand-in waits on the deputy's board, unstaffed.
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]], status=BOOKED)
    busy = WorkerFactory(area=t["area"], base_venue=t["venue"])
    placed_session(room=RoomFactory(venue=t["venue"]), workers=[busy], status=BOOKED)
    cancelled, _ = session_cancel(session=session, reason="child_ill", by=t["leader"])

    virtual = _virtual_stand_in(cancelled=cancelled, worker_ids=[busy.pk], by=t["leader"])

    assert virtual.status == ContactSession.Status.PROPOSED
    assert not virtual.workers.exists()


def test_a_virtual_offer_is_only_for_an_ill_child():
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]], status=BOOKED)

    with pytest.raises(ValidationError):
        session_cancel(session=session, reason="venue_closed", by=t["leader"], offer_virtual=True)
    session.refresh_from_db()
    assert session.status == BOOKED


def test_a_completed_session_cannot_be_cancelled():
    t = team()
    session = placed_session(
        room=t["room"], workers=[t["worker"]], status=ContactSession.Status.COMPLETED
    )

    with pytest.raises(ValidationError, match="cannot be cancelled"):
        session_cancel(session=session, reason="other", by=t["leader"])


def test_cancelling_through_the_page_with_a_virtual_offer(client):
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]], status=BOOKED)
    client.force_login(t["leader"])
    url = reverse("desk:session_cancel", args=[session.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {"version": session.version, "reason": "child_ill", "note": "", "offer_virtual": "on"},
        follow=True,
    )

    assert "A virtual session is booked in its place." in response.content.decode()
    session.refresh_from_db()
    assert session.status == ContactSession.Status.CANCELLED
    assert session.replacements.get().mode == "virtual"


def test_a_leader_cannot_cancel_another_areas_session(client):
    t, north = team(), team("north")
    theirs = placed_session(room=north["room"], workers=[north["worker"]], status=BOOKED)
    client.force_login(t["leader"])

    response = client.post(
        reverse("desk:session_cancel", args=[theirs.pk]),
        {"version": theirs.version, "reason": "other"},
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BOOKED


def test_the_cancel_page_turns_away_a_completed_session(client):
    t = team()
    session = placed_session(
        room=t["room"], workers=[t["worker"]], status=ContactSession.Status.COMPLETED
    )
    client.force_login(t["leader"])

    response = client.get(reverse("desk:session_cancel", args=[session.pk]), follow=True)

    assert "session stays as it is" in response.content.decode()
    session.refresh_from_db()
    assert session.status == ContactSession.Status.COMPLETED


def test_replanning_at_two_keeps_the_mornings_held_session_and_replaces_the_afternoons(
    client, eager_celery, django_capture_on_commit_callbacks
):
    t = team()
    sick = t["worker"]
    colleague = WorkerFactory(area=t["area"], base_venue=t["venue"])
    working_weekdays([sick, colleague])
    RotaWeekFactory(week_start=A_MONDAY, state=RotaWeek.State.PUBLISHED)
    morning = placed_session(room=t["room"], workers=[sick], status=BOOKED, hour=10)
    afternoon = placed_session(room=t["room"], workers=[sick], status=BOOKED, hour=16)

    with time_machine.travel(aware(A_MONDAY, 14), tick=True):
        client.force_login(t["leader"])
        _record_sickness_on_7_december(client, sick)
        absence = Absence.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("desk:absence_replan", args=[absence.pk]))
        assert list(uncovered_sessions(absence=absence)) == []

    run = SolverRun.objects.get(trigger=SolverRun.Trigger.REPLAN)
    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    held = ContactSession.objects.get(pk=morning.pk)
    assert (held.starts_at, held.room, held.status) == (morning.starts_at, t["room"], BOOKED)
    assert list(held.workers.all()) == [sick]
    assert not held.changed_in_replan and held.version == morning.version
    replaced = ContactSession.objects.get(pk=afternoon.pk)
    assert sick not in replaced.workers.all()
    if replaced.is_placed:
        assert list(replaced.workers.all()) == [colleague]
        assert replaced.starts_at >= aware(A_MONDAY, 16)
    else:
        assert replaced.unplaced_reason
