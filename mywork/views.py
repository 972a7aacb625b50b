"""The contact worker's own pages: sessions, records and addenda, the calendar feed, leave.

Another worker's session or record answers 404: for a worker it does not exist.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit import history_for
from referrals.models import ContactPlan
from scheduling.models import ContactSession
from scheduling.selectors import sessions as session_selectors
from scheduling.selectors.sessions import sessions_by_day
from scheduling.services import records
from staffing import selectors as staff_selectors
from staffing import services as staff_services
from staffing.models import Worker

from .forms import AddendumForm, CalendarForm, LeaveRequestForm, RecordForm


def _own_worker(request) -> Worker:
    """The contact worker the user is; 403 for anyone else."""
    if not request.user.has_perm("staffing.view_own_sessions"):
        raise PermissionDenied
    worker = staff_selectors.worker_of(user=request.user)
    if worker is None:
        raise PermissionDenied
    return worker


# --- contact workers ----------------------------------------------------------------------


@require_GET
def my_sessions(request):
    worker = _own_worker(request)
    today = timezone.localdate()
    end = today + dt.timedelta(days=session_selectors.SESSIONS_AHEAD_DAYS)
    sessions = list(session_selectors.worker_sessions(worker=worker, start=today, end=end))
    past = list(
        session_selectors.worker_sessions(
            worker=worker, start=today - dt.timedelta(weeks=2), end=today
        )
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
        "mywork/my_sessions.html",
        {
            "worker": worker,
            "days": sessions_by_day(sessions),
            "to_record": to_record,
            "today": today,
        },
    )


def _record_of(session):
    try:
        return session.record
    except ContactSession.record.RelatedObjectDoesNotExist:
        return None


@require_GET
def my_session(request, pk: int):
    worker = _own_worker(request)
    session = session_selectors.session_for_worker(worker=worker, pk=pk)
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
    return render(request, "mywork/my_session.html", context)


@require_http_methods(["GET", "POST"])
def my_record(request, pk: int):
    worker = _own_worker(request)
    session = session_selectors.session_for_worker(worker=worker, pk=pk)
    record = _record_of(session)
    if record is not None and record.submitted_at:
        messages.error(request, "The record was submitted and cannot be changed; add an addendum.")
        return redirect("mywork:my_session", pk=session.pk)
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
            return redirect("mywork:my_session", pk=session.pk)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, "Record submitted." if submit else "Draft saved.")
            return redirect("mywork:my_session", pk=session.pk)
    return render(
        request,
        "mywork/my_record.html",
        {"session": session, "form": form, "due_on": records.record_due_on(session)},
    )


@require_http_methods(["GET", "POST"])
def record_addendum(request, pk: int):
    worker = _own_worker(request)
    record = session_selectors.record_for_worker(worker=worker, pk=pk)
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
            return redirect("mywork:my_session", pk=record.session_id)
    return render(request, "mywork/record_addendum.html", {"record": record, "form": form})


@require_http_methods(["GET", "POST"])
def my_calendar(request):
    worker = _own_worker(request)
    if request.method == "POST":
        form = CalendarForm(request.POST)
        if form.is_valid() and form.cleaned_data["action"] == "regenerate":
            staff_services.worker_calendar_regenerate(worker=worker)
            messages.success(request, "A new calendar address is ready; the old one has stopped.")
        elif form.is_valid():
            staff_services.worker_calendar_revoke(worker=worker)
            messages.success(request, "Your calendar address has stopped working.")
        return redirect("mywork:my_calendar")
    feed_url = webcal_url = None
    if worker.calendar_token:
        feed_url = request.build_absolute_uri(
            reverse("mywork:calendar_feed", kwargs={"token": worker.calendar_token})
        )
        # webcal: opens the phone's calendar app at "subscribe" (the same address over https).
        webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render(
        request,
        "mywork/my_calendar.html",
        {"worker": worker, "feed_url": feed_url, "webcal_url": webcal_url},
    )


def _summary(session: ContactSession) -> str:
    """What a worker recognises at a glance: the kind of contact, its start, room and venue.

    The feed shows on a lock screen, so nothing about the child or family is in it."""
    kind = {
        ContactPlan.Mode.OVERSEEN: "Overseen contact",
        ContactPlan.Mode.VIRTUAL: "Virtual contact",
    }.get(session.plan.mode, "Contact")
    start = timezone.localtime(session.starts_at)
    summary = f"{kind} {start:%H:%M}"
    if session.room_id:
        summary += f" · {session.room.name}, {session.room.venue.name}"
    return summary


def _location(venue) -> str:
    """The venue's name and street address on one line: what a phone's maps can route to."""
    lines = [line.strip(" ,") for line in venue.address.splitlines() if line.strip(" ,")]
    return ", ".join([venue.name, *lines])


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
    for session in session_selectors.calendar_sessions(worker=worker):
        event = icalendar.Event()
        event.add("uid", f"contact-session-{session.pk}@contact-service")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", _summary(session))
        event.add("sequence", session.version)
        if session.room_id:
            event.add("location", _location(session.room.venue))
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
            staff_services.absence_request(worker=worker, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Leave requested; your team leader will decide.")
            return redirect("mywork:my_leave")
    return render(
        request,
        "mywork/my_leave.html",
        {"form": form, "absences": staff_selectors.worker_absences(worker=worker)},
    )
