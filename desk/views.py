"""The team leader's desk: approvals, the area at a glance, absences and cancellations.

The deputy team leader, who deputises for team leaders, uses the same pages for the areas
they lead.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import history_for
from lib.weeks import monday_of, week_days
from scheduling.dates import DateOutOfRange, day_from_query
from scheduling.models import ContactSession, SolverRun
from scheduling.selectors import sessions as session_selectors
from scheduling.selectors.sessions import sessions_by_day
from scheduling.services import approvals, cancellations
from scheduling.services.solving import weeks_replan
from staffing import selectors as staff_selectors
from staffing import services as staff_services
from staffing.models import Absence

from .forms import (
    AbsenceDecisionForm,
    AbsenceRecordForm,
    ApproveDayForm,
    ApproveForm,
    CancelForm,
    ReturnForm,
)

SEEN_KEY = "approvals_seen_at"


def _led_areas(request) -> list:
    """The areas the user leads; 403 for anyone who is not a team leader of an area."""
    if not request.user.has_perm("scheduling.change_contactsession"):
        raise PermissionDenied
    areas = list(staff_selectors.areas_led_by(user=request.user))
    if not areas:
        raise PermissionDenied
    return areas


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- team leaders: approvals --------------------------------------------------------------


@require_GET
def approvals_queue(request):
    areas = _led_areas(request)
    sessions = list(session_selectors.approvals_queue(areas=areas))
    seen_raw = request.session.get(SEEN_KEY)
    seen_at = parse_datetime(seen_raw) if seen_raw else None
    changed = session_selectors.sessions_changed_since(sessions=sessions, seen_at=seen_at)
    request.session[SEEN_KEY] = timezone.now().isoformat()
    days = [
        (day, items, ",".join(f"{s.pk}:{s.version}" for s in items))
        for day, items in sessions_by_day(sessions)
    ]
    return render(
        request,
        "desk/approvals.html",
        {"areas": areas, "days": days, "changed": changed, "count": len(sessions)},
    )


def _queue_session(request, pk: int) -> ContactSession:
    areas = _led_areas(request)
    session = session_selectors.session_for_team_leader(user=request.user, pk=pk)
    if not any(a.pk == session.area_id for a in areas):  # pragma: no cover - belt and braces
        raise Http404
    return session


@require_POST
def approval_approve(request, pk: int):
    session = _queue_session(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The approval was not understood; try again.")
        return redirect("desk:approvals")
    try:
        approvals.session_approve(
            session=session, by=request.user, version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Booked: {session.day:%a %d %b} {_when(session)}.")
    return redirect("desk:approvals")


@require_POST
def approval_return(request, pk: int):
    session = _queue_session(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the booking is returned.")
        return redirect("desk:approvals")
    try:
        approvals.session_return(
            session=session,
            by=request.user,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Returned to the deputy: {session.day:%a %d %b}.")
    return redirect("desk:approvals")


@require_POST
def approvals_approve_day(request):
    areas = _led_areas(request)
    form = ApproveDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The day's approval was not understood; try again.")
        return redirect("desk:approvals")
    allowed = set(session_selectors.approvals_queue(areas=areas).values_list("pk", flat=True))
    day = form.cleaned_data["day"]
    try:
        done = approvals.sessions_approve_day(
            day=day, seen=form.cleaned_data["seen"], allowed_ids=allowed, by=request.user
        )
    except ValidationError as error:
        messages.error(request, f"Nothing on {day:%a %d %b} was approved: {_error_text(error)}")
    else:
        messages.success(request, f"Booked all {len(done)} sessions on {day:%a %d %b}.")
    return redirect("desk:approvals")


def _when(session: ContactSession) -> str:
    if not session.starts_at:
        return "unplaced"
    return f"{timezone.localtime(session.starts_at):%H:%M}"


# --- team leaders: the area at a glance, absences, cancellations --------------------------


@require_GET
def area_glance(request):
    areas = _led_areas(request)
    today = timezone.localdate()
    day, status = today, 200
    if request.GET.get("day"):
        try:
            day = day_from_query(request.GET["day"])
        except DateOutOfRange as error:
            # The page for today, saying why: the leader's slip in the address is not ours.
            messages.error(request, str(error))
            status = 400
    span = "week" if request.GET.get("span") == "week" else "day"
    if span == "week":
        start = monday_of(day)
        end = week_days(start)[-1]
    else:
        start = end = day
    sessions = list(session_selectors.area_sessions(areas=areas, start=start, end=end))
    step = dt.timedelta(weeks=1) if span == "week" else dt.timedelta(days=1)
    load: dict[int, int] = {}
    for session in sessions:
        if session.status != ContactSession.Status.CANCELLED:
            for row in session.staffing.all():
                load[row.worker_id] = load.get(row.worker_id, 0) + 1
    away = set(
        Absence.objects.filter(
            worker__area__in=areas,
            status=Absence.Status.APPROVED,
            starts_on__lte=end,
            ends_on__gte=start,
        ).values_list("worker_id", flat=True)
    )
    team = [
        (worker, load.get(worker.pk, 0), worker.pk in away)
        for worker in staff_selectors.area_workers(areas=areas)
    ]
    context = {
        "areas": areas,
        "day": day,
        "today": today,
        "span": span,
        "start": start,
        "end": end,
        "days": sessions_by_day(sessions),
        "team": team,
        "previous": day - step,
        "next": day + step,
        "requests": staff_selectors.area_absences(areas=areas, status=Absence.Status.REQUESTED),
        "absences": staff_selectors.area_absences(
            areas=areas, status=Absence.Status.APPROVED, since=today
        ),
        "decision_form": AbsenceDecisionForm(),
    }
    return render(request, "desk/area.html", context, status=status)


@require_http_methods(["GET", "POST"])
def absence_new(request):
    areas = _led_areas(request)
    workers = staff_selectors.area_workers(areas=areas)
    form = AbsenceRecordForm(request.POST or None, workers=workers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = staff_services.absence_record(
                worker=data["worker"],
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Recorded: {absence}.")
            return redirect("desk:absence_detail", pk=absence.pk)
    return render(request, "desk/absence_new.html", {"form": form})


@require_GET
def absence_detail(request, pk: int):
    _led_areas(request)
    absence = staff_selectors.absence_for_team_leader(user=request.user, pk=pk)
    uncovered = list(session_selectors.uncovered_sessions(absence=absence))
    first_monday = monday_of(absence.starts_on)
    runs = SolverRun.objects.filter(
        trigger=SolverRun.Trigger.REPLAN,
        rota_week__week_start__gte=first_monday,
        rota_week__week_start__lte=absence.ends_on,
        created_at__gte=timezone.now() - dt.timedelta(days=14),
    ).select_related("rota_week")[:5]
    return render(
        request,
        "desk/absence_detail.html",
        {
            "absence": absence,
            "uncovered": uncovered,
            "runs": runs,
            "history": history_for(absence),
        },
    )


@require_POST
def absence_replan(request, pk: int):
    _led_areas(request)
    absence = staff_selectors.absence_for_team_leader(user=request.user, pk=pk)
    uncovered = list(session_selectors.uncovered_sessions(absence=absence))
    if not uncovered:
        messages.info(request, "No session is left uncovered; nothing to re-plan.")
        return redirect("desk:absence_detail", pk=absence.pk)
    runs, problems = weeks_replan(sessions=uncovered, by=request.user)
    for run in runs:
        messages.success(request, f"Re-planning the {run.rota_week} (run {run.pk}).")
    for problem in problems:
        messages.error(request, problem)
    return redirect("desk:absence_detail", pk=absence.pk)


@require_POST
def absence_decide(request, pk: int):
    _led_areas(request)
    absence = staff_selectors.absence_for_team_leader(user=request.user, pk=pk)
    form = AbsenceDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or refuse.")
        return redirect("desk:area")
    try:
        absence = staff_services.absence_decide(
            absence=absence, approve=form.cleaned_data["decision"] == "approve", by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("desk:area")
    messages.success(request, f"{absence.get_status_display()}: {absence}.")
    if absence.status == Absence.Status.APPROVED:
        return redirect("desk:absence_detail", pk=absence.pk)
    return redirect("desk:area")


@require_http_methods(["GET", "POST"])
def session_cancel(request, pk: int):
    _led_areas(request)
    session = session_selectors.session_for_team_leader(user=request.user, pk=pk)
    if not session.can_cancel:
        messages.error(request, f"A {session.get_status_display().lower()} session stays as it is.")
        return redirect(f"{reverse('desk:area')}?day={session.day:%Y-%m-%d}")
    form = CancelForm(request.POST or None, initial={"version": session.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, virtual = cancellations.session_cancel(
                session=session,
                reason=data["reason"],
                note=data["note"],
                by=request.user,
                version=data["version"],
                offer_virtual=data["offer_virtual"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Cancelled the session on {session.day:%a %d %b}.")
            if virtual is not None and virtual.status == ContactSession.Status.BOOKED:
                messages.success(request, "A virtual session is booked in its place.")
            elif virtual is not None:
                messages.warning(
                    request,
                    "A virtual session was created; no worker was free, so the deputy "
                    "will staff it.",
                )
            return redirect(f"{reverse('desk:area')}?day={session.day:%Y-%m-%d}")
    return render(request, "desk/session_cancel.html", {"session": session, "form": form})
