"""Reads of sessions for the team leader's desk and the worker's own pages, scoped to the user.

A session belongs to one area, `ContactSession.objects.with_area()`: the one the approvals,
the area page, the board and the monthly report all use.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from referrals.models import Child
from scheduling.models import ContactSession, SessionRecord, SessionWorker
from staffing.models import Absence, Worker
from staffing.selectors import areas_led_by

# How far ahead a worker's own page and an absence's uncovered sessions look.
SESSIONS_AHEAD_DAYS = 14
CALENDAR_WEEKS_BACK = 4
CALENDAR_WEEKS_AHEAD = 8


def sessions_by_day(sessions) -> list[tuple[dt.date, list[ContactSession]]]:
    """Sessions (already in day order) grouped by day."""
    return [(day, list(items)) for day, items in groupby(sessions, key=lambda s: s.day)]


def _with_detail(queryset: QuerySet[ContactSession]) -> QuerySet[ContactSession]:
    return queryset.select_related(
        "room__venue", "plan__referral", "rota_week", "record", "approved_by"
    ).prefetch_related(
        Prefetch("staffing", queryset=SessionWorker.objects.select_related("worker")),
        Prefetch("plan__referral__children", queryset=Child.objects.order_by("pk")),
    )


def area_sessions(*, areas, start: dt.date, end: dt.date, statuses=None):
    """Sessions of the areas from `start` to `end` inclusive, with rooms, plans and workers."""
    queryset = ContactSession.objects.in_areas(areas).filter(day__gte=start, day__lte=end)
    if statuses is not None:
        queryset = queryset.filter(status__in=statuses)
    return _with_detail(queryset).order_by("day", "starts_at", "earliest_start", "pk")


def approvals_queue(*, areas):
    """Bookings awaiting approval in the areas, oldest day first."""
    return _with_detail(
        ContactSession.objects.in_areas(areas).filter(
            status=ContactSession.Status.AWAITING_APPROVAL
        )
    ).order_by("day", "starts_at", "pk")


def session_for_team_leader(*, user, pk: int) -> ContactSession:
    """A session in one of the user's areas, or 404."""
    areas = list(areas_led_by(user=user))
    return get_object_or_404(_with_detail(ContactSession.objects.in_areas(areas)), pk=pk)


def uncovered_sessions(*, absence: Absence, today: dt.date | None = None):
    """Sessions in the coming two weeks that the absent worker was due to staff.

    Not those already settled (started, held or recorded): the absence cannot undo them.
    """
    today = today or timezone.localdate()
    start = max(absence.starts_on, today)
    end = min(absence.ends_on, today + dt.timedelta(days=SESSIONS_AHEAD_DAYS))
    if start > end:
        return ContactSession.objects.none()
    return _with_detail(
        ContactSession.objects.live()
        .filter(
            staffing__worker=absence.worker,
            staffing__holds_time=True,
            day__gte=start,
            day__lte=end,
        )
        .exclude(ContactSession.settled_q())
    ).order_by("day", "starts_at", "pk")


def worker_sessions(*, worker: Worker, start: dt.date, end: dt.date):
    """The sessions the worker is on from `start` to `end` inclusive, never anyone else's."""
    return _with_detail(
        ContactSession.objects.seen_by_workers().filter(
            staffing__worker=worker,
            day__gte=start,
            day__lte=end,
            starts_at__isnull=False,
        )
    ).order_by("starts_at", "pk")


def session_for_worker(*, worker: Worker | None, pk: int) -> ContactSession:
    """One of the worker's own sessions, or 404 (others' sessions do not exist for them)."""
    if worker is None:
        raise Http404
    return get_object_or_404(
        _with_detail(ContactSession.objects.seen_by_workers().filter(staffing__worker=worker)),
        pk=pk,
    )


def record_for_worker(*, worker: Worker | None, pk: int) -> SessionRecord:
    if worker is None:
        raise Http404
    return get_object_or_404(
        SessionRecord.objects.select_related("session__room__venue").prefetch_related("addenda"),
        pk=pk,
        session__staffing__worker=worker,
    )


def calendar_sessions(*, worker: Worker, today: dt.date | None = None):
    """The worker's placed, non-cancelled sessions from 4 weeks back to 8 weeks ahead."""
    today = today or timezone.localdate()
    return (
        ContactSession.objects.live()
        .filter(
            staffing__worker=worker,
            staffing__holds_time=True,
            starts_at__isnull=False,
            day__gte=today - dt.timedelta(weeks=CALENDAR_WEEKS_BACK),
            day__lte=today + dt.timedelta(weeks=CALENDAR_WEEKS_AHEAD),
        )
        .select_related("room__venue", "plan")
        .order_by("starts_at", "pk")
    )


def sessions_changed_since(*, sessions, seen_at: dt.datetime | None) -> set[int]:
    """Ids of sessions moved by a re-plan, or changed after the user last looked."""
    return {
        s.pk
        for s in sessions
        if s.changed_in_replan or (seen_at is not None and s.updated_at > seen_at)
    }
