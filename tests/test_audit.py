"""The audit trail: who changed what and when, for every audited record, even bulk writes."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit import history_for
from scheduling.models import ContactSession, RotaWeek, SolverRun
from scheduling.services.solving import solver_run_create, solver_run_execute
from scheduling.services.weeks import rota_week_get
from tests.factories import (
    A_MONDAY,
    AbsenceFactory,
    ContactSessionFactory,
    SessionWorkerFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_solver")]


def test_saving_an_absence_records_the_change_with_old_and_new_values():
    absence = AbsenceFactory(note="")
    absence.note = "Hospital appointment"
    absence.save()

    entries = list(history_for(absence))
    assert [e.action for e in entries] == [LogEntry.Action.UPDATE, LogEntry.Action.CREATE]
    assert entries[0].changes_dict["note"] == ["", "Hospital appointment"]


def test_a_change_made_through_a_page_names_the_user_who_made_it(client):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    absence = AbsenceFactory(note="")
    client.force_login(admin)
    data = {
        "worker": absence.worker_id,
        "kind": absence.kind,
        "starts_on": absence.starts_on.isoformat(),
        "ends_on": absence.ends_on.isoformat(),
        "status": absence.status,
        "note": "Changed by the boss",
    }

    response = client.post(reverse("admin:staffing_absence_change", args=[absence.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = history_for(absence)[0]
    assert entry.actor == admin
    assert entry.changes_dict["note"] == ["", "Changed by the boss"]


def test_a_sessions_history_includes_its_staffing_even_once_removed():
    booking = SessionWorkerFactory()
    session = booking.session
    booking.delete()

    kinds = {(e.content_type.model, e.action) for e in history_for(session)}
    assert ("sessionworker", LogEntry.Action.CREATE) in kinds
    assert ("sessionworker", LogEntry.Action.DELETE) in kinds
    assert ("contactsession", LogEntry.Action.CREATE) in kinds


def test_the_solvers_bulk_write_leaves_one_entry_per_changed_session_naming_the_run(county):
    starter = UserFactory(username="deputy-audit")
    rota_week = rota_week_get(week_start=A_MONDAY)
    run = solver_run_create(
        rota_week=rota_week, trigger=SolverRun.Trigger.COMMAND, started_by=starter
    )

    run = solver_run_execute(run_id=run.pk)

    assert run.status == SolverRun.Status.SUCCEEDED, run.error
    for session in ContactSession.objects.all():
        written = [e for e in history_for(session) if e.additional_data]
        assert len(written) == 1, session
        entry = written[0]
        assert entry.additional_data["solver_run"] == run.pk
        assert entry.actor == starter
        old, new = entry.changes_dict["placement"]
        assert old == "unplaced" and "room sandy-bank-" in new
    week_entry = history_for(RotaWeek.objects.get())[0]
    assert week_entry.changes_dict["state"] == ["draft", "proposed"]
    assert len(week_entry.additional_data["sessions_changed"]) == 6


def test_the_history_partial_shows_who_and_what_changed():
    user = UserFactory(first_name="Jade", last_name="Davies")
    session = ContactSessionFactory()
    LogEntry.objects.filter(object_pk=str(session.pk)).update(actor=user)
    session.cancel_note = "Carer phoned"
    session.save()

    html = render_to_string("audit/_history.html", {"entries": history_for(session)})

    assert "Jade Davies" in html
    assert "Carer phoned" in html


def test_the_log_is_read_only_in_the_admin_even_for_a_superuser(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    entry = LogEntry.objects.get_for_object(AbsenceFactory()).get()

    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert b'name="_save"' not in page.content
    client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"})
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_a_staff_user_without_the_view_permission_cannot_read_the_log(client):
    client.force_login(UserFactory(username="clerk", is_staff=True))

    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403


def test_an_audited_models_admin_has_an_audit_log_page_for_those_who_may_view_it(client):
    absence = AbsenceFactory(note="first")
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_absence"))
    client.force_login(viewer)

    page = client.get(reverse("admin:staffing_absence_auditlog", args=[absence.pk]))

    assert page.status_code == 200
    assert b"first" in page.content


def test_a_workers_calendar_token_is_never_written_into_the_log():
    from staffing.services import worker_calendar_regenerate
    from tests.factories import WorkerFactory

    worker = worker_calendar_regenerate(worker=WorkerFactory())

    entry = history_for(worker)[0]
    old, new = entry.changes_dict["calendar_token"]
    assert worker.calendar_token not in new
    assert worker.calendar_token not in str(entry.serialized_data or "")


def test_approving_a_session_on_the_page_is_logged_with_the_team_leader_as_actor(client):
    from tests.builders import placed_session, team

    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])
    client.force_login(t["leader"])

    response = client.post(reverse("desk:approve", args=[session.pk]), {"version": session.version})

    assert response.status_code in (200, 302)
    entry = history_for(session)[0]
    assert entry.actor == t["leader"]
    assert entry.changes_dict["status"] == ["awaiting_approval", "booked"]


# --- bulk writes in the board's services, logged by hand -----------------------------------


def test_publishing_a_week_leaves_an_entry_on_each_session_sent_for_approval():
    from scheduling.services.board import rota_week_publish
    from tests.factories import RoomFactory

    session = ContactSessionFactory(
        starts_at=timezone.make_aware(dt.datetime.combine(A_MONDAY, dt.time(16))),
        room=RoomFactory(),
    )
    RotaWeek.objects.filter(pk=session.rota_week_id).update(state=RotaWeek.State.PROPOSED)

    rota_week_publish(rota_week=session.rota_week, by=UserFactory(username="deputy"))

    assert history_for(session)[0].changes_dict.get("status") == [
        "proposed",
        "awaiting_approval",
    ]


def test_moving_a_session_by_hand_logs_the_staff_it_now_has(county):
    from scheduling.services.board import session_move

    session = ContactSession.objects.filter(day=A_MONDAY).first()
    RotaWeek.objects.update(state=RotaWeek.State.PROPOSED)

    session_move(
        session=session,
        start=dt.time(16),
        room=county["rooms"][0],
        workers=[county["workers"][0]],
        by=UserFactory(username="deputy"),
    )

    added = [
        e
        for e in history_for(session)
        if e.content_type.model == "sessionworker" and e.action == LogEntry.Action.CREATE
    ]
    assert added
