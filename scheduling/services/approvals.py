"""A team leader's approval of the bookings the deputy published for their area."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scheduling.models import ContactSession


class StaleSessionError(ValidationError):
    """The session changed after the page showing it was loaded."""


def _locked(*, session_id: int, version: int | None) -> ContactSession:
    session = ContactSession.objects.select_for_update().get(pk=session_id)
    if version is not None and session.version != version:
        raise StaleSessionError(
            f"The session on {session.day:%a %d %b} changed since you loaded the page; "
            "look at it again before deciding."
        )
    return session


def _approve(*, session: ContactSession, by) -> ContactSession:
    if session.status != ContactSession.Status.AWAITING_APPROVAL:
        raise ValidationError(
            f"The session on {session.day:%a %d %b} is {session.get_status_display().lower()}, "
            "not awaiting approval."
        )
    if not session.is_placed or not session.staffing.filter(holds_time=True).exists():
        raise ValidationError(
            f"The session on {session.day:%a %d %b} has no time, room or worker; "
            "return it to the deputy instead."
        )
    session.status = ContactSession.Status.BOOKED
    session.approved_by = by
    session.approved_at = timezone.now()
    session.return_reason = ""
    session.version += 1  # the row is locked
    session.full_clean()
    session.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "return_reason",
            "version",
            "updated_at",
        ]
    )
    return session


def session_approve(*, session: ContactSession, by, version: int | None = None) -> ContactSession:
    """Book a session awaiting approval; refused if it changed since `version` was read."""
    with transaction.atomic():
        locked = _locked(session_id=session.pk, version=version)
        return _approve(session=locked, by=by)


def session_return(
    *, session: ContactSession, by, reason: str, version: int | None = None
) -> ContactSession:
    """Send a booking back to the deputy's board with the team leader's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the booking is returned."})
    with transaction.atomic():
        locked = _locked(session_id=session.pk, version=version)
        if locked.status != ContactSession.Status.AWAITING_APPROVAL:
            raise ValidationError(
                f"The session on {locked.day:%a %d %b} is "
                f"{locked.get_status_display().lower()}, not awaiting approval."
            )
        locked.status = ContactSession.Status.PROPOSED
        locked.return_reason = reason[:300]
        locked.approved_by = None
        locked.approved_at = None
        locked.version += 1  # the row is locked
        locked.save(
            update_fields=[
                "status",
                "return_reason",
                "approved_by",
                "approved_at",
                "version",
                "updated_at",
            ]
        )
        return locked


def sessions_approve_day(
    *, day: dt.date, seen: dict[int, int], allowed_ids: set[int], by
) -> list[ContactSession]:
    """Approve every booking of a day the user saw, all or none.

    `seen` maps session id to the version shown on the page; `allowed_ids` are the ids the
    user may approve (their area's queue). A session that changed since, or that is not the
    user's to approve, refuses the whole day so nothing is approved unseen.
    """
    if not seen:
        raise ValidationError("There is nothing to approve on that day.")
    stray = set(seen) - allowed_ids
    if stray:
        raise ValidationError("Some of those sessions are not awaiting your approval.")
    with transaction.atomic():
        approved = []
        for session_id in sorted(seen):  # a fixed order, so two requests cannot deadlock
            locked = _locked(session_id=session_id, version=seen[session_id])
            if locked.day != day:
                raise ValidationError(f"A session is not on {day:%a %d %b}.")
            approved.append(_approve(session=locked, by=by))
        return approved
