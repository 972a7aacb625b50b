"""The checker: the hard rules and the objective of the scenario format (docs/solver.md)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from .model import Scenario, Solution, clock
from .violations import Violation


@dataclass
class Span:
    """A session's time: in a room, for a child, or (transport included) for a worker."""

    sid: str
    day: str
    start: int
    end: int
    venue: str | None = None  # None for a virtual session

    def __str__(self) -> str:
        return f"{self.sid} {clock(self.start)}-{clock(self.end)}"


def overlapping_pairs(spans: Iterable[Span], gap: int = 0) -> Iterator[tuple[Span, Span]]:
    """Pairs (earlier, later) of spans less than ``gap`` minutes apart (overlapping if 0)."""
    latest = None
    for span in sorted(spans, key=lambda x: (x.start, x.end, x.sid)):
        if latest is not None and span.start < latest.end + gap:
            yield latest, span
        if latest is None or span.end > latest.end:
            latest = span


def _two(a: Span, b: Span) -> dict:
    """The sessions and times fields of a violation naming spans ``a`` and ``b``."""
    return {"sessions": (a.sid, b.sid), "times": ((a.start, a.end), (b.start, b.end))}


def route_travel(scn: Scenario, worker: str, spans: list[Span], out: list[Violation] | None) -> int:
    """Rule 7 for one worker-day (violations appended to ``out``); travel minutes incl. base."""
    if out is not None:
        for a, b in overlapping_pairs(spans):
            out.append(Violation(7, "worker_overlap", a.day, workers=(worker,), **_two(a, b)))
    route = [x for x in sorted(spans, key=lambda x: (x.start, x.end)) if x.venue is not None]
    calls = [x for x in spans if x.venue is None]
    travel = 0
    for a, b in pairwise(route):
        leg = scn.travel(a.venue, b.venue)
        travel += leg
        if out is not None and a.end <= b.start:
            held = sum(x.end - x.start for x in calls if a.end <= x.start and x.end <= b.start)
            if b.start - a.end - held < leg:
                out.append(
                    Violation(
                        7,
                        "travel_gap",
                        a.day,
                        workers=(worker,),
                        venues=(a.venue, b.venue),
                        details={"free": b.start - a.end - held, "leg": leg},
                        **_two(a, b),
                    )
                )
    base = scn.worker_by_id[worker].base
    if base and route:
        travel += scn.travel(base, route[0].venue) + scn.travel(route[-1].venue, base)
    return travel


def route_ok(scn: Scenario, worker: str, spans: list[Span]) -> tuple[bool, int]:
    """(rule 7 holds, travel minutes) for one worker-day."""
    out: list[Violation] = []
    travel = route_travel(scn, worker, spans, out)
    return not out, travel


@dataclass
class Report:
    valid: bool
    violations: list[Violation]
    objective: float
    components: dict
    coverage: dict
    court_coverage: dict
    travel_minutes: int
    continuity_rate: dict
    relief_sessions: int
    residential_sessions: int
    utilisation: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "violations": [str(v) for v in self.violations],
            "objective": self.objective,
            "components": self.components,
            "coverage": self.coverage,
            "court_coverage": self.court_coverage,
            "travel_minutes": self.travel_minutes,
            "continuity_rate": self.continuity_rate,
            "relief_sessions": self.relief_sessions,
            "residential_sessions": self.residential_sessions,
            "utilisation": self.utilisation,
        }


@dataclass
class _Placement:
    session: object
    span: Span
    room: str | None
    workers: tuple[str, ...]


def _rate(part: int, whole: int, names: tuple[str, str] = ("assigned", "total")) -> dict:
    pct = round(100 * part / whole, 2) if whole else None
    return {names[0]: part, names[1]: whole, "percent": pct}


def _cost(unit: str, quantity: float, weight: float) -> dict:
    return {unit: quantity, "cost": round(quantity * weight, 3)}


def check(scenario: Scenario, solution: Solution) -> Report:
    """Check every hard rule and compute the objective (agrees with score.py)."""
    violations: list[Violation] = []
    placed = _check_listing(scenario, solution, violations)
    for placement in placed.values():
        _check_time_and_room(scenario, placement, violations)
        _check_staffing(scenario, placement, violations)
    _check_rooms_and_children(scenario, placed, violations)
    worker_days = _check_availability(scenario, placed, violations)
    usage = _check_routes_and_contracts(scenario, worker_days, violations)
    _check_pins(scenario, solution, violations)
    return _evaluate(scenario, placed, usage, violations)


def _check_listing(
    scn: Scenario, solution: Solution, out: list[Violation]
) -> dict[str, _Placement]:
    """Rule 1: each session assigned or unassigned, once; the placements of the assigned."""
    placed: dict[str, _Placement] = {}
    unassigned: set[str] = set()
    for assignment in solution.assignments:
        sid = assignment.session
        if sid not in scn.session_by_id:
            out.append(Violation(1, "unknown_session", sessions=(sid,)))
        elif sid in placed:
            out.append(Violation(1, "assigned_twice", _day_of(scn, sid), (sid,)))
        else:
            session = scn.session_by_id[sid]
            room = None if session.virtual else scn.room_by_id.get(assignment.room)
            venue = getattr(room, "venue", None)
            start = assignment.start
            span = Span(sid, session.day, start, start + session.duration, venue)
            placed[sid] = _Placement(session, span, assignment.room, tuple(assignment.workers))
    for entry in solution.unassigned:
        sid = entry.session
        if sid not in scn.session_by_id:
            out.append(Violation(1, "unknown_unassigned", sessions=(sid,)))
        elif sid in placed:
            out.append(Violation(1, "assigned_and_unassigned", _day_of(scn, sid), (sid,)))
        elif sid in unassigned:
            out.append(Violation(1, "unassigned_twice", _day_of(scn, sid), (sid,)))
        unassigned.add(sid)
    for session in scn.sessions:
        if session.id not in placed and session.id not in unassigned:
            out.append(Violation(1, "not_listed", session.day, (session.id,)))
    return placed


def _check_rooms_and_children(
    scn: Scenario, placed: dict[str, _Placement], out: list[Violation]
) -> None:
    """Rules 4 and 9: a room's sessions a turnaround apart, a child in one session at a time."""
    rooms, children = defaultdict(list), defaultdict(list)
    for placement in placed.values():
        span = placement.span
        if span.venue is not None:
            rooms[(placement.room, span.day)].append(span)
        for child in placement.session.children:
            children[(child, span.day)].append(span)
    for (room, day), spans in sorted(rooms.items()):
        for earlier, later in overlapping_pairs(spans, scn.turnaround):
            gap, pair = {"turnaround": scn.turnaround}, _two(earlier, later)
            out.append(Violation(4, "room_turnaround", day, rooms=(room,), details=gap, **pair))
    for (child, day), spans in sorted(children.items()):
        for earlier, later in overlapping_pairs(spans):
            out.append(
                Violation(9, "child_overlap", day, children=(child,), **_two(earlier, later))
            )


def _check_availability(
    scn: Scenario, placed: dict[str, _Placement], out: list[Violation]
) -> dict[tuple[str, str], list[Span]]:
    """Rule 6: workers busy (transport included) only when available; their spans by day."""
    worker_days = defaultdict(list)
    for placement in placed.values():
        session, span = placement.session, placement.span
        before, after = session.transport_before, session.transport_after
        busy = Span(span.sid, span.day, span.start - before, span.end + after, span.venue)
        for wid in dict.fromkeys(w for w in placement.workers if w in scn.worker_by_id):
            windows = scn.worker_by_id[wid].windows(busy.day)
            if not any(opens <= busy.start and busy.end <= closes for opens, closes in windows):
                times = ((busy.start, busy.end),)
                out.append(
                    Violation(6, "unavailable", busy.day, (busy.sid,), times, workers=(wid,))
                )
            worker_days[(wid, busy.day)].append(busy)
    return worker_days


def _check_routes_and_contracts(
    scn: Scenario, worker_days: dict[tuple[str, str], list[Span]], out: list[Violation]
) -> dict[str, tuple[int, int]]:
    """Rules 7 and 8: each worker-day's route, then the contracts; (busy, travel) by worker."""
    usage = {worker.id: (0, 0) for worker in scn.workers}
    for (wid, _day), spans in sorted(worker_days.items()):
        busy, travel = usage[wid]
        busy += sum(span.end - span.start for span in spans)
        usage[wid] = (busy, travel + route_travel(scn, wid, spans, out))
    for wid, (busy, travel) in usage.items():
        contract = scn.worker_by_id[wid].contract_minutes
        if busy + travel > contract:
            figures = {"busy": busy, "travel": travel, "contract": contract}
            out.append(Violation(8, "contract", workers=(wid,), details=figures))
    return usage


def _check_pins(scn: Scenario, solution: Solution, out: list[Violation]) -> None:
    """Rule 10: a pinned session has its pinned start, room and workers (first assignment)."""
    given = {}
    for assignment in solution.assignments:
        given.setdefault(assignment.session, assignment)
    for pin in scn.pinned:
        found = given.get(pin.session)
        wanted = (pin.start, pin.room, sorted(pin.workers))
        if found is None or (found.start, found.room, sorted(found.workers)) != wanted:
            held = None if found is None else (found.start, found.room, tuple(found.workers))
            where = {"pinned": (pin.start, pin.room, tuple(pin.workers)), "found": held}
            out.append(
                Violation(10, "pin", _day_of(scn, pin.session), (pin.session,), details=where)
            )


def _day_of(scn: Scenario, sid: str) -> str | None:
    session = scn.session_by_id.get(sid)
    return None if session is None else session.day


def _check_time_and_room(scn: Scenario, p: _Placement, out: list[Violation]) -> None:
    s, span, sid = p.session, p.span, p.span.sid
    at = {"day": span.day, "sessions": (sid,), "times": ((span.start, span.end),)}
    if not s.earliest_start <= span.start <= s.latest_start:
        window = {"earliest": s.earliest_start, "latest": s.latest_start}
        out.append(Violation(2, "window", details=window, **at))
    if span.start % scn.granularity:
        out.append(Violation(2, "off_grid", details={"grid": scn.granularity}, **at))
    named = {"day": span.day, "sessions": (sid,)}
    if s.virtual:
        if p.room is not None:
            out.append(Violation(3, "virtual_room", rooms=(p.room,), **named))
        return
    room = scn.room_by_id.get(p.room) if p.room is not None else None
    if room is None:
        given = () if p.room is None else (p.room,)
        out.append(Violation(3, "unknown_room", rooms=given, **named))
        return
    venue = scn.venue_by_id[room.venue]
    if not venue.open <= span.start <= span.end <= venue.close:
        out.append(Violation(2, "opening_hours", venues=(venue.id,), **at))
    if venue.id not in s.venues:
        allowed = {"allowed": tuple(s.venues)}
        out.append(Violation(3, "wrong_venue", venues=(venue.id,), details=allowed, **named))
    in_room = {"rooms": (room.id,), **named}
    for feature in sorted(s.needed_features - room.features):
        out.append(Violation(3, "missing_feature", details={"feature": feature}, **in_room))
    if room.capacity < s.participants:
        sizes = {"people": s.participants, "capacity": room.capacity}
        out.append(Violation(3, "room_too_small", details=sizes, **in_room))
    for a, b in room.closed_on(span.day):
        if span.start < b and a < span.end:
            closed = {"closed": (a, b)}
            out.append(Violation(3, "room_closed", rooms=(room.id,), details=closed, **at))


def _check_staffing(scn: Scenario, p: _Placement, out: list[Violation]) -> None:
    s, sid = p.session, p.span.sid
    named = {"day": p.span.day, "sessions": (sid,)}
    if len(p.workers) != s.workers_needed or len(set(p.workers)) != len(p.workers):
        needed = {"needed": s.workers_needed}
        out.append(Violation(5, "workers_needed", workers=p.workers, details=needed, **named))
    for w in sorted(set(p.workers)):
        worker = scn.worker_by_id.get(w)
        if worker is None:
            out.append(Violation(5, "unknown_worker", workers=(w,), **named))
        elif w in s.excluded_workers:
            out.append(Violation(5, "excluded_worker", workers=(w,), **named))
        elif lacking := s.worker_skills - worker.skills:
            skills = {"skills": tuple(sorted(lacking))}
            out.append(Violation(5, "missing_skill", workers=(w,), details=skills, **named))


def _evaluate(scn: Scenario, placed: dict, usage: dict, violations: list[Violation]) -> Report:
    w = scn.weights
    missed = Counter(s.priority for s in scn.sessions if s.id not in placed)
    unassigned = {
        prio: _cost("count", missed[prio], w["unassigned"][prio]) for prio in w["unassigned"]
    }
    kinds = Counter(
        scn.worker_by_id[x].kind
        for p in placed.values()
        for x in set(p.workers)
        if x in scn.worker_by_id
    )
    eligible = [p for p in placed.values() if p.session.continuity_workers]
    breaks = sum(1 for p in eligible if not set(p.workers) & set(p.session.continuity_workers))
    travel = sum(t for _, t in usage.values())
    deviation = sum(
        abs(p.span.start - p.session.preferred_start)
        for p in placed.values()
        if p.session.preferred_start is not None
    )
    components = {
        "unassigned": unassigned,
        "travel": _cost("minutes", travel, w["travel_minute"]),
        "continuity_breaks": _cost("count", breaks, w["continuity_break"]),
        "relief_sessions": _cost("count", kinds["relief"], w["relief_session"]),
        "residential_sessions": _cost("count", kinds["residential"], w["residential_session"]),
        "start_deviation": _cost("minutes", deviation, w["start_deviation_minute"]),
    }
    parts = list(unassigned.values()) + [c for k, c in components.items() if k != "unassigned"]
    court = [s.id for s in scn.sessions if s.priority == "court"]
    ratios = {
        x.id: round(sum(usage[x.id]) / x.contract_minutes, 4)
        for x in scn.workers
        if x.contract_minutes > 0
    }
    spread = sorted(ratios.values()) or [None]
    return Report(
        valid=not violations,
        violations=violations,
        objective=round(sum(part["cost"] for part in parts), 3),
        components=components,
        coverage=_rate(len(placed), len(scn.sessions)),
        court_coverage=_rate(sum(1 for sid in court if sid in placed), len(court)),
        travel_minutes=travel,
        continuity_rate=_rate(len(eligible) - breaks, len(eligible), ("kept", "eligible")),
        relief_sessions=kinds["relief"],
        residential_sessions=kinds["residential"],
        utilisation={
            "min": spread[0],
            "median": statistics.median(spread) if spread != [None] else None,
            "max": spread[-1],
            "workers": ratios,
        },
    )
