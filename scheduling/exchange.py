"""Translation between the database and the solver's `contact-rota-scenario/1` problem.

`week_problem` reads one week from the database into a scenario (with the id maps needed to
write an answer back) and the week's current rota as a solution; the solver never sees a model.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from lib.service_day import GRID_MINUTES, clock, minutes_of_day, time_of_day
from referrals.models import Child, ContactPlan
from scheduling import solver
from scheduling.models import ContactSession, RotaWeek, SessionWorker
from staffing.models import Absence, Worker
from venues.models import RoomClosure, TravelTime, Venue


def session_key(pk: int) -> str:
    return f"s{pk}"


@dataclass
class WeekProblem:
    """A week as the solver sees it, and how to find the database rows again."""

    rota_week: RotaWeek
    scenario: solver.Scenario
    current: solver.Solution
    sessions: dict[str, ContactSession]
    rooms: dict[str, int]
    workers: dict[str, int]
    released_pins: list[str] = field(default_factory=list)
    snapshot: tuple = ()
    settled: set[str] = field(default_factory=set)
    # The moment the week is planned as of; None is now (a history replay plans the past).
    as_of: dt.datetime | None = None

    @property
    def scenario_dict(self) -> dict:
        return solver.scenario_to_dict(self.scenario)


def week_sessions(rota_week: RotaWeek):
    return (
        ContactSession.objects.filter(rota_week=rota_week)
        .not_cancelled()
        .select_related("plan__referral", "room")
        .prefetch_related(
            Prefetch("staffing", queryset=SessionWorker.objects.select_related("worker")),
            Prefetch("plan__referral__children", queryset=Child.objects.only("reference")),
            "plan__venues",
            "plan__room_features",
            "plan__worker_skills",
            "plan__continuity_workers",
            "plan__excluded_workers",
            "plan__referral__children__area__venues",
        )
        .order_by("pk")
    )


def week_snapshot(rota_week: RotaWeek) -> tuple:
    """A fingerprint of the week's sessions: it changes whenever any of them changes."""
    rows = ContactSession.objects.filter(rota_week=rota_week).values_list("pk", "version")
    return tuple(sorted(rows))


def _minus(start: dt.datetime, end: dt.datetime, spans) -> list[tuple[dt.datetime, dt.datetime]]:
    """The parts of [start, end) that none of `spans` covers."""
    parts = [(start, end)]
    for a, b in spans:
        parts = [
            piece
            for lo, hi in parts
            for piece in ((lo, min(hi, a)), (max(lo, b), hi))
            if piece[0] < piece[1]
        ]
    return parts


def _venues_dict(days: list[dt.date], held=None) -> tuple[list[dict], dict[str, int]]:
    """The active venues and rooms; `held` maps a room's pk to the spans of its settled sessions,
    which a closure recorded afterwards cannot empty: they took place."""
    held = held or {}
    venues = Venue.objects.filter(is_active=True).prefetch_related("rooms__features", "area")
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(days[0], dt.time.min, tzinfo=tz)
    last = dt.datetime.combine(days[-1], dt.time.max, tzinfo=tz)
    closures = defaultdict(list)
    for closure in RoomClosure.objects.filter(starts_at__lt=last, ends_at__gt=first):
        closures[closure.room_id].append(closure)
    rooms_by_slug: dict[str, int] = {}
    result = []
    for venue in venues:
        rooms = []
        for room in venue.rooms.all():
            if not room.is_active:
                continue
            rooms_by_slug[room.slug] = room.pk
            closed = []
            for day in days:
                opens = dt.datetime.combine(day, venue.opens, tzinfo=tz)
                closes = dt.datetime.combine(day, venue.closes, tzinfo=tz)
                for closure in closures[room.pk]:
                    start = max(timezone.localtime(closure.starts_at, tz), opens)
                    end = min(timezone.localtime(closure.ends_at, tz), closes)
                    for a, b in _minus(start, end, held.get(room.pk, ())):
                        closed.append({"day": day.isoformat(), "from": clock(a), "to": clock(b)})
            rooms.append(
                {
                    "id": room.slug,
                    "capacity": room.capacity,
                    "features": sorted(f.code for f in room.features.all()),
                    "closed": closed,
                }
            )
        result.append(
            {
                "id": venue.slug,
                "name": venue.name,
                "area": venue.area.code,
                "open": clock(venue.opens),
                "close": clock(venue.closes),
                "rooms": rooms,
            }
        )
    return result, rooms_by_slug


def _travel_dict() -> dict[str, dict[str, int]]:
    travel: dict[str, dict[str, int]] = defaultdict(dict)
    for row in TravelTime.objects.select_related("from_venue", "to_venue"):
        a, b = sorted((row.from_venue.slug, row.to_venue.slug))
        travel[a][b] = row.minutes
    return dict(travel)


def _workers_dict(days: list[dt.date], worked=None) -> tuple[list[dict], dict[str, int]]:
    """The active workers and when they are available; `worked` maps a worker's pk to the
    busy spans of their settled sessions, which stay available time even on a day they are
    now recorded as absent (an absence recorded later cannot undo what took place)."""
    worked = worked or {}
    workers = (
        Worker.objects.filter(is_active=True)
        .select_related("area", "base_venue")
        .prefetch_related("skills", "pattern")
    )
    away = defaultdict(set)
    absences = Absence.objects.filter(
        status=Absence.Status.APPROVED, starts_on__lte=days[-1], ends_on__gte=days[0]
    )
    for absence in absences:
        for day in days:
            if absence.starts_on <= day <= absence.ends_on:
                away[absence.worker_id].add(day)
    result, codes = [], {}
    for worker in workers:
        codes[worker.code] = worker.pk
        pattern = {p.weekday: p for p in worker.pattern.all()}
        available = [
            {"day": day.isoformat(), "from": clock(p.starts), "to": clock(p.ends)}
            for day in days
            if (p := pattern.get(day.weekday())) and day not in away[worker.pk]
        ]
        for start, end in worked.get(worker.pk, ()):
            start, end = timezone.localtime(start), timezone.localtime(end)
            window = {"day": start.date().isoformat(), "from": clock(start), "to": clock(end)}
            if start.date() in days and end.date() == start.date() and window not in available:
                available.append(window)
        result.append(
            {
                "id": worker.code,
                "name": worker.name,
                "area": worker.area.code,
                "kind": worker.kind,
                "base": worker.base_venue.slug if worker.base_venue else None,
                "contract_minutes": worker.contract_minutes,
                "skills": sorted(s.code for s in worker.skills.all()),
                "available": available,
            }
        )
    return result, codes


def _allowed_venues(plan: ContactPlan, venue_ids: set[str]) -> list[str]:
    chosen = [v.slug for v in plan.venues.all()]
    if not chosen:  # no preference given: any venue of the children's areas
        chosen = [v.slug for child in plan.referral.children.all() for v in child.area.venues.all()]
    return sorted(v for v in set(chosen) if v in venue_ids)


def _first_start(session: ContactSession, now: dt.datetime) -> int:
    """The earliest minute of its day the session may still start at: not before now."""
    local = timezone.localtime(now)
    earliest = minutes_of_day(session.earliest_start)
    if session.day < local.date():
        return 24 * 60
    if session.day > local.date():
        return earliest
    passed = minutes_of_day(local.time()) + (1 if local.second or local.microsecond else 0)
    return max(earliest, -(-passed // GRID_MINUTES) * GRID_MINUTES)


def _session_dict(session: ContactSession, venue_ids: set[str], now=None) -> dict:
    """The session for the solver; given `now`, its window starts no earlier than now."""
    plan = session.plan
    earliest = session.earliest_start
    if now is not None and (first := _first_start(session, now)) > minutes_of_day(earliest):
        earliest = time_of_day(first)
    data = {
        "id": session_key(session.pk),
        "children": sorted(c.reference for c in plan.referral.children.all()),
        "participants": plan.participants,
        "priority": plan.referral.priority,
        "mode": session.mode,
        "duration": session.duration_minutes,
        "day": session.day.isoformat(),
        "earliest_start": clock(earliest),
        "latest_start": clock(session.latest_start),
        "venues": [] if session.mode == "virtual" else _allowed_venues(plan, venue_ids),
        "room_features": sorted(f.code for f in plan.room_features.all()),
        "workers_needed": plan.workers_needed,
        "worker_skills": sorted(s.code for s in plan.worker_skills.all()),
        "transport_before": session.transport_before_minutes,
        "transport_after": session.transport_after_minutes,
        "continuity_workers": sorted(w.code for w in plan.continuity_workers.all()),
        "excluded_workers": sorted(w.code for w in plan.excluded_workers.all()),
    }
    if session.preferred_start:
        data["preferred_start"] = clock(session.preferred_start)
    return data


def _assignment_of(session: ContactSession) -> solver.Assignment | None:
    if session.starts_at is None:
        return None
    start = timezone.localtime(session.starts_at)
    return solver.Assignment(
        session=session_key(session.pk),
        start=minutes_of_day(start),
        room=session.room.slug if session.room else None,
        workers=tuple(sorted(sw.worker.code for sw in session.staffing.all())),
    )


def _settled_spans(sessions) -> tuple[dict, dict]:
    """The busy spans of settled sessions by worker pk, and their times by room pk."""
    worked, held = defaultdict(list), defaultdict(list)
    for session in sessions:
        for row in session.staffing.all():
            worked[row.worker_id].append((row.busy_from, row.busy_to))
        if session.room_id:
            held[session.room_id].append((session.starts_at, session.ends_at))
    return worked, held


def week_problem(
    *, rota_week: RotaWeek, release_invalid_pins: bool = True, as_of: dt.datetime | None = None
) -> WeekProblem:
    """The week's rota problem and its current rota.

    Settled sessions (started, held or recorded: `ContactSession.is_settled`) are pins exactly
    as they are and are never released; their workers stay available and their rooms open for
    the time they took, whatever was recorded since. Booked, awaiting-approval and hand-pinned
    sessions become pins too; one the week can no longer honour (its worker is now off sick,
    its room closed) is released so the solver can re-place it; `released_pins` names them.
    No session is offered a start that has already passed, and one whose window has passed
    unplaced is left out. `as_of` plans the week as of another moment than now.
    """
    now = as_of or timezone.now()
    days = rota_week.days
    snapshot = week_snapshot(rota_week)
    settled_pks = set(
        ContactSession.objects.filter(rota_week=rota_week).settled(now).values_list("pk", flat=True)
    )
    sessions, settled = {}, set()
    for s in week_sessions(rota_week):
        key = session_key(s.pk)
        if s.pk in settled_pks:
            if s.starts_at is None:  # held or recorded but never placed: nothing to keep
                continue
            settled.add(key)
        elif _first_start(s, now) > minutes_of_day(s.latest_start):
            continue  # its time has gone by unplaced: no plan can place it now
        sessions[key] = s
    worked, held = _settled_spans(sessions[k] for k in settled)
    venues, rooms = _venues_dict(days, held)
    venue_ids = {v["id"] for v in venues}
    workers, worker_codes = _workers_dict(days, worked)
    current = [a for s in sessions.values() if (a := _assignment_of(s))]
    pins = [
        a
        for a in current
        if a.session in settled or sessions[a.session].pinned or sessions[a.session].is_live
    ]
    data = {
        "format": "contact-rota-scenario/1",
        "name": f"week-{rota_week.week_start.isoformat()}",
        "days": [d.isoformat() for d in days],
        "granularity_minutes": GRID_MINUTES,
        "room_turnaround_minutes": settings.ROOM_TURNAROUND_MINUTES,
        "venues": venues,
        "travel_minutes": _travel_dict(),
        "workers": workers,
        "sessions": [
            _session_dict(s, venue_ids, now=None if k in settled else now)
            for k, s in sessions.items()
        ],
    }
    released: list[str] = []
    scenario = _scenario_with_pins(data, pins)
    if release_invalid_pins:
        while True:
            # What has taken place stays as it was: only the other pins can give way.
            broken = _broken_pins(scenario, pins) - settled
            if not broken:
                break
            released += sorted(broken)
            pins = [p for p in pins if p.session not in broken]
            scenario = _scenario_with_pins(data, pins)
    current_solution = solver.Solution(
        scenario=data["name"],
        assignments=current,
        unassigned=[
            solver.Unassigned(session=k, reason=s.unplaced_reason)
            for k, s in sessions.items()
            if s.starts_at is None
        ],
    )
    return WeekProblem(
        rota_week=rota_week,
        scenario=scenario,
        current=current_solution,
        sessions=sessions,
        rooms=rooms,
        workers=worker_codes,
        released_pins=released,
        snapshot=snapshot,
        settled=settled,
        as_of=as_of,
    )


def _scenario_with_pins(data: dict, pins: list[solver.Assignment]) -> solver.Scenario:
    data = {
        **data,
        "pinned": [
            {
                "session": p.session,
                "start": f"{p.start // 60:02d}:{p.start % 60:02d}",
                "room": p.room,
                "workers": list(p.workers),
            }
            for p in pins
        ],
    }
    return solver.scenario_from_dict(data)


def _broken_pins(scenario: solver.Scenario, pins: list[solver.Assignment]) -> set[str]:
    """Pins named in any hard-rule violation of the pins alone (rule 1 aside)."""
    pinned_ids = {p.session for p in pins}
    others = [s.id for s in scenario.sessions if s.id not in pinned_ids]
    report = solver.check(
        scenario,
        solver.Solution(
            scenario=scenario.name,
            assignments=list(pins),
            unassigned=[solver.Unassigned(session=s) for s in others],
        ),
    )
    broken = set()
    for violation in report.violations:
        broken |= set(violation.sessions) & pinned_ids
    return broken
