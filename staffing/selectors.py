"""Reads of staff: who leads which area, who a user is as a worker, absences."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from staffing.models import Absence, Worker
from venues.models import Area


def areas_led_by(*, user) -> QuerySet[Area]:
    if not user.is_authenticated:
        return Area.objects.none()
    return Area.objects.filter(team_leader=user)


def areas_for_user(*, user) -> QuerySet[Area]:
    """The areas whose cases a user works: the county for those who plan its rota (deputy,
    administrator), otherwise the areas they lead (need to know)."""
    if user.is_authenticated and user.has_perm("scheduling.plan_rota"):
        return Area.objects.all()
    return areas_led_by(user=user)


def groups_grantable_by(*, user) -> QuerySet[Group]:
    """The groups (roles) a user may hand on: those whose every permission they hold
    themselves; any group for a superuser. Handing on more would be a way up."""
    if not (user.is_authenticated and user.is_active):
        return Group.objects.none()
    if user.is_superuser:
        return Group.objects.all()
    held = Permission.objects.filter(Q(user=user) | Q(group__user=user))
    return Group.objects.exclude(permissions__in=Permission.objects.exclude(pk__in=held))


def worker_of(*, user) -> Worker | None:
    if not user.is_authenticated:
        return None
    return Worker.objects.filter(user=user, is_active=True).select_related("area").first()


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


def worker_absences(*, worker: Worker):
    return Absence.objects.filter(worker=worker).order_by("-starts_on")
