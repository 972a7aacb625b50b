"""Reasons a person understands for a session left unassigned."""

from __future__ import annotations

import datetime

from .model import Scenario, Solution, clock
from .rota import Rota, room_starts_ok, room_suits, session_starts, worker_suits


def _when(scn: Scenario, sid: str) -> str:
    s = scn.session_by_id[sid]
    try:
        day = datetime.date.fromisoformat(s.day).strftime("%A")
    except ValueError:
        day = s.day
    return f"{day} {clock(s.earliest_start)}–{clock(s.latest_start + s.duration)}"


def _needs(scn: Scenario, sid: str) -> str:
    s = scn.session_by_id[sid]
    return " and ".join(sorted(s.worker_skills))


def explain_with_rota(scn: Scenario, sid: str, rota: Rota) -> str:
    """Why ``sid`` cannot be added to the rota as booked (which resource class is exhausted)."""
    s = scn.session_by_id[sid]
    when = _when(scn, sid)
    skills = _needs(scn, sid)
    worker_word = f"worker with {skills}" if skills else "worker"
    eligible = [w.id for w in scn.workers if worker_suits(scn, s, w.id)]
    if not eligible:
        return f"no {worker_word} available on {when}"
    starts = session_starts(scn, s)
    if not s.virtual:
        rooms = [
            r.id for v in s.venues for r in scn.venue_by_id[v].rooms if room_suits(scn, s, r.id)
        ]
        features = sorted(s.needed_features)
        if not rooms:
            what = f"with {', '.join(features)} " if features else ""
            return f"no room {what}for {s.participants} people at {', '.join(s.venues)}"
        open_rooms = [r for r in rooms if any(room_starts_ok(scn, s, r, t) for t in starts)]
        if not open_rooms:
            return f"no room at {', '.join(s.venues)} open and not closed on {when}"
    if not any(any(rota.available(w, s, t) for t in starts) for w in eligible):
        return f"no {worker_word} available on {when}"
    child_ok = [t for t in starts if rota.children_free(s, t, ignore=sid)]
    if not child_ok:
        return f"a child of this family is in another session on {when}"
    room_ok = {}
    for t in child_ok:
        if s.virtual:
            room_ok[t] = [None]
        else:
            room_ok[t] = [
                scn.room_by_id[r].venue
                for r in rooms
                if room_starts_ok(scn, s, r, t) and rota.room_free(r, s.day, t, t + s.duration, sid)
            ]
    if not any(room_ok.values()):
        features = sorted(s.needed_features)
        if features:
            return f"no room with {', '.join(features)} free on {when}"
        return f"all rooms at {', '.join(s.venues)} full on {when}"
    free_any = set()
    for t in child_ok:
        venues = set(room_ok[t]) or {None}
        for w in eligible:
            if any(_free(rota, w, s, t, v, sid) for v in venues):
                free_any.add(w)
    cont = [w for w in s.continuity_workers if w in eligible]
    if len(free_any) < s.workers_needed:
        if cont and not free_any & set(cont):
            who = "both continuity workers" if len(cont) == 2 else "the continuity workers"
            if len(cont) == 1:
                who = "the continuity worker"
            return f"{who} busy and no other {worker_word} free on {when}"
        return f"no {worker_word} free on {when}"
    # Rooms and workers exist, but not at one start together.
    for t in child_ok:
        for v in set(room_ok[t]):
            free = [w for w in eligible if _free(rota, w, s, t, v, sid)]
            if len(free) >= s.workers_needed:
                return "left for a higher-priority session (it fits only by moving others)"
    n = "two workers" if s.workers_needed == 2 else f"a {worker_word}"
    return f"no start on {when} when a room and {n} are free together"


def _free(rota: Rota, w: str, s, t: int, venue, sid: str) -> bool:
    return rota.worker_delta(w, s, t, venue) is not None


def explain_unassigned(scenario: Scenario, session_id: str, partial_solution: Solution) -> str:
    """Why ``session_id`` is not in ``partial_solution`` (checked against that rota)."""
    rota = Rota(scenario)
    for a in partial_solution.assignments:
        if a.session != session_id and a.session in scenario.session_by_id:
            rota.add(a)
    return explain_with_rota(scenario, session_id, rota)
