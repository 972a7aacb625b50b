"""Team leaders' approvals and area pages; contact workers' sessions, records, feed and leave."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import history_for
from scheduling.models import ContactSession, SolverRun
from scheduling.services import approvals, cancellations, records
from staffing import selectors, services
from staffing.forms_workers import (
    AbsenceDecisionForm,
    AbsenceRecordForm,
    AddendumForm,
    ApproveDayForm,
    ApproveForm,
    CalendarForm,
    CancelForm,
    LeaveRequestForm,
    RecordForm,
    ReturnForm,
)
from staffing.models import Absence, Worker

SEEN_KEY = "approvals_seen_at"


# --- who may see what ---------------------------------------------------------------------


def _led_areas(request) -> list:
    """The areas the user leads; 403 for anyone who is not a team leader of an area."""
    if not request.user.has_perm("scheduling.change_contactsession"):
        raise PermissionDenied
    areas = list(selectors.areas_led_by(user=request.user))
    if not areas:
        raise PermissionDenied
    return areas


def _own_worker(request) -> Worker:
    """The contact worker the user is; 403 for anyone else."""
    if not request.user.has_perm("staffing.view_own_sessions"):
        raise PermissionDenied
    worker = selectors.worker_of(user=request.user)
    if worker is None:
        raise PermissionDenied
    return worker


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _group_by_day(sessions) -> list[tuple[dt.date, list]]:
    return [(day, list(items)) for day, items in groupby(sessions, key=lambda s: s.day)]


# --- team leaders: approvals --------------------------------------------------------------


@require_GET
def approvals_queue(request):
    areas = _led_areas(request)
    sessions = list(selectors.approvals_queue(areas=areas))
    seen_raw = request.session.get(SEEN_KEY)
    seen_at = parse_datetime(seen_raw) if seen_raw else None
    changed = selectors.sessions_changed_since(sessions=sessions, seen_at=seen_at)
    request.session[SEEN_KEY] = timezone.now().isoformat()
    days = [
        (day, items, ",".join(f"{s.pk}:{s.version}" for s in items))
        for day, items in _group_by_day(sessions)
    ]
    return render(
        request,
        "staffing/approvals.html",
        {"areas": areas, "days": days, "changed": changed, "count": len(sessions)},
    )


def _queue_session(request, pk: int) -> ContactSession:
    areas = _led_areas(request)
    session = selectors.session_for_team_leader(user=request.user, pk=pk)
    if not any(a.pk == session.area_id for a in areas):  # pragma: no cover - belt and braces
        raise Http404
    return session


@require_POST
def approval_approve(request, pk: int):
    session = _queue_session(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The approval was not understood; try again.")
        return redirect("staffing:approvals")
    try:
        approvals.session_approve(
            session=session, by=request.user, version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Booked: {session.day:%a %d %b} {_when(session)}.")
    return redirect("staffing:approvals")


@require_POST
def approval_return(request, pk: int):
    session = _queue_session(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the booking is returned.")
        return redirect("staffing:approvals")
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
    return redirect("staffing:approvals")


@require_POST
def approvals_approve_day(request):
    areas = _led_areas(request)
    form = ApproveDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The day's approval was not understood; try again.")
        return redirect("staffing:approvals")
    allowed = set(selectors.approvals_queue(areas=areas).values_list("pk", flat=True))
    day = form.cleaned_data["day"]
    try:
        done = approvals.sessions_approve_day(
            day=day, seen=form.cleaned_data["seen"], allowed_ids=allowed, by=request.user
        )
    except ValidationError as error:
        messages.error(request, f"Nothing on {day:%a %d %b} was approved: {_error_text(error)}")
    else:
        messages.success(request, f"Booked all {len(done)} sessions on {day:%a %d %b}.")
    return redirect("staffing:approvals")


def _when(session: ContactSession) -> str:
    if not session.starts_at:
        return "unplaced"
    return f"{timezone.localtime(session.starts_at):%H:%M}"


# --- team leaders: the area at a glance, absences, cancellations --------------------------


@require_GET
def area_glance(request):
    areas = _led_areas(request)
    today = timezone.localdate()
    day = parse_date(request.GET.get("day") or "") or today
    span = "week" if request.GET.get("span") == "week" else "day"
    if span == "week":
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=4)
    else:
        start = end = day
    sessions = list(selectors.area_sessions(areas=areas, start=start, end=end))
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
        for worker in selectors.area_workers(areas=areas)
    ]
    context = {
        "areas": areas,
        "day": day,
        "today": today,
        "span": span,
        "start": start,
        "end": end,
        "days": _group_by_day(sessions),
        "team": team,
        "previous": day - step,
        "next": day + step,
        "requests": selectors.area_absences(areas=areas, status=Absence.Status.REQUESTED),
        "absences": selectors.area_absences(
            areas=areas, status=Absence.Status.APPROVED, since=today
        ),
        "decision_form": AbsenceDecisionForm(),
    }
    return render(request, "staffing/area.html", context)


@require_http_methods(["GET", "POST"])
def absence_new(request):
    areas = _led_areas(request)
    workers = selectors.area_workers(areas=areas)
    form = AbsenceRecordForm(request.POST or None, workers=workers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = services.absence_record(
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
            return redirect("staffing:absence_detail", pk=absence.pk)
    return render(request, "staffing/absence_new.html", {"form": form})


@require_GET
def absence_detail(request, pk: int):
    _led_areas(request)
    absence = selectors.absence_for_team_leader(user=request.user, pk=pk)
    uncovered = list(selectors.uncovered_sessions(absence=absence))
    first_monday = absence.starts_on - dt.timedelta(days=absence.starts_on.weekday())
    runs = SolverRun.objects.filter(
        trigger=SolverRun.Trigger.REPLAN,
        rota_week__week_start__gte=first_monday,
        rota_week__week_start__lte=absence.ends_on,
        created_at__gte=timezone.now() - dt.timedelta(days=14),
    ).select_related("rota_week")[:5]
    return render(
        request,
        "staffing/absence_detail.html",
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
    absence = selectors.absence_for_team_leader(user=request.user, pk=pk)
    uncovered = list(selectors.uncovered_sessions(absence=absence))
    if not uncovered:
        messages.info(request, "No session is left uncovered; nothing to re-plan.")
        return redirect("staffing:absence_detail", pk=absence.pk)
    runs, problems = services.weeks_replan(sessions=uncovered, by=request.user)
    for run in runs:
        messages.success(request, f"Re-planning the {run.rota_week} (run {run.pk}).")
    for problem in problems:
        messages.error(request, problem)
    return redirect("staffing:absence_detail", pk=absence.pk)


@require_POST
def absence_decide(request, pk: int):
    _led_areas(request)
    absence = selectors.absence_for_team_leader(user=request.user, pk=pk)
    form = AbsenceDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or refuse.")
        return redirect("staffing:area")
    try:
        absence = services.absence_decide(
            absence=absence, approve=form.cleaned_data["decision"] == "approve", by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("staffing:area")
    messages.success(request, f"{absence.get_status_display()}: {absence}.")
    if absence.status == Absence.Status.APPROVED:
        return redirect("staffing:absence_detail", pk=absence.pk)
    return redirect("staffing:area")


@require_http_methods(["GET", "POST"])
def session_cancel(request, pk: int):
    _led_areas(request)
    session = selectors.session_for_team_leader(user=request.user, pk=pk)
    if not session.can_cancel:
        messages.error(request, f"A {session.get_status_display().lower()} session stays as it is.")
        return redirect(f"{reverse('staffing:area')}?day={session.day:%Y-%m-%d}")
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
            return redirect(f"{reverse('staffing:area')}?day={session.day:%Y-%m-%d}")
    return render(request, "staffing/session_cancel.html", {"session": session, "form": form})


# --- contact workers ----------------------------------------------------------------------


@require_GET
def my_sessions(request):
    worker = _own_worker(request)
    today = timezone.localdate()
    end = today + dt.timedelta(days=selectors.MY_SESSIONS_DAYS)
    sessions = list(selectors.worker_sessions(worker=worker, start=today, end=end))
    past = list(
        selectors.worker_sessions(worker=worker, start=today - dt.timedelta(weeks=2), end=today)
    )
    to_record = [
        s
        for s in past
        if s.status != ContactSession.Status.CANCELLED
        and s.starts_at <= timezone.now()
        and not (_record_of(s) and _record_of(s).submitted_at)
    ]
    for s in to_record:
        s.due_on = records.record_due_on(s)
        s.late = records.record_is_late(s, today=today)
    return render(
        request,
        "staffing/my_sessions.html",
        {"worker": worker, "days": _group_by_day(sessions), "to_record": to_record, "today": today},
    )


def _record_of(session):
    try:
        return session.record
    except ContactSession.record.RelatedObjectDoesNotExist:
        return None


@require_GET
def my_session(request, pk: int):
    worker = _own_worker(request)
    session = selectors.session_for_worker(worker=worker, pk=pk)
    record = _record_of(session)
    context = {
        "session": session,
        "record": record,
        "due_on": records.record_due_on(session),
        "late": records.record_is_late(session),
        "can_record": session.can_record
        and session.starts_at
        and session.starts_at <= timezone.now(),
        "colleagues": [r.worker for r in session.staffing.all() if r.worker_id != worker.pk],
        "history": history_for(session, limit=20),
    }
    return render(request, "staffing/my_session.html", context)


@require_http_methods(["GET", "POST"])
def my_record(request, pk: int):
    worker = _own_worker(request)
    session = selectors.session_for_worker(worker=worker, pk=pk)
    record = _record_of(session)
    if record is not None and record.submitted_at:
        messages.error(request, "The record was submitted and cannot be changed; add an addendum.")
        return redirect("staffing:my_session", pk=session.pk)
    initial = {}
    if record is not None:
        initial = {
            f: getattr(record, f)
            for f in ("attendance", "actual_start", "actual_end", "observations", "concerns")
        }
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            records.session_record_save(
                session=session, author=request.user, submit=submit, **form.cleaned_data
            )
        except records.RecordSubmittedError as error:
            messages.error(request, str(error))
            return redirect("staffing:my_session", pk=session.pk)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, "Record submitted." if submit else "Draft saved.")
            return redirect("staffing:my_session", pk=session.pk)
    return render(
        request,
        "staffing/my_record.html",
        {"session": session, "form": form, "due_on": records.record_due_on(session)},
    )


@require_http_methods(["GET", "POST"])
def record_addendum(request, pk: int):
    worker = _own_worker(request)
    record = selectors.record_for_worker(worker=worker, pk=pk)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            records.record_addendum_create(
                record=record, author=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect("staffing:my_session", pk=record.session_id)
    return render(request, "staffing/record_addendum.html", {"record": record, "form": form})


@require_http_methods(["GET", "POST"])
def my_calendar(request):
    worker = _own_worker(request)
    if request.method == "POST":
        form = CalendarForm(request.POST)
        if form.is_valid() and form.cleaned_data["action"] == "regenerate":
            services.worker_calendar_regenerate(worker=worker)
            messages.success(request, "A new calendar address is ready; the old one has stopped.")
        elif form.is_valid():
            services.worker_calendar_revoke(worker=worker)
            messages.success(request, "Your calendar address has stopped working.")
        return redirect("staffing:my_calendar")
    feed_url = None
    if worker.calendar_token:
        feed_url = request.build_absolute_uri(
            reverse("staffing:calendar_feed", kwargs={"token": worker.calendar_token})
        )
    return render(request, "staffing/my_calendar.html", {"worker": worker, "feed_url": feed_url})


def _summary(session: ContactSession) -> str:
    # Lock-screen safe: a place and nothing about the child or family.
    if session.room_id:
        return f"Contact session – {session.room.venue.name}"
    return "Contact session – virtual"


@login_not_required
@require_GET
def calendar_feed(request, token: str):
    """The worker's sessions as iCalendar; the secret in the URL is the only key."""
    if not token:
        raise Http404
    worker = get_object_or_404(Worker, calendar_token=token, is_active=True)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//County Council Contact Service//Rota//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Contact sessions")
    stamp = timezone.now()
    for session in selectors.calendar_sessions(worker=worker):
        event = icalendar.Event()
        event.add("uid", f"contact-session-{session.pk}@contact-service")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", _summary(session))
        event.add("sequence", session.version)
        if session.room_id:
            event.add("location", session.room.venue.name)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def my_leave(request):
    worker = _own_worker(request)
    form = LeaveRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_request(worker=worker, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Leave requested; your team leader will decide.")
            return redirect("staffing:my_leave")
    return render(
        request,
        "staffing/my_leave.html",
        {"form": form, "absences": selectors.worker_absences(worker=worker)},
    )
