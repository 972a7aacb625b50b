"""Stopping sessions not yet held: one cancelled by a team leader, or all those of an ended plan.

A virtual session may take the place of one cancelled because the child is ill.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from scheduling.models import ContactSession, SessionWorker


def sessions_stop(*, sessions: QuerySet[ContactSession], reason: str, note: str = ""):
    """Cancel those of `sessions` not yet held and free their workers' time.

    Held sessions are left as they were: their records are evidence. Returns the cancelled
    sessions, locked until the transaction ends. Rows are saved one by one rather than with
    update(), so the audit trail sees each change.
    """
    with transaction.atomic():
        stopped = list(sessions.not_yet_held().select_for_update())
        for session in stopped:
            session.status = ContactSession.Status.CANCELLED
            session.cancel_reason = reason
            session.cancel_note = (note or "").strip()[:200]
            session.version += 1  # the row is locked
            session.save(
                update_fields=["status", "cancel_reason", "cancel_note", "version", "updated_at"]
            )
        for staff in SessionWorker.objects.filter(session__in=stopped, holds_time=True):
            staff.holds_time = False
            staff.save(update_fields=["holds_time"])
        return stopped


def _worker_free(*, worker_id: int, busy_from, busy_to) -> bool:
    return not SessionWorker.objects.filter(
        worker_id=worker_id, holds_time=True, busy_from__lt=busy_to, busy_to__gt=busy_from
    ).exists()


def _virtual_stand_in(*, cancelled: ContactSession, worker_ids: list[int], by) -> ContactSession:
    """A virtual session at the cancelled one's time, with whichever of its workers are free."""
    if not cancelled.is_placed:
        raise ValidationError("A session with no time cannot be replaced by a virtual one.")
    free = [
        w
        for w in worker_ids
        if _worker_free(worker_id=w, busy_from=cancelled.starts_at, busy_to=cancelled.ends_at)
    ]
    now = timezone.now()
    virtual = ContactSession(
        rota_week=cancelled.rota_week,
        plan=cancelled.plan,
        slot=None,  # the slot's one session that day is the cancelled one
        day=cancelled.day,
        earliest_start=cancelled.earliest_start,
        latest_start=cancelled.latest_start,
        preferred_start=cancelled.preferred_start,
        duration_minutes=cancelled.duration_minutes,
        mode="virtual",
        starts_at=cancelled.starts_at,
        ends_at=cancelled.ends_at,
        room=None,
        replaces=cancelled,
        # With no free worker the deputy has to staff it, so it goes to their board.
        status=ContactSession.Status.BOOKED if free else ContactSession.Status.PROPOSED,
        approved_by=by if free else None,
        approved_at=now if free else None,
        unplaced_reason="" if free else "Virtual stand-in: none of its workers is free.",
    )
    virtual.full_clean()
    virtual.save()
    for worker_id in free:
        row = SessionWorker(
            session=virtual,
            worker_id=worker_id,
            busy_from=virtual.starts_at,
            busy_to=virtual.ends_at,
        )
        row.full_clean(exclude=["session"])
        row.save()
    return virtual


def session_cancel(
    *,
    session: ContactSession,
    reason: str,
    note: str = "",
    by,
    version: int | None = None,
    offer_virtual: bool = False,
) -> tuple[ContactSession, ContactSession | None]:
    """Cancel a session, freeing its room and its workers' time.

    With `offer_virtual` (only when the child is ill) a virtual session takes its place in the
    same transaction. Returns (cancelled, virtual or None).
    """
    if reason not in ContactSession.CancelReason.values:
        raise ValidationError({"reason": "Choose why the session is cancelled."})
    if offer_virtual and reason != ContactSession.CancelReason.CHILD_ILL:
        raise ValidationError("A virtual session is offered only when the child is ill.")
    with transaction.atomic():
        locked = ContactSession.objects.select_for_update().get(pk=session.pk)
        if version is not None and locked.version != version:
            raise ValidationError("The session changed since you loaded the page; look again.")
        if not locked.can_cancel:
            raise ValidationError(
                f"A {locked.get_status_display().lower()} session cannot be cancelled."
            )
        if offer_virtual and locked.mode == "virtual":
            raise ValidationError("The session is already virtual.")
        worker_ids = list(
            locked.staffing.filter(holds_time=True).values_list("worker_id", flat=True)
        )
        [locked] = sessions_stop(
            sessions=ContactSession.objects.filter(pk=locked.pk), reason=reason, note=note
        )
        virtual = None
        if offer_virtual:
            virtual = _virtual_stand_in(cancelled=locked, worker_ids=worker_ids, by=by)
        return locked, virtual
