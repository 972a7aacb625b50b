"""An incremental rota: what is booked, and whether one more booking keeps every rule."""

from __future__ import annotations

from collections import defaultdict

from .check import Span, route_ok
from .model import Assignment, Scenario, Session


class Rota:
    """Bookings of rooms, children and workers, with exact rule checks for one more booking."""

    def __init__(self, scn: Scenario):
        self.scn = scn
        self.rooms: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.children: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.spans: dict[tuple[str, str], list[Span]] = defaultdict(list)
        self.day_travel: dict[tuple[str, str], int] = defaultdict(int)
        self.used: dict[str, int] = defaultdict(int)  # busy + travel minutes in the horizon
        self.assigned: dict[str, Assignment] = {}

    # ----------------------------------------------------------------- queries
    def room_free(self, room: str, day: str, start: int, end: int, ignore: str = "") -> bool:
        t = self.scn.turnaround
        return all(
            end + t <= a or b + t <= start or sid == ignore
            for a, b, sid in self.rooms.get((room, day), ())
        )

    def children_free(self, s: Session, start: int, ignore: str = "") -> bool:
        end = start + s.duration
        return all(
            end <= a or b <= start or sid == ignore
            for c in s.children
            for a, b, sid in self.children.get((c, s.day), ())
        )

    def busy_span(self, s: Session, start: int, venue: str | None) -> Span:
        return Span(
            s.id, s.day, start - s.transport_before, start + s.duration + s.transport_after, venue
        )

    def available(self, worker: str, s: Session, start: int) -> bool:
        a0, b0 = start - s.transport_before, start + s.duration + s.transport_after
        return any(a <= a0 and b0 <= b for a, b in self.scn.worker_by_id[worker].windows(s.day))

    def worker_delta(self, worker: str, s: Session, start: int, venue: str | None) -> int | None:
        """Extra travel minutes if ``worker`` takes ``s`` at ``start``; None if a rule breaks."""
        if not self.available(worker, s, start):
            return None
        key = (worker, s.day)
        span = self.busy_span(s, start, venue)
        spans = self.spans.get(key, [])
        if any(span.start < x.end and x.start < span.end for x in spans):
            return None
        ok, travel = route_ok(self.scn, worker, [*spans, span])
        if not ok or route_locations(self.scn, worker, [*spans, span]) is None:
            return None
        delta = travel - self.day_travel.get(key, 0)
        contract = self.scn.worker_by_id[worker].contract_minutes
        if self.used[worker] + delta + (span.end - span.start) > contract:
            return None
        return delta

    # ----------------------------------------------------------------- changes
    def add(self, a: Assignment) -> None:
        s = self.scn.session_by_id[a.session]
        end = a.start + s.duration
        venue = None
        if a.room is not None:
            venue = self.scn.room_by_id[a.room].venue
            self.rooms[(a.room, s.day)].append((a.start, end, s.id))
        for c in s.children:
            self.children[(c, s.day)].append((a.start, end, s.id))
        for w in dict.fromkeys(a.workers):
            self._rebook(w, s.day, add=self.busy_span(s, a.start, venue))
        self.assigned[a.session] = a

    def remove(self, sid: str) -> Assignment | None:
        a = self.assigned.pop(sid, None)
        if a is None:
            return None
        s = self.scn.session_by_id[sid]
        if a.room is not None:
            key = (a.room, s.day)
            self.rooms[key] = [x for x in self.rooms[key] if x[2] != sid]
        for c in s.children:
            key = (c, s.day)
            self.children[key] = [x for x in self.children[key] if x[2] != sid]
        for w in dict.fromkeys(a.workers):
            self._rebook(w, s.day, drop=sid)
        return a

    def _rebook(self, worker: str, day: str, add: Span | None = None, drop: str = "") -> None:
        key = (worker, day)
        old = self.spans.get(key, [])
        new = [x for x in old if x.sid != drop] + ([add] if add else [])
        _, travel = route_ok(self.scn, worker, new)
        busy_old = sum(x.end - x.start for x in old)
        busy_new = sum(x.end - x.start for x in new)
        self.used[worker] += busy_new - busy_old + travel - self.day_travel.get(key, 0)
        self.spans[key] = new
        self.day_travel[key] = travel

    def fits(self, a: Assignment) -> bool:
        """Whether assignment ``a`` (of a session not yet booked) keeps every rule."""
        scn = self.scn
        s = scn.session_by_id.get(a.session)
        if s is None or a.session in self.assigned:
            return False
        if not (s.earliest_start <= a.start <= s.latest_start) or a.start % scn.granularity:
            return False
        end = a.start + s.duration
        venue = None
        if s.virtual:
            if a.room is not None:
                return False
        else:
            room = scn.room_by_id.get(a.room) if a.room else None
            if room is None or not room_suits(scn, s, room.id):
                return False
            v = scn.venue_by_id[room.venue]
            if not (v.open <= a.start and end <= v.close):
                return False
            if any(a.start < y and x < end for x, y in room.closed_on(s.day)):
                return False
            if not self.room_free(room.id, s.day, a.start, end):
                return False
            venue = room.venue
        if not self.children_free(s, a.start):
            return False
        if len(a.workers) != s.workers_needed or len(set(a.workers)) != len(a.workers):
            return False
        if not all(worker_suits(scn, s, w) for w in a.workers):
            return False
        return all(self.worker_delta(w, s, a.start, venue) is not None for w in a.workers)


def room_suits(scn: Scenario, s: Session, room_id: str) -> bool:
    room = scn.room_by_id[room_id]
    return (
        room.venue in s.venues
        and s.needed_features <= room.features
        and room.capacity >= s.participants
    )


def worker_suits(scn: Scenario, s: Session, worker_id: str) -> bool:
    w = scn.worker_by_id.get(worker_id)
    return (
        w is not None
        and worker_id not in s.excluded_workers
        and s.worker_skills <= w.skills
        and bool(w.windows(s.day))
    )


def session_starts(scn: Scenario, s: Session) -> list[int]:
    """Grid starts in the session's window, preferred first."""
    g = scn.granularity
    first = -(-s.earliest_start // g) * g
    starts = list(range(first, s.latest_start + 1, g))
    pref = s.preferred_start if s.preferred_start is not None else s.earliest_start
    return sorted(starts, key=lambda t: (abs(t - pref), t))


def room_starts_ok(scn: Scenario, s: Session, room_id: str, start: int) -> bool:
    room = scn.room_by_id[room_id]
    v = scn.venue_by_id[room.venue]
    end = start + s.duration
    if not (v.open <= start and end <= v.close):
        return False
    return not any(start < y and x < end for x, y in room.closed_on(s.day))


def route_locations(scn: Scenario, worker: str, spans: list) -> list | None:
    """Where each of a worker-day's spans is, in time order, as the CP-SAT route model sees it.

    A virtual session has no venue; the model places it at the venue of the session before or
    after it (or the base), which costs no extra travel, and then needs each leg to fit in the
    gap before the next span. Returns [(span, location)] or None when no placement fits; the
    greedy keeps to rotas the model can represent, so its rota is always a valid hint.
    """
    seq = sorted(spans, key=lambda x: (x.start, x.end, x.sid))
    base = scn.worker_by_id[worker].base
    options = []
    for i, x in enumerate(seq):
        if x.venue is not None:
            options.append([x.venue])
            continue
        before = next((y.venue for y in reversed(seq[:i]) if y.venue is not None), base)
        after = next((y.venue for y in seq[i + 1 :] if y.venue is not None), base)
        opts = list(dict.fromkeys(v for v in (before, after) if v is not None)) or [None]
        options.append(opts)
    # Forward pass: for each option of span i, the option of span i-1 it can follow.
    back: list[dict] = []
    reach = dict.fromkeys(options[0]) if seq else {}
    back.append(reach)
    for i in range(1, len(seq)):
        p, q = seq[i - 1], seq[i]
        nxt = {}
        for lq in options[i]:
            for lp in back[-1]:
                if q.start - p.end >= scn.travel(lp, lq):
                    nxt[lq] = lp
                    break
        if not nxt:
            return None
        back.append(nxt)
    if not seq:
        return []
    locs = [next(iter(back[-1]))]
    for i in range(len(seq) - 1, 0, -1):
        locs.append(back[i][locs[-1]])
    locs.reverse()
    return list(zip(seq, locs, strict=True))
