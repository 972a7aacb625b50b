"""Reads for team leaders' and contact workers' pages, scoped to what each may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import BigIntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from referrals.models import Child
from scheduling.models import ContactSession, SessionRecord, SessionWorker
from staffing.models import Absence, Worker
from venues.models import Area

# Sessions a worker may see: published to them (awaiting approval or later), or cancelled
# so they know not to go. Proposed sessions are the deputy's draft.
WORKER_VISIBLE_STATUSES = (
    ContactSession.Status.AWAITING_APPROVAL,
    ContactSession.Status.BOOKED,
    ContactSession.Status.COMPLETED,
    ContactSession.Status.DID_NOT_ATTEND,
    ContactSession.Status.CANCELLED,
)
# Sessions that still need someone to turn up (used for the calendar and for absences).
LIVE_STATUSES = (
    ContactSession.Status.AWAITING_APPROVAL,
    ContactSession.Status.BOOKED,
    ContactSession.Status.COMPLETED,
    ContactSession.Status.DID_NOT_ATTEND,
)
MY_SESSIONS_DAYS = 14
CALENDAR_WEEKS_BACK = 4
CALENDAR_WEEKS_AHEAD = 8


def areas_led_by(*, user) -> QuerySet[Area]:
    if not user.is_authenticated:
        return Area.objects.none()
    return Area.objects.filter(team_leader=user)


def worker_of(*, user) -> Worker | None:
    if not user.is_authenticated:
        return None
    return Worker.objects.filter(user=user, is_active=True).select_related("area").first()


def _first_child_area():
    return Subquery(
        Child.objects.filter(referrals=OuterRef("plan__referral")).order_by("pk").values("area")[:1]
    )


def sessions_with_area() -> QuerySet[ContactSession]:
    """Sessions annotated with `area_id`: the room's venue's area, else the first child's."""
    return ContactSession.objects.annotate(
        area_id=Coalesce(
            "room__venue__area_id", _first_child_area(), output_field=BigIntegerField()
        )
    )


def _with_detail(queryset: QuerySet[ContactSession]) -> QuerySet[ContactSession]:
    return queryset.select_related(
        "room__venue", "plan__referral", "rota_week", "record", "approved_by"
    ).prefetch_related(
        Prefetch("staffing", queryset=SessionWorker.objects.select_related("worker")),
        Prefetch("plan__referral__children", queryset=Child.objects.order_by("pk")),
    )


def area_sessions(*, areas, start: dt.date, end: dt.date, statuses=None):
    """Sessions of the areas from `start` to `end` inclusive, with rooms, plans and workers."""
    queryset = sessions_with_area().filter(
        area_id__in=[a.pk for a in areas], day__gte=start, day__lte=end
    )
    if statuses is not None:
        queryset = queryset.filter(status__in=statuses)
    return _with_detail(queryset).order_by("day", "starts_at", "earliest_start", "pk")


def approvals_queue(*, areas):
    """Bookings awaiting approval in the areas, oldest day first."""
    return _with_detail(
        sessions_with_area().filter(
            area_id__in=[a.pk for a in areas], status=ContactSession.Status.AWAITING_APPROVAL
        )
    ).order_by("day", "starts_at", "pk")


def session_for_team_leader(*, user, pk: int) -> ContactSession:
    """A session in one of the user's areas, or 404."""
    areas = list(areas_led_by(user=user))
    return get_object_or_404(
        _with_detail(sessions_with_area().filter(area_id__in=[a.pk for a in areas])), pk=pk
    )


def area_workers(*, areas) -> QuerySet[Worker]:
    return Worker.objects.filter(area__in=areas, is_active=True).select_related("area", "user")


def area_absences(*, areas, status: str | None = None, since: dt.date | None = None):
    queryset = Absence.objects.filter(worker__area__in=areas).select_related("worker")
    if status:
        queryset = queryset.filter(status=status)
    if since:
        queryset = queryset.filter(ends_on__gte=since)
    return queryset.order_by("starts_on", "worker__name")


def absence_for_team_leader(*, user, pk: int) -> Absence:
    return get_object_or_404(
        Absence.objects.select_related("worker__area"),
        pk=pk,
        worker__area__in=areas_led_by(user=user),
    )


def uncovered_sessions(*, absence: Absence, today: dt.date | None = None):
    """Sessions in the coming two weeks that the absent worker was due to staff."""
    today = today or timezone.localdate()
    start = max(absence.starts_on, today)
    end = min(absence.ends_on, today + dt.timedelta(days=MY_SESSIONS_DAYS))
    if start > end:
        return ContactSession.objects.none()
    return _with_detail(
        ContactSession.objects.filter(
            staffing__worker=absence.worker,
            staffing__holds_time=True,
            status__in=LIVE_STATUSES,
            day__gte=start,
            day__lte=end,
        )
    ).order_by("day", "starts_at", "pk")


def worker_sessions(*, worker: Worker, start: dt.date, end: dt.date):
    """The sessions the worker is on from `start` to `end` inclusive, never anyone else's."""
    return _with_detail(
        ContactSession.objects.filter(
            staffing__worker=worker,
            status__in=WORKER_VISIBLE_STATUSES,
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
        _with_detail(
            ContactSession.objects.filter(
                staffing__worker=worker, status__in=WORKER_VISIBLE_STATUSES
            )
        ),
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
        ContactSession.objects.filter(
            staffing__worker=worker,
            staffing__holds_time=True,
            status__in=LIVE_STATUSES,
            starts_at__isnull=False,
            day__gte=today - dt.timedelta(weeks=CALENDAR_WEEKS_BACK),
            day__lte=today + dt.timedelta(weeks=CALENDAR_WEEKS_AHEAD),
        )
        .select_related("room__venue")
        .order_by("starts_at", "pk")
    )


def worker_absences(*, worker: Worker):
    return Absence.objects.filter(worker=worker).order_by("-starts_on")


def sessions_changed_since(*, sessions, seen_at: dt.datetime | None) -> set[int]:
    """Ids of sessions moved by a re-plan, or changed after the user last looked."""
    return {
        s.pk
        for s in sessions
        if s.changed_in_replan or (seen_at is not None and s.updated_at > seen_at)
    }
