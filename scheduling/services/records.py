"""The session record: drafted, submitted once, then only added to (it is court evidence)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lib.weeks import add_working_days
from scheduling.models import ContactSession, SessionRecord, SessionRecordAddendum

WORKING_DAYS_TO_SUBMIT = 2
NOT_ATTENDED = (SessionRecord.Attendance.PARENT_DNA, SessionRecord.Attendance.CHILD_DNA)


class RecordSubmittedError(PermissionDenied):
    """A submitted record is never changed."""


def record_due_on(session: ContactSession) -> dt.date:
    """The last day the record may be submitted: two working days after the session."""
    return add_working_days(session.day, WORKING_DAYS_TO_SUBMIT)


def record_is_late(session: ContactSession, *, today: dt.date | None = None) -> bool:
    """Due and not submitted in time (or submitted after it was due)."""
    if not session.can_record:
        return False
    due = record_due_on(session)
    try:
        record = session.record
    except SessionRecord.DoesNotExist:
        record = None
    if record is not None and record.submitted_at:
        return timezone.localdate(record.submitted_at) > due
    return (today or timezone.localdate()) > due


def _check_session(session: ContactSession) -> None:
    if not session.can_record:
        raise ValidationError(
            f"A {session.get_status_display().lower()} session has no record to write."
        )
    if not session.is_placed or session.starts_at > timezone.now():
        raise ValidationError("The record can be written once the session has started.")


def session_record_save(
    *,
    session: ContactSession,
    author,
    attendance: str,
    actual_start: dt.time | None = None,
    actual_end: dt.time | None = None,
    observations: str = "",
    concerns: str = "",
    submit: bool = False,
) -> SessionRecord:
    """Save the worker's draft record, or submit it; a submitted record is refused."""
    with transaction.atomic():
        locked = ContactSession.objects.select_for_update().get(pk=session.pk)
        _check_session(locked)
        record = SessionRecord.objects.filter(session=locked).first()
        if record is not None and record.submitted_at:
            raise RecordSubmittedError(
                "The record was submitted and cannot be changed; add an addendum instead."
            )
        if record is None:
            record = SessionRecord(session=locked, author=author)
        record.attendance = attendance
        record.actual_start = actual_start
        record.actual_end = actual_end
        record.observations = observations
        record.concerns = concerns
        if actual_start and actual_end and actual_end <= actual_start:
            raise ValidationError({"actual_end": "The session must end after it starts."})
        if submit:
            if not observations.strip():
                raise ValidationError(
                    {"observations": "Write what you observed before submitting."}
                )
            if not (actual_start and actual_end) and attendance not in NOT_ATTENDED:
                raise ValidationError(
                    {"actual_start": "Give the times the session started and ended."}
                )
            record.submitted_at = timezone.now()
        record.full_clean()
        record.save()
        if submit and locked.status in (
            ContactSession.Status.BOOKED,
            ContactSession.Status.AWAITING_APPROVAL,
        ):
            locked.status = (
                ContactSession.Status.DID_NOT_ATTEND
                if attendance in NOT_ATTENDED
                else ContactSession.Status.COMPLETED
            )
            locked.version += 1
            locked.save(update_fields=["status", "version", "updated_at"])
        return record


def record_addendum_create(*, record: SessionRecord, author, text: str) -> SessionRecordAddendum:
    """Add to a submitted record, with the addendum's own author and time."""
    text = (text or "").strip()
    with transaction.atomic():
        locked = SessionRecord.objects.select_for_update().get(pk=record.pk)
        if not locked.submitted_at:
            raise ValidationError("The record is still a draft; change the draft instead.")
        addendum = SessionRecordAddendum(record=locked, author=author, text=text)
        addendum.full_clean()
        addendum.save()
        return addendum
