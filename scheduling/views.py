"""The rota board: the deputy plans, fixes and publishes a week; team leaders look on."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from audit import history_for
from lib.weeks import monday_of
from scheduling.dates import week_from_path
from scheduling.forms import PinForm, SessionMoveForm
from scheduling.models import ContactSession, RotaWeek, SolverRun
from scheduling.selectors import board as selectors
from scheduling.services import board as board_services
from scheduling.services.planning import week_plan_sessions
from scheduling.services.solving import solver_run_start
from scheduling.services.weeks import rota_week_get
from staffing.models import Worker

VIEW_PERM = "scheduling.view_rota_board"
PLAN_PERM = "scheduling.plan_rota"


def _board_url(week_start: dt.date, query: str = "") -> str:
    url = reverse("scheduling:rota_week", args=[week_start.isoformat()])
    return f"{url}?{query}" if query else url


def _back(request, week_start: dt.date) -> str:
    """Back to the board as the user left it (view and filters), never off-site."""
    query = request.POST.get("board_query", "")
    return _board_url(week_start, query if "//" not in query else "")


def _session(pk: int) -> ContactSession:
    try:
        return selectors.board_session_get(pk=pk)
    except ContactSession.DoesNotExist:
        raise Http404("No such session.") from None


def _card_html(card: selectors.Card, *, detail: str, venue_view: bool) -> str:
    """One card as HTML; drawn in Python since a week has hundreds (a template include each
    would cost most of the page's time). Every value from the database is escaped."""
    classes = [f"rota-card mode-{escape(card.mode)} status-{escape(card.status)}"]
    # The button's content is its name (no aria-label), so a screen reader says every word it
    # shows; the words it does not show (the day, what a mark means) are visually hidden.
    marks = []
    if card.is_court:
        classes.append("court")
    if card.changed_in_replan:
        classes.append("changed")
        marks.append(
            '<span class="c-changed" title="Changed by the last re-plan">changed'
            '<span class="visually-hidden"> by the last re-plan,</span></span>'
        )
    if card.return_reason:
        classes.append("returned")
        reason = escape(card.return_reason)
        marks.append(
            f'<span class="c-returned" title="Returned: {reason}">returned'
            f'<span class="visually-hidden"> by the team leader: {reason},</span></span>'
        )
    if card.pinned:
        classes.append("pinned")
        marks.append(
            '<span class="c-pin" title="Pinned"><span aria-hidden="true">&#9873;</span>'
            '<span class="visually-hidden">pinned,</span></span>'
        )
    if card.start:
        when = f"{card.start:%H:%M}–{card.end:%H:%M}"
    else:
        window = f"{card.earliest_start:%H:%M}"
        if card.latest_start != card.earliest_start:
            window += f"–{card.latest_start:%H:%M}"
        when = f"{card.day:%a} {window} start"
    style = ""
    if venue_view and card.start:
        style = f' style="left:{card.left}%;width:{card.width}%;--lane:{card.lane}"'
    meta = [escape(card.mode_label)]
    if card.is_court:
        meta.append("<strong>court</strong>")
    if card.transport == "worker":
        meta.append("worker drives")
    elif card.transport != "carer":
        meta.append(escape(card.transport))
    meta.append(escape(card.status_label.lower()))
    day = f'<span class="visually-hidden">{card.day:%A} </span>' if card.start else ""
    parts = [
        f'<span class="c-time">{day}{when}<span class="visually-hidden">,</span></span>',
        *marks,
        f'<span class="c-who">{escape(card.children)}</span>',
    ]
    if card.room and not venue_view:
        parts.append(f'<span class="c-where">{escape(card.venue)} · {escape(card.room)}</span>')
    parts.append(f'<span class="c-meta">{" · ".join(meta)}</span>')
    if venue_view and card.staff:
        parts.append(f'<span class="c-workers">{escape(card.workers)}</span>')
    return (
        f'<button type="button" class="{" ".join(classes)}" data-session="{card.pk}"{style} '
        f'data-hx-get="{detail.replace("__pk__", str(card.pk))}" '
        'data-hx-target="#session-modal-content" data-bs-toggle="modal" '
        f'data-bs-target="#session-modal">{"".join(parts)}</button>'
    )


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@permission_required(VIEW_PERM, raise_exception=True)
@require_GET
def rota_current(request):
    """The week the deputy plans: two weeks ahead."""
    today = timezone.localdate()
    monday = monday_of(today) + dt.timedelta(weeks=2)
    return redirect(_board_url(monday))


@permission_required(VIEW_PERM, raise_exception=True)
@require_GET
def rota_week(request, week: str):
    week_start = week_from_path(week)
    # Looking at a week never creates it; planning does.
    rota_week = RotaWeek.objects.filter(week_start=week_start).first() or RotaWeek(
        week_start=week_start
    )
    view = "venue" if request.GET.get("view") == "venue" else "worker"
    area_code = request.GET.get("area", "")
    worker_kind = request.GET.get("kind", "")
    if worker_kind not in Worker.Kind.values:
        worker_kind = ""
    board = selectors.rota_board(
        rota_week=rota_week, area_code=area_code, worker_kind=worker_kind, view=view
    )
    # The dialog's URL with a placeholder for the session: reversed once, not per card.
    detail = reverse("scheduling:session_detail", args=[0]).replace("/0/", "/__pk__/")
    detail = escape(f"{detail}?{urlencode({'board_query': request.GET.urlencode()})}")
    for card in board.cards:
        card.html = mark_safe(_card_html(card, detail=detail, venue_view=view == "venue"))  # noqa: S308
    run = board.latest_run
    filters = {k: v for k, v in (("area", area_code), ("kind", worker_kind)) if v}
    context = {
        "board": board,
        "rota_week": rota_week,
        "view": view,
        "area_code": area_code,
        "worker_kind": worker_kind,
        "worker_kinds": Worker.Kind.choices,
        "can_plan": request.user.has_perm(PLAN_PERM),
        "run": run,
        "run_active": bool(run and run.status in SolverRun.ACTIVE),
        "board_query": request.GET.urlencode(),
        "worker_view_query": urlencode(filters),
        "venue_view_query": urlencode({"view": "venue", **filters}),
        "previous_week": week_start - dt.timedelta(weeks=1),
        "next_week": week_start + dt.timedelta(weeks=1),
    }
    return render(request, "scheduling/board.html", context)


@permission_required(PLAN_PERM, raise_exception=True)
@require_POST
def rota_plan(request, week: str):
    """Make the week's sessions from the plans in force, then start the solver on them."""
    week_start = week_from_path(week)
    try:
        week_plan_sessions(week_start=week_start)
        rota_week = rota_week_get(week_start=week_start)
        solver_run_start(
            rota_week=rota_week, trigger=SolverRun.Trigger.BROWSER, started_by=request.user
        )
    except ValidationError as error:
        _refused(request, error)
    return redirect(_back(request, week_start))


@permission_required(VIEW_PERM, raise_exception=True)
@require_GET
def run_progress(request, pk: int):
    try:
        run = selectors.solver_run_get(pk=pk)
    except SolverRun.DoesNotExist:
        raise Http404("No such run.") from None
    return render(
        request,
        "scheduling/_run_progress.html",
        # from_poll: the board on screen predates the run's end, so offer to reload it.
        {"run": run, "run_active": run.status in SolverRun.ACTIVE, "from_poll": True},
    )


@permission_required(VIEW_PERM, raise_exception=True)
@require_GET
def session_detail(request, pk: int):
    """The session's dialog: what it is, and for the deputy the form to move or pin it."""
    session = _session(pk)
    form = SessionMoveForm(session=session) if request.user.has_perm(PLAN_PERM) else None
    return _dialog(request, session, form)


def _dialog(request, session, form, status=200):
    return render(
        request,
        "scheduling/_session_dialog.html",
        {
            "session": session,
            "form": form,
            "can_plan": request.user.has_perm(PLAN_PERM),
            "history": history_for(session, limit=20),
            "board_query": request.GET.get("board_query", request.POST.get("board_query", "")),
        },
        status=status,
    )


@permission_required(PLAN_PERM, raise_exception=True)
@require_POST
def session_move(request, pk: int):
    session = _session(pk)
    form = SessionMoveForm(request.POST, session=session)
    if form.is_valid():
        data = form.cleaned_data
        session.version = data["version"]
        try:
            moved = board_services.session_move(
                session=session,
                start=data["start"],
                room=data["room"],
                workers=data["workers"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Moved to {timezone.localtime(moved.starts_at):%a %d %b %H:%M} and pinned.",
            )
            if request.headers.get("HX-Request"):
                response = HttpResponse()
                response["HX-Redirect"] = _back(request, session.rota_week.week_start)
                return response
            return redirect(_back(request, session.rota_week.week_start))
    if request.headers.get("HX-Request"):
        return _dialog(request, session, form)
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect(_back(request, session.rota_week.week_start))


@permission_required(PLAN_PERM, raise_exception=True)
@require_POST
def session_pin(request, pk: int):
    session = _session(pk)
    form = PinForm(request.POST)
    if form.is_valid():
        pinned = form.cleaned_data["pinned"]
        try:
            board_services.session_pin_set(session=session, pinned=pinned, by=request.user)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, "Pinned: the next plan keeps it." if pinned else "Unpinned.")
    return redirect(_back(request, session.rota_week.week_start))


@permission_required(PLAN_PERM, raise_exception=True)
@require_POST
def rota_publish(request, week: str):
    week_start = week_from_path(week)
    rota_week = RotaWeek.objects.filter(week_start=week_start).first()
    if rota_week is None:
        messages.error(request, "Plan the week before publishing it.")
        return redirect(_back(request, week_start))
    try:
        sent = board_services.rota_week_publish(rota_week=rota_week, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"Published: {sent} session{'s' if sent != 1 else ''} sent to the team leaders "
            "for approval.",
        )
    return redirect(_back(request, week_start))
