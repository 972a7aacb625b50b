"""Changes the deputy makes on the rota board: move a session, pin or unpin it, publish the week.

A hand move is checked with the solver's own checker on the whole week, so the board refuses
exactly what the solver would never propose; the database's exclusion constraints (PostgreSQL)
back the check against a change saved by someone else in the meantime.
"""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit import log_bulk_changes
from lib.service_day import minutes_of_day
from scheduling import solver
from scheduling.exchange import session_key, week_problem
from scheduling.models import ContactSession, RotaWeek, SessionWorker, SolverRun
from venues.models import Room

# A booking a team leader already saw must be approved again once it moves.
NEEDS_APPROVAL_AGAIN = (ContactSession.Status.AWAITING_APPROVAL, ContactSession.Status.BOOKED)


class _Names:
    """Plain names for the ids a violation holds."""

    def __init__(self, problem):
        self.sessions = problem.sessions
        self.workers = {w.id: w.name for w in problem.scenario.workers}
        self.venues = {v.id: v.name for v in problem.scenario.venues}
        self.rooms = dict(Room.objects.values_list("slug", "name"))

    def session(self, key: str) -> str:
        session = self.sessions.get(key)
        if session is None:
            return key
        children = list(session.plan.referral.children.all())
        who = ", ".join(c.first_name or c.reference for c in children)
        refs = ", ".join(c.reference for c in children)
        return f"{who} {refs}".strip() or session.plan.referral.reference

    def span(self, violation: solver.Violation, index: int) -> tuple[str, str]:
        """Time and children of the violation's session ``index``: ('15:30–17:00', 'Ben C-0012')."""
        return violation.when(index, "–"), self.session(violation.sessions[index])

    @staticmethod
    def day(text: str) -> str:
        day = dt.date.fromisoformat(text)
        return f"{day:%a} {day.day} {day:%b}"

    def worker(self, code: str) -> str:
        return self.workers.get(code, code)

    def place(self, slug: str) -> str:
        return self.rooms.get(slug, self.venues.get(slug, slug))

    def generic(self, violation: solver.Violation, key: str) -> str:
        def session(sid: str) -> str:
            return "this session" if sid == key else f"the session of {self.session(sid)}"

        text = violation.describe(
            session=session, worker=self.worker, room=self.place, venue=self.place, day=self.day
        )
        return text[:1].upper() + text[1:]


def _other(violation: solver.Violation, key: str) -> int:
    """Which of a violation's two sessions is not the one being moved."""
    return 1 if violation.sessions[0] == key else 0


def _in_words(violation: solver.Violation, names: _Names, key: str) -> str:
    """One checker violation as the deputy would say it."""
    figures = violation.details
    match violation.kind:
        case "worker_overlap":
            when, who = names.span(violation, _other(violation, key))
            return (
                f"Worker {names.worker(violation.workers[0])} is already busy {when} ({who}) "
                f"on {names.day(violation.day)}."
            )
        case "travel_gap":
            first, then = violation.venues
            return (
                f"Worker {names.worker(violation.workers[0])} cannot travel from "
                f"{names.venues.get(first)} to {names.venues.get(then)} in time on "
                f"{names.day(violation.day)}: "
                f"{figures['free']} free minutes for {figures['leg']} minutes of travel."
            )
        case "room_turnaround":
            when, who = names.span(violation, _other(violation, key))
            room = names.rooms.get(violation.rooms[0], violation.rooms[0])
            room = room if room.lower().startswith("room") else f"The room {room}"
            return (
                f"{room} is already booked {when} ({who}) on {names.day(violation.day)}, "
                "counting the time to clean it between sessions."
            )
        case "workers_needed":
            chosen = len(violation.workers)
            return f"This session needs {figures['needed']} worker(s); {chosen} chosen."
        case "contract":
            total = figures["busy"] + figures["travel"]
            return (
                f"Worker {names.worker(violation.workers[0])} would work {total} minutes this week "
                f"(travel included), over their contract of {figures['contract']}."
            )
        case "child_overlap":
            return f"The child already has a session at that time on {names.day(violation.day)}."
    return names.generic(violation, key) + ("" if str(violation).endswith(".") else ".")


def _involves(violation: solver.Violation, key: str, worker_codes: set[str]) -> bool:
    if key in violation.sessions:
        return True
    return violation.kind == "contract" and violation.workers[0] in worker_codes


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


@transaction.atomic
def session_move(*, session: ContactSession, start: dt.time, room, workers, by) -> ContactSession:
    """Put a session at another start, room and worker(s), if no rule of the rota breaks.

    The session is pinned afterwards, so the next plan of the week keeps the deputy's choice.
    """
    locked = ContactSession.objects.select_for_update().get(pk=session.pk)
    if locked.version != session.version:
        raise ValidationError(
            "Someone changed this session while you were looking at it; reload the board."
        )
    if locked.status not in ContactSession.NOT_YET_HELD:
        raise ValidationError(
            f"A session that is {locked.get_status_display().lower()} cannot be moved."
        )
    if why := locked.why_settled():
        raise ValidationError(f"This session cannot be moved: {why}.")
    if _local(locked.day, start) <= timezone.now():
        raise ValidationError(f"{start:%H:%M} on {locked.day:%a %d %b} has already passed.")
    if SolverRun.objects.filter(rota_week_id=locked.rota_week_id, status__in=SolverRun.ACTIVE):
        raise ValidationError("The week is being planned; wait for the plan to finish.")
    workers = list(workers)
    key = session_key(locked.pk)
    problem = week_problem(rota_week=locked.rota_week, release_invalid_pins=False)
    minute = minutes_of_day(start)
    codes = tuple(sorted(w.code for w in workers))
    moved = solver.Assignment(
        session=key, start=minute, room=room.slug if room else None, workers=codes
    )
    current = problem.current
    candidate = solver.Solution(
        scenario=current.scenario,
        assignments=[a for a in current.assignments if a.session != key] + [moved],
        unassigned=[u for u in current.unassigned if u.session != key],
    )
    report = solver.check(problem.scenario, candidate)
    # Rule 10 would only say this session is no longer where it was pinned: that is the move.
    clashes = [
        v
        for v in report.violations
        if _involves(v, key, set(codes)) and not (v.kind == "pin" and key in v.sessions)
    ]
    if clashes:
        names = _Names(problem)
        raise ValidationError([_in_words(v, names, key) for v in dict.fromkeys(clashes)])

    locked.starts_at = _local(locked.day, start)
    locked.ends_at = locked.starts_at + dt.timedelta(minutes=locked.duration_minutes)
    locked.room = room
    locked.unplaced_reason = ""
    locked.pinned = True
    if locked.status in NEEDS_APPROVAL_AGAIN:
        locked.status = ContactSession.Status.AWAITING_APPROVAL
        locked.approved_by = None
        locked.approved_at = None
    locked.version += 1
    locked.full_clean(exclude=["plan", "slot", "rota_week"])
    busy_from = locked.starts_at - dt.timedelta(minutes=locked.transport_before_minutes)
    busy_to = locked.ends_at + dt.timedelta(minutes=locked.transport_after_minutes)
    try:
        # The audit trail names the deputy even when no request carries them (a script, a test).
        with set_actor(by), transaction.atomic():
            SessionWorker.objects.filter(session=locked).delete()
            locked.save()
            # One by one (a session has one or two workers) so model signals, and the audit
            # trail that listens to them, see each row.
            for worker in workers:
                SessionWorker.objects.create(
                    session=locked, worker=worker, busy_from=busy_from, busy_to=busy_to
                )
    except IntegrityError:
        # The check above read the week before another change was saved: the database's
        # exclusion constraints caught the overlap.
        raise ValidationError(
            "Someone else has just booked that room or worker at that time; reload the board "
            "and choose again."
        ) from None
    return locked


@transaction.atomic
def session_pin_set(*, session: ContactSession, pinned: bool, by) -> ContactSession:
    """Pin a placed session where it is (the solver keeps it), or release it."""
    locked = ContactSession.objects.select_for_update().get(pk=session.pk)
    if pinned and not locked.is_placed:
        raise ValidationError("Only a placed session can be pinned; move it somewhere first.")
    if not pinned and (why := locked.why_settled()):
        raise ValidationError(f"This session stays where it is: {why}.")
    if locked.pinned != pinned:
        locked.pinned = pinned
        locked.version += 1
        with set_actor(by):
            locked.save(update_fields=["pinned", "version", "updated_at"])
    return locked


@transaction.atomic
def rota_week_publish(*, rota_week: RotaWeek, by) -> int:
    """Send the week's proposed, placed sessions to their team leaders for approval.

    Returns how many went; unplaced sessions stay on the board with their reasons.
    """
    week = RotaWeek.objects.select_for_update().get(pk=rota_week.pk)
    if SolverRun.objects.filter(rota_week=week, status__in=SolverRun.ACTIVE).exists():
        raise ValidationError("The week is being planned; publish it once the plan is ready.")
    if week.state not in (RotaWeek.State.PROPOSED, RotaWeek.State.PUBLISHED):
        raise ValidationError("Plan the week before publishing it.")
    to_send = ContactSession.objects.filter(
        rota_week=week, status=ContactSession.Status.PROPOSED, starts_at__isnull=False
    )
    pks = list(to_send.values_list("pk", flat=True))
    sent = to_send.update(status=ContactSession.Status.AWAITING_APPROVAL, version=F("version") + 1)
    # A bulk update passes the audit trail's signals by, so each session's entry is written here.
    log_bulk_changes(
        model=ContactSession,
        changes={
            pk: {
                "status": [ContactSession.Status.PROPOSED, ContactSession.Status.AWAITING_APPROVAL]
            }
            for pk in pks
        },
        actor=by,
        extra={"note": f"published the {week}"},
    )
    week.state = RotaWeek.State.PUBLISHED
    week.published_at = timezone.now()
    week.published_by = by
    week.save(update_fields=["state", "published_at", "published_by", "updated_at"])
    return sent
