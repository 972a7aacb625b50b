"""Writes for staff: absences and leave requests, calendar feed tokens, disabling accounts.

Re-planning the weeks an absence uncovers is the rota's: `scheduling.services.solving`.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from staffing.models import Absence, Worker


def _absence_add(
    *,
    worker: Worker,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str,
    status: str,
    clashes_with: list[str],
    refusal: str,
) -> Absence:
    """Save an absence, refused with `refusal` where an absence of the worker's in one of the
    statuses `clashes_with` already covers some of its days (the worker locked meanwhile)."""
    with transaction.atomic():
        Worker.objects.select_for_update().get(pk=worker.pk)
        if Absence.objects.filter(
            worker=worker,
            status__in=clashes_with,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        ).exists():
            raise ValidationError(refusal)
        absence = Absence(
            worker=worker,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
            status=status,
        )
        absence.full_clean()
        absence.save()
        return absence


def absence_record(
    *,
    worker: Worker,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
    by,
) -> Absence:
    """A team leader records sickness or leave for one of their workers: approved at once."""
    return _absence_add(
        worker=worker,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        status=Absence.Status.APPROVED,
        clashes_with=[Absence.Status.APPROVED],
        refusal=f"{worker} is already recorded as away on some of those days.",
    )


def absence_request(
    *, worker: Worker, kind: str, starts_on: dt.date, ends_on: dt.date, note: str = ""
) -> Absence:
    """A worker asks for leave; their team leader approves or refuses it."""
    return _absence_add(
        worker=worker,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        status=Absence.Status.REQUESTED,
        clashes_with=[Absence.Status.REQUESTED, Absence.Status.APPROVED],
        refusal="You have already asked for, or been given, some of those days.",
    )


def absence_decide(*, absence: Absence, approve: bool, by) -> Absence:
    """Approve or refuse a requested absence."""
    with transaction.atomic():
        locked = Absence.objects.select_for_update().get(pk=absence.pk)
        if locked.status != Absence.Status.REQUESTED:
            raise ValidationError(
                f"That request was already {locked.get_status_display().lower()}."
            )
        locked.status = Absence.Status.APPROVED if approve else Absence.Status.REFUSED
        locked.full_clean()
        locked.save(update_fields=["status"])
        return locked


def worker_calendar_regenerate(*, worker: Worker) -> Worker:
    """A new secret for the worker's feed; the old URL stops working at once."""
    worker.calendar_token = secrets.token_urlsafe(32)
    worker.save(update_fields=["calendar_token"])
    return worker


def worker_calendar_revoke(*, worker: Worker) -> Worker:
    worker.calendar_token = None
    worker.save(update_fields=["calendar_token"])
    return worker


@transaction.atomic
def accounts_disable(*, users, by) -> int:
    """Deactivate the accounts and end their open sessions, so nobody stays logged in as them.

    Returns how many accounts were active before. The user that asks is never disabled.
    """
    ids = {user.pk for user in users} - {getattr(by, "pk", None)}
    User = get_user_model()
    targets = list(User.objects.select_for_update().filter(pk__in=ids))
    was_active = 0
    for user in targets:
        if user.is_active:
            was_active += 1
            user.is_active = False
            user.save(update_fields=["is_active"])  # saved one by one: the audit trail sees it
    # Sessions are stored signed and encoded: read each live one to find whose it is.
    wanted = {str(pk) for pk in ids}
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") in wanted
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return was_active
