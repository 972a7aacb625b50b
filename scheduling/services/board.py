"""Changes the deputy makes on the rota board: move a session, pin or unpin it, publish the week.

A hand move is checked with the solver's own checker on the whole week, so the board refuses
exactly what the solver would never propose; the database's exclusion constraints (PostgreSQL)
back the check against a change saved by someone else in the meantime.
"""

from __future__ import annotations

import datetime as dt
import re

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from contact_service.audit import log_bulk_changes
from scheduling import solver
from scheduling.exchange import SESSION_ID, session_key, week_problem
from scheduling.models import ContactSession, RotaWeek, SessionWorker, SolverRun
from venues.models import Room

MOVABLE = (
    ContactSession.Status.PROPOSED,
    ContactSession.Status.AWAITING_APPROVAL,
    ContactSession.Status.BOOKED,
)
# A booking a team leader already saw must be approved again once it moves.
NEEDS_APPROVAL_AGAIN = (ContactSession.Status.AWAITING_APPROVAL, ContactSession.Status.BOOKED)

_OVERLAP = re.compile(
    r"^rule 7: worker (?P<worker>\S+) on (?P<day>\S+): (?P<a>s\d+ \S+) and (?P<b>s\d+ \S+) overlap$"
)
_ROOM_GAP = re.compile(
    r"^rule 4: room (?P<room>\S+) on (?P<day>\S+): (?P<a>s\d+ \S+) and (?P<b>s\d+ \S+) are"
)
_CHILD = re.compile(r"^rule 9: child (?P<child>\S+) on (?P<day>\S+): sessions (?P<a>s\d+ \S+) and")
_TRAVEL = re.compile(
    r"^rule 7: worker (?P<worker>\S+) on (?P<day>\S+): (?P<a>s\d+ \S+) at (?P<va>\S+), "
    r"(?P<b>s\d+ \S+) at (?P<vb>\S+): (?P<free>\d+) free min for (?P<leg>\d+) min travel$"
)
_NEEDS = re.compile(
    r"^rule 5: session (?P<sid>s\d+) needs (?P<n>\d+) workers, has \[(?P<has>.*)\]$"
)
_CONTRACT = re.compile(
    r"^rule 8: worker (?P<worker>\S+) is busy (?P<busy>\d+) \+ travels (?P<travel>\d+) min, "
    r"over (?P<contract>\d+)$"
)
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


class _Names:
    """Plain names for the ids the checker's messages use."""

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

    def span(self, text: str) -> tuple[str, str]:
        """'s12 15:30-17:00' -> ('15:30–17:00', 'Ben C-0012')."""
        key, _, times = text.partition(" ")
        return times.replace("-", "–"), self.session(key)

    @staticmethod
    def day(text: str) -> str:
        day = dt.date.fromisoformat(text)
        return f"{day:%a} {day.day} {day:%b}"

    def worker(self, code: str) -> str:
        return self.workers.get(code, code)

    def generic(self, violation: str, key: str) -> str:
        text = re.sub(r"^rule \d+: ", "", violation)
        text = re.sub(rf"\b(?:session )?{key}\b", "this session", text)
        text = re.sub(r"\bsession (s\d+)\b", r"\1", text)
        text = SESSION_ID.sub(lambda m: f"the session of {self.session(m.group(0))}", text)
        for code, name in self.workers.items():
            text = re.sub(rf"\b{re.escape(code)}\b", name, text)
        for slug, name in [*self.rooms.items(), *self.venues.items()]:
            text = re.sub(rf"\b{re.escape(slug)}\b", name, text)
        text = _DATE.sub(lambda m: self.day(m.group(1)), text)
        return text[:1].upper() + text[1:]


def _in_words(violation: str, names: _Names, key: str) -> str:
    """One checker violation as the deputy would say it."""
    if m := _OVERLAP.match(violation):
        other = m["b"] if m["a"].startswith(key + " ") else m["a"]
        when, who = names.span(other)
        return (
            f"Worker {names.worker(m['worker'])} is already busy {when} ({who}) "
            f"on {names.day(m['day'])}."
        )
    if m := _TRAVEL.match(violation):
        return (
            f"Worker {names.worker(m['worker'])} cannot travel from {names.venues.get(m['va'])} "
            f"to {names.venues.get(m['vb'])} in time on {names.day(m['day'])}: "
            f"{m['free']} free minutes for {m['leg']} minutes of travel."
        )
    if m := _ROOM_GAP.match(violation):
        other = m["b"] if m["a"].startswith(key + " ") else m["a"]
        when, who = names.span(other)
        room = names.rooms.get(m["room"], m["room"])
        room = room if room.lower().startswith("room") else f"The room {room}"
        return (
            f"{room} is already booked {when} ({who}) on {names.day(m['day'])}, "
            "counting the time to clean it between sessions."
        )
    if m := _NEEDS.match(violation):
        chosen = len([w for w in m["has"].split(",") if w.strip()])
        return f"This session needs {m['n']} worker(s); {chosen} chosen."
    if m := _CONTRACT.match(violation):
        total = int(m["busy"]) + int(m["travel"])
        return (
            f"Worker {names.worker(m['worker'])} would work {total} minutes this week "
            f"(travel included), over their contract of {m['contract']}."
        )
    if m := _CHILD.match(violation):
        return f"The child already has a session at that time on {names.day(m['day'])}."
    return names.generic(violation, key) + ("" if violation.endswith(".") else ".")


def _involves(violation: str, key: str, worker_codes: set[str]) -> bool:
    if key in {f"s{n}" for n in SESSION_ID.findall(violation)}:
        return True
    return violation.startswith("rule 8:") and violation.split()[3] in worker_codes


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
    if locked.status not in MOVABLE:
        raise ValidationError(
            f"A session that is {locked.get_status_display().lower()} cannot be moved."
        )
    if SolverRun.objects.filter(rota_week_id=locked.rota_week_id, status__in=SolverRun.ACTIVE):
        raise ValidationError("The week is being planned; wait for the plan to finish.")
    workers = list(workers)
    key = session_key(locked.pk)
    problem = week_problem(rota_week=locked.rota_week, release_invalid_pins=False)
    minute = start.hour * 60 + start.minute
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
        for v in map(str, report.violations)
        if _involves(v, key, set(codes)) and not (v.startswith("rule 10:") and f" {key} " in v)
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
