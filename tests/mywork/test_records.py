"""The session record: drafted, submitted once, due in two working days, then only added to."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from scheduling.models import ContactSession, SessionRecord, SessionRecordAddendum
from scheduling.services.records import (
    RecordSubmittedError,
    add_working_days,
    record_addendum_create,
    record_due_on,
    record_is_late,
    session_record_save,
)
from tests.builders import placed_session, team
from tests.factories import A_MONDAY

pytestmark = pytest.mark.django_db

THURSDAY = A_MONDAY + dt.timedelta(days=3)
AFTER_THE_SESSION = dt.datetime(2026, 12, 10, 18, 0, tzinfo=dt.UTC)  # Thursday 18:00
RECORD = {
    "attendance": SessionRecord.Attendance.ATTENDED,
    "actual_start": dt.time(16, 5),
    "actual_end": dt.time(17, 30),
    "observations": "Warm greeting; they played with the train set.",
    "concerns": "",
}


@pytest.fixture
def booked():
    t = team()
    session = placed_session(
        room=t["room"], workers=[t["worker"]], day=THURSDAY, status=ContactSession.Status.BOOKED
    )
    return t, session


def test_two_working_days_skip_the_weekend():
    assert add_working_days(THURSDAY, 2) == A_MONDAY + dt.timedelta(days=7)
    assert add_working_days(A_MONDAY, 2) == A_MONDAY + dt.timedelta(days=2)


def test_a_record_is_due_two_working_days_after_the_session(booked):
    _, session = booked

    assert record_due_on(session) == dt.date(2026, 12, 14)


def test_an_unsubmitted_record_is_late_after_its_due_day(booked):
    _, session = booked

    assert not record_is_late(session, today=dt.date(2026, 12, 14))
    assert record_is_late(session, today=dt.date(2026, 12, 15))


def test_a_draft_can_be_saved_and_changed(booked):
    t, session = booked
    user = t["worker"].user

    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        session_record_save(session=session, author=user, **{**RECORD, "observations": "first"})
        record = session_record_save(session=session, author=user, **RECORD)

    assert record.submitted_at is None
    assert record.observations == RECORD["observations"]
    assert SessionRecord.objects.count() == 1


def test_submitting_completes_the_session_and_stamps_the_record(booked):
    t, session = booked

    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        record = session_record_save(
            session=session, author=t["worker"].user, submit=True, **RECORD
        )

    assert record.submitted_at == AFTER_THE_SESSION
    session.refresh_from_db()
    assert session.status == ContactSession.Status.COMPLETED


def test_a_parent_who_did_not_attend_marks_the_session_so(booked):
    t, session = booked
    record = {**RECORD, "attendance": SessionRecord.Attendance.PARENT_DNA}

    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        session_record_save(session=session, author=t["worker"].user, submit=True, **record)

    session.refresh_from_db()
    assert session.status == ContactSession.Status.DID_NOT_ATTEND


def test_a_submitted_record_cannot_be_changed(booked):
    t, session = booked
    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        session_record_save(session=session, author=t["worker"].user, submit=True, **RECORD)

        with pytest.raises(RecordSubmittedError):
            session_record_save(
                session=session, author=t["worker"].user, **{**RECORD, "observations": "edited"}
            )

    assert SessionRecord.objects.get().observations == RECORD["observations"]


def test_submitting_needs_observations_and_times(booked):
    t, session = booked
    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        with pytest.raises(ValidationError):
            session_record_save(
                session=session,
                author=t["worker"].user,
                submit=True,
                **{**RECORD, "observations": ""},
            )
        with pytest.raises(ValidationError):
            session_record_save(
                session=session,
                author=t["worker"].user,
                submit=True,
                **{**RECORD, "actual_end": None},
            )


def test_no_record_before_the_session_starts(booked):
    t, session = booked

    morning = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)
    with (
        time_machine.travel(morning, tick=False),
        pytest.raises(ValidationError, match="once the session has started"),
    ):
        session_record_save(session=session, author=t["worker"].user, **RECORD)


def test_no_record_for_a_cancelled_session(booked):
    t, session = booked
    ContactSession.objects.filter(pk=session.pk).update(status=ContactSession.Status.CANCELLED)
    session.refresh_from_db()

    with time_machine.travel(AFTER_THE_SESSION, tick=False), pytest.raises(ValidationError):
        session_record_save(session=session, author=t["worker"].user, **RECORD)


def test_an_addendum_keeps_its_own_author_and_time(booked):
    t, session = booked
    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        record = session_record_save(
            session=session, author=t["worker"].user, submit=True, **RECORD
        )
    later = AFTER_THE_SESSION + dt.timedelta(days=1)

    with time_machine.travel(later, tick=False):
        addendum = record_addendum_create(
            record=record, author=t["leader"], text="Mother phoned afterwards."
        )

    assert addendum.author == t["leader"]
    assert addendum.created_at == later
    record.refresh_from_db()
    assert record.observations == RECORD["observations"]


def test_no_addendum_to_a_draft(booked):
    t, session = booked
    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        record = session_record_save(session=session, author=t["worker"].user, **RECORD)

        with pytest.raises(ValidationError, match="still a draft"):
            record_addendum_create(record=record, author=t["worker"].user, text="More")


# --- views --------------------------------------------------------------------------------


def _form(**overrides):
    data = {**RECORD, **overrides}
    data["actual_start"] = data["actual_start"].strftime("%H:%M") if data["actual_start"] else ""
    data["actual_end"] = data["actual_end"].strftime("%H:%M") if data["actual_end"] else ""
    return data


def test_the_worker_saves_a_draft_then_submits_through_the_page(booked, client):
    t, session = booked
    url = reverse("mywork:my_record", args=[session.pk])

    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        client.force_login(t["worker"].user)  # inside: the session cookie expires in 2 weeks
        assert client.get(url).status_code == 200
        client.post(url, {**_form(observations="draft"), "action": "draft"})
        assert SessionRecord.objects.get().submitted_at is None
        page = client.get(url)
        assert page.context["form"].initial["observations"] == "draft"
        response = client.post(url, {**_form(), "action": "submit"})

    assert response.status_code == 302
    assert SessionRecord.objects.get().submitted_at == AFTER_THE_SESSION


def test_a_submitted_record_page_redirects_with_a_message(booked, client):
    t, session = booked
    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        session_record_save(session=session, author=t["worker"].user, submit=True, **RECORD)
    client.force_login(t["worker"].user)
    url = reverse("mywork:my_record", args=[session.pk])

    response = client.post(url, {**_form(observations="changed"), "action": "submit"}, follow=True)

    assert "cannot be changed" in response.content.decode()
    assert SessionRecord.objects.get().observations == RECORD["observations"]


def test_submit_without_observations_shows_the_error_on_the_form(booked, client):
    t, session = booked
    url = reverse("mywork:my_record", args=[session.pk])

    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        client.force_login(t["worker"].user)
        response = client.post(url, {**_form(observations=""), "action": "submit"})

    assert response.status_code == 200
    assert "observations" in response.context["form"].errors
    assert not SessionRecord.objects.exists()


def test_the_worker_adds_an_addendum_through_the_page(booked, client):
    t, session = booked
    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        record = session_record_save(
            session=session, author=t["worker"].user, submit=True, **RECORD
        )
    client.force_login(t["worker"].user)

    response = client.post(
        reverse("mywork:record_addendum", args=[record.pk]), {"text": "Forgot: gift given."}
    )

    assert response.status_code == 302
    addendum = SessionRecordAddendum.objects.get()
    assert addendum.author == t["worker"].user
    detail = client.get(reverse("mywork:my_session", args=[session.pk])).content.decode()
    assert "Forgot: gift given." in detail


def test_another_worker_cannot_see_or_write_the_record(booked, client):
    t, session = booked
    other = team("north")["worker"]
    with time_machine.travel(AFTER_THE_SESSION, tick=False):
        record = session_record_save(
            session=session, author=t["worker"].user, submit=True, **RECORD
        )
    client.force_login(other.user)

    assert client.get(reverse("mywork:my_record", args=[session.pk])).status_code == 404
    assert (
        client.post(reverse("mywork:record_addendum", args=[record.pk]), {"text": "x"}).status_code
        == 404
    )
    assert not SessionRecordAddendum.objects.exists()
