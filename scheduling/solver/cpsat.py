"""The CP-SAT solver: day models in two stages (coverage, then cost), greedy warm start."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.sat.python import cp_model

from .check import Report, Span, check
from .greedy import Greedy, change_stats, check_pins, sanitize
from .model import Assignment, Scenario, Session, Solution, Unassigned
from .rota import (
    Rota,
    room_starts_ok,
    room_suits,
    route_locations,
    session_starts,
    worker_suits,
)

CHANGE_WEIGHT = 50  # objective units per session moved from the previous rota


def integer_scale(values: list[float], limit: int = 1000) -> int:
    """The least integer factor that makes every weight whole (at most ``limit``)."""
    scale = 1
    for v in values:
        scale = (
            scale
            * Fraction(v).limit_denominator(limit).denominator
            // _gcd(scale, Fraction(v).limit_denominator(limit).denominator)
        )
    return min(scale, limit)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


@dataclass
class DayResult:
    day: str
    assignments: dict[str, Assignment]
    stages: list[dict] = field(default_factory=list)
    coverage_bound: float | None = None  # lower bound on unassigned penalty, objective units
    coverage_optimal: bool = False
    cost_bound: float | None = None
    total_bound: float | None = None  # lower bound on the day's objective (relaxation)


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[float, float], None]):
        super().__init__()
        self.report = report
        self.last = 0.0

    def on_solution_callback(self) -> None:
        now = time.monotonic()
        if now - self.last >= 0.3:
            self.last = now
            self.report(self.ObjectiveValue(), self.BestObjectiveBound())


class DayModel:
    """One day of the rota as a CP-SAT model (days only share contract minutes)."""

    def __init__(
        self,
        scn: Scenario,
        day: str,
        incumbent: dict[str, Assignment],
        caps: dict[str, int],
        previous: dict[str, Assignment | None] | None,
        max_workers: int,
        relaxed: bool = False,
    ):
        """``relaxed``: no routes nor travel (a relaxation, for a proven coverage bound)."""
        self.scn, self.day = scn, day
        self.model = cp_model.CpModel()
        self.grid = scn.granularity
        self.weights = weights = scn.weights
        self.scale = integer_scale(
            [
                weights["travel_minute"],
                weights["continuity_break"],
                weights["relief_session"],
                weights["residential_session"],
                weights["start_deviation_minute"],
                *weights["unassigned"].values(),
            ]
        )
        self.sessions = [s for s in scn.sessions if s.day == day]
        # Per session id: whether it is placed, its start in grid units, its room and workers.
        self.placed: dict[str, cp_model.IntVar] = {}
        self.start_slot: dict[str, cp_model.IntVar] = {}
        self.in_room: dict[str, dict[str, cp_model.IntVar]] = {}
        self.staffed: dict[str, dict[str, cp_model.IntVar]] = {}
        self.venue_lits_of: dict[str, dict[str, cp_model.IntVar]] = {}
        self.broken, self.deviation, self.kept = {}, {}, {}
        self.prev_of = previous or {}
        self.cands: dict[str, list[str]] = {}
        self._placements: list[tuple[Session, cp_model.IntVar]] = []
        self._costs: list = []
        self._room_intervals = defaultdict(list)
        self._worker_intervals = defaultdict(list)
        self._child_intervals = defaultdict(list)
        self._worker_sessions: dict[str, list[Session]] = defaultdict(list)

        for session in self.sessions:
            self._add_session(session, incumbent, previous, max_workers)
        self._forbid_overlaps()
        self._add_routes_and_contracts(caps, relaxed)
        self._sum_objective_parts(incumbent)
        self._hint(incumbent)

    # --------------------------------------------------------------- sessions
    def _add_session(
        self,
        session: Session,
        incumbent: dict[str, Assignment],
        previous: dict[str, Assignment | None] | None,
        max_workers: int,
    ) -> None:
        """The session's variables, rules and costs, unless it cannot be placed on this day."""
        pin = self.scn.pin_by_session.get(session.id)
        prev = previous.get(session.id) if previous else None
        starts, rooms = self._starts_and_rooms(session, pin)
        workers = self._candidate_workers(
            session, pin, starts, incumbent.get(session.id), prev, max_workers
        )
        if not starts or len(workers) < session.workers_needed:
            return
        if not session.virtual and not rooms:
            return
        self.cands[session.id] = list(workers)
        self._add_placement(session, pin, starts)
        self.venue_lits_of[session.id] = self._add_rooms(session, rooms, starts)
        self._add_staff(session, workers, starts)
        self._add_child_interval(session)
        self._add_continuity(session)
        self._add_start_deviation(session, starts)
        if previous is not None and pin is None:
            self._costs.append(CHANGE_WEIGHT * self.scale * self._change_literal(session, prev))

    def _starts_and_rooms(self, session: Session, pin) -> tuple[list[int], dict[str, list[int]]]:
        """The session's possible starts, and for each possible room the starts it allows."""
        scn = self.scn
        starts = [pin.start] if pin is not None else session_starts(scn, session)
        rooms: dict[str, list[int]] = {}
        if session.virtual:
            return starts, rooms
        if pin is not None:
            pool = [pin.room]
        else:
            pool = [
                r.id
                for v in session.venues
                for r in scn.venue_by_id[v].rooms
                if room_suits(scn, session, r.id)
            ]
        for room_id in pool:
            fitting = [t for t in starts if room_starts_ok(scn, session, room_id, t)]
            if fitting:
                rooms[room_id] = fitting
        return sorted({t for fitting in rooms.values() for t in fitting}), rooms

    def _candidate_workers(
        self,
        session: Session,
        pin,
        starts: list[int],
        current: Assignment | None,
        prev: Assignment | None,
        max_workers: int,
    ) -> dict[str, list[int]]:
        """Workers who may take the session, each with the starts they can; the best few kept."""
        scn = self.scn
        if pin is not None:
            pool = list(pin.workers)
        else:
            pool = [w.id for w in scn.workers if worker_suits(scn, session, w.id)]
        workers: dict[str, list[int]] = {}
        for wid in pool:
            fitting = [t for t in starts if _fits_window(scn, wid, session, t)]
            if fitting:
                workers[wid] = fitting
        limit = max(max_workers, session.workers_needed + 2)
        if pin is None and len(workers) > limit:
            # Whoever holds it now or held it before stays a candidate, so the hint stays valid.
            keep = {wid for a in (current, prev) if a for wid in a.workers}
            ranked = sorted(workers, key=lambda wid: self._rank(session, wid))
            chosen = set(ranked[:limit]) | (keep & set(workers))
            workers = {k: v for k, v in workers.items() if k in chosen}
        return workers

    def _add_placement(self, session: Session, pin, starts: list[int]) -> None:
        model = self.model
        placed = model.NewBoolVar(f"x_{session.id}")
        self.placed[session.id] = placed
        if pin is not None:
            model.Add(placed == 1)
        units = [t // self.grid for t in starts]
        start_slot = model.NewIntVarFromDomain(
            cp_model.Domain.FromValues(units), f"st_{session.id}"
        )
        self.start_slot[session.id] = start_slot
        self._placements.append((session, placed))

    def _add_rooms(
        self, session: Session, rooms: dict[str, list[int]], starts: list[int]
    ) -> dict[str, cp_model.IntVar]:
        """One literal per room (exactly one when placed); returns the literal of each venue."""
        if session.virtual:
            return {}
        model, grid = self.model, self.grid
        placed, start_slot = self.placed[session.id], self.start_slot[session.id]
        in_room = {}
        for room_id, fitting in rooms.items():
            lit = model.NewBoolVar(f"y_{session.id}_{room_id}")
            in_room[room_id] = lit
            if len(fitting) < len(starts):
                allowed = [[t // grid] for t in fitting]
                model.AddAllowedAssignments([start_slot], allowed).OnlyEnforceIf(lit)
            interval = model.NewOptionalFixedSizeIntervalVar(
                grid * start_slot,
                session.duration + self.scn.turnaround,
                lit,
                f"ri_{session.id}_{room_id}",
            )
            self._room_intervals[room_id].append(interval)
        model.AddExactlyOne([*in_room.values(), placed.Not()])
        self.in_room[session.id] = in_room
        by_venue = defaultdict(list)
        for room_id, lit in in_room.items():
            by_venue[self.scn.room_by_id[room_id].venue].append(lit)
        venue_lits = {}
        for venue, lits in by_venue.items():
            if len(by_venue) == 1:
                venue_lits[venue] = placed
            else:
                at_venue = model.NewBoolVar(f"v_{session.id}_{venue}")
                model.Add(at_venue == sum(lits))
                venue_lits[venue] = at_venue
        return venue_lits

    def _add_staff(
        self, session: Session, workers: dict[str, list[int]], starts: list[int]
    ) -> None:
        """One literal per candidate worker, their busy interval, and the cost of their kind."""
        model, grid, weights = self.model, self.grid, self.weights
        placed, start_slot = self.placed[session.id], self.start_slot[session.id]
        staffed = {}
        for wid, fitting in workers.items():
            lit = model.NewBoolVar(f"z_{session.id}_{wid}")
            staffed[wid] = lit
            if len(fitting) < len(starts):
                allowed = [[t // grid] for t in fitting]
                model.AddAllowedAssignments([start_slot], allowed).OnlyEnforceIf(lit)
            interval = model.NewOptionalFixedSizeIntervalVar(
                grid * start_slot - session.transport_before,
                session.transport_before + session.duration + session.transport_after,
                lit,
                f"wi_{session.id}_{wid}",
            )
            self._worker_intervals[wid].append(interval)
            self._worker_sessions[wid].append(session)
            kind = self.scn.worker_by_id[wid].kind
            kind_weight = weights["relief_session"] if kind == "relief" else 0
            kind_weight = weights["residential_session"] if kind == "residential" else kind_weight
            if kind_weight:
                self._costs.append(round(kind_weight * self.scale) * lit)
        model.Add(sum(staffed.values()) == session.workers_needed * placed)
        self.staffed[session.id] = staffed

    def _add_child_interval(self, session: Session) -> None:
        interval = self.model.NewOptionalFixedSizeIntervalVar(
            self.grid * self.start_slot[session.id],
            session.duration,
            self.placed[session.id],
            f"ci_{session.id}",
        )
        for child in session.children:
            self._child_intervals[child].append(interval)

    def _add_continuity(self, session: Session) -> None:
        """A break literal, forced on when none of the continuity workers takes the session."""
        if not session.continuity_workers:
            return
        model = self.model
        broken = model.NewBoolVar(f"b_{session.id}")
        self.broken[session.id] = broken
        staffed = self.staffed[session.id]
        continuity = [staffed[c] for c in session.continuity_workers if c in staffed]
        model.Add(sum(continuity) + broken >= 1).OnlyEnforceIf(self.placed[session.id])
        self._costs.append(round(self.weights["continuity_break"] * self.scale) * broken)

    def _add_start_deviation(self, session: Session, starts: list[int]) -> None:
        """Minutes between the start and the preferred one, when the session has one."""
        preferred = session.preferred_start
        if preferred is None:
            return
        model, grid = self.model, self.grid
        placed, start_slot = self.placed[session.id], self.start_slot[session.id]
        deviations = [abs(t - preferred) for t in starts]
        deviation = model.NewIntVar(0, max(deviations), f"d_{session.id}")
        self.deviation[session.id] = deviation
        model.Add(deviation >= grid * start_slot - preferred).OnlyEnforceIf(placed)
        model.Add(deviation >= preferred - grid * start_slot).OnlyEnforceIf(placed)
        weight = self.weights["start_deviation_minute"] * self.scale
        self._costs.append(round(weight) * deviation)

    # ------------------------------------------------------------ whole day
    def _forbid_overlaps(self) -> None:
        for intervals in (self._room_intervals, self._child_intervals, self._worker_intervals):
            for ivs in intervals.values():
                if len(ivs) > 1:
                    self.model.AddNoOverlap(ivs)

    def _add_routes_and_contracts(self, caps: dict[str, int], relaxed: bool) -> None:
        """Routes: one circuit per worker, nodes = (session, venue); travel on the arcs."""
        scn, model = self.scn, self.model
        self.arcs: dict[str, list] = {}
        self.nodes: dict[str, list] = {}
        for wid, sessions in self._worker_sessions.items():
            travel = 0 if relaxed else self._route(wid, sessions)
            busy = sum(
                (s.transport_before + s.duration + s.transport_after) * self.staffed[s.id][wid]
                for s in sessions
            )
            model.Add(busy + travel <= caps.get(wid, scn.worker_by_id[wid].contract_minutes))
            self._costs.append(round(self.weights["travel_minute"] * self.scale) * travel)

    def _sum_objective_parts(self, incumbent: dict[str, Assignment]) -> None:
        """Uncovered penalty and cost in scaled units; the penalty of sessions left out."""
        unassigned, scale = self.weights["unassigned"], self.scale
        self.uncovered = sum(
            round(unassigned[s.priority] * scale) * (1 - placed) for s, placed in self._placements
        )
        self.fixed_penalty = sum(
            unassigned[s.priority] for s in self.sessions if s.id not in self.placed
        )
        self.cost = sum(self._costs)
        self.incumbent_uncovered = sum(
            round(unassigned[s.priority] * scale)
            for s in self.sessions
            if s.id in self.placed and s.id not in incumbent
        )

    # --------------------------------------------------------------------- parts
    def _rank(self, s: Session, wid: str) -> tuple:
        worker = self.scn.worker_by_id[wid]
        kind = {"permanent": 0, "residential": 10, "relief": 25}.get(worker.kind, 0)
        base = min((self.scn.travel(worker.base, v) for v in s.venues), default=0)
        cont = -1000 if wid in s.continuity_workers else 0
        return (cont + kind + base, wid)

    def _change_literal(self, s: Session, prev: Assignment | None):
        model = self.model
        placed = self.placed[s.id]
        if prev is None:
            return placed
        kept = model.NewBoolVar(f"k_{s.id}")
        self.kept[s.id] = kept
        staffed, in_room = self.staffed[s.id], self.in_room.get(s.id, {})
        can = prev.start % self.grid == 0 and all(wid in staffed for wid in prev.workers)
        can = can and (prev.room is None or prev.room in in_room)
        if not can:
            model.Add(kept == 0)
        else:
            model.Add(self.start_slot[s.id] == prev.start // self.grid).OnlyEnforceIf(kept)
            model.AddImplication(kept, placed)
            if prev.room is not None:
                model.AddImplication(kept, in_room[prev.room])
            for wid in prev.workers:
                model.AddImplication(kept, staffed[wid])
        return 1 - kept

    def _route_nodes(self, wid: str, sessions: list[Session]) -> list:
        """(session, venue, literal) for each place the worker may take each session at."""
        model = self.model
        base = self.scn.worker_by_id[wid].base
        places = sorted({v for s in sessions if not s.virtual for v in self.venue_lits_of[s.id]})
        if base is not None and base not in places:
            places.append(base)
        places = places or [None]
        nodes = []
        for s in sessions:
            staffed = self.staffed[s.id][wid]
            if s.virtual:
                opts = places
                if len(opts) > 1:
                    lits = [model.NewBoolVar(f"n_{s.id}_{wid}_{v}") for v in opts]
                    model.Add(sum(lits) == staffed)
                else:
                    lits = [staffed]
            else:
                venue_lits = self.venue_lits_of[s.id]
                opts = list(venue_lits)
                if len(opts) == 1:
                    lits = [staffed]
                else:
                    lits = [model.NewBoolVar(f"n_{s.id}_{wid}_{v}") for v in opts]
                    model.Add(sum(lits) == staffed)
                    for v, lit in zip(opts, lits, strict=True):
                        model.AddImplication(lit, venue_lits[v])
            for v, lit in zip(opts, lits, strict=True):
                nodes.append((s, v, lit))
        return nodes

    def _route(self, wid: str, sessions: list[Session]):
        scn, model, grid = self.scn, self.model, self.grid
        base = scn.worker_by_id[wid].base
        nodes = self._route_nodes(wid, sessions)
        arcs = []
        travel_terms = []
        idle = model.NewBoolVar(f"idle_{wid}")
        arcs.append((0, 0, idle))
        for i, (_s, v, lit) in enumerate(nodes, start=1):
            model.AddImplication(lit, idle.Not())
            arcs.append((i, i, lit.Not()))
            a_out = model.NewBoolVar("")
            a_in = model.NewBoolVar("")
            arcs.append((0, i, a_out))
            arcs.append((i, 0, a_in))
            if base is not None and v is not None:
                t = scn.travel(base, v)
                if t:
                    travel_terms.append(t * a_out)
                    travel_terms.append(t * a_in)
        lo, hi = {}, {}
        for s in sessions:
            starts = list(model.Proto().variables[self.start_slot[s.id].Index()].domain)
            lo[s.id] = starts[0] * grid - s.transport_before
            hi[s.id] = starts[-1] * grid + s.duration + s.transport_after
        for i, (s1, v1, _) in enumerate(nodes, start=1):
            end_lo = lo[s1.id] + s1.transport_before + s1.duration + s1.transport_after
            end_hi = hi[s1.id]
            for j, (s2, v2, _) in enumerate(nodes, start=1):
                if s1.id == s2.id:
                    continue
                t = scn.travel(v1, v2)
                start_hi = hi[s2.id] - s2.duration - s2.transport_after - s2.transport_before
                start_lo = lo[s2.id]
                if end_lo + t > start_hi:
                    continue  # s1 cannot come before s2
                arc = model.NewBoolVar("")
                arcs.append((i, j, arc))
                if end_hi + t > start_lo:
                    model.Add(
                        grid * self.start_slot[s1.id] + s1.duration + s1.transport_after + t
                        <= grid * self.start_slot[s2.id] - s2.transport_before
                    ).OnlyEnforceIf(arc)
                if t:
                    travel_terms.append(t * arc)
        model.AddCircuit(arcs)
        self.arcs[wid] = arcs
        self.nodes[wid] = nodes
        return sum(travel_terms) if travel_terms else 0

    def _hint(self, incumbent: dict[str, Assignment]) -> None:
        """Hint the incumbent rota: assignments, and each worker's route in time order."""
        hint: dict = {}  # variable index -> (variable, value)
        self._hint_assignments(hint, incumbent)
        self._hint_objective_parts(hint, incumbent)
        for wid, nodes in self.nodes.items():
            self._hint_route(hint, incumbent, wid, nodes)
        for var, value in hint.values():
            self.model.AddHint(var, value)

    def _hint_assignments(self, hint: dict, incumbent: dict[str, Assignment]) -> None:
        model, grid, scn = self.model, self.grid, self.scn
        for sid, placed in self.placed.items():
            a = incumbent.get(sid)
            start_slot = self.start_slot[sid]
            fits = (
                a is not None
                and a.start // grid in _domain_values(model, start_slot)
                and all(w in self.staffed[sid] for w in a.workers)
                and (a.room is None or a.room in self.in_room.get(sid, {}))
            )
            _set(hint, placed, int(fits))
            if fits:
                _set(hint, start_slot, a.start // grid)
            else:
                _set(hint, start_slot, min(_domain_values(model, start_slot)))
            venue = scn.room_by_id[a.room].venue if fits and a.room else None
            for v, lit in self.venue_lits_of.get(sid, {}).items():
                if lit is not placed:
                    _set(hint, lit, int(v == venue))
            for r, lit in self.in_room.get(sid, {}).items():
                _set(hint, lit, int(fits and a.room == r))
            for wid, lit in self.staffed[sid].items():
                _set(hint, lit, int(fits and wid in a.workers))

    def _hint_objective_parts(self, hint: dict, incumbent: dict[str, Assignment]) -> None:
        scn = self.scn
        for sid, placed in self.placed.items():
            a = incumbent.get(sid) if _get(hint, placed) else None
            s = scn.session_by_id[sid]
            if sid in self.broken:
                broken = a is not None and not set(a.workers) & set(s.continuity_workers)
                _set(hint, self.broken[sid], int(broken))
            if sid in self.deviation:
                _set(hint, self.deviation[sid], abs(a.start - s.preferred_start) if a else 0)
            if sid in self.kept:
                p = self.prev_of.get(sid)
                same = a is not None and p is not None and _key(a) == _key(p)
                _set(hint, self.kept[sid], int(same))

    def _hint_route(
        self, hint: dict, incumbent: dict[str, Assignment], wid: str, nodes: list
    ) -> None:
        """The worker's hinted sessions in time order, as a path from and back to node 0."""
        scn = self.scn
        mine = [
            (incumbent[s.id].start, s)
            for s in {n[0].id: n[0] for n in nodes}.values()
            if _get(hint, self.staffed[s.id][wid]) == 1
        ]
        spans = []
        for _start, s in mine:
            a = incumbent[s.id]
            venue = None if s.virtual else scn.room_by_id[a.room].venue
            spans.append(
                Span(
                    s.id,
                    s.day,
                    a.start - s.transport_before,
                    a.start + s.duration + s.transport_after,
                    venue,
                )
            )
        located = route_locations(scn, wid, spans) or [(span, span.venue) for span in spans]
        route = [(span.sid, loc) for span, loc in located]
        chosen = {}
        for i, (s, v, _) in enumerate(nodes, start=1):
            chosen[(s.id, v)] = i
        seq = []
        for sid, v in route:
            i = chosen.get((sid, v))
            if i is None:  # location not offered: any copy of the session
                i = next(k for k, (s, _, _) in enumerate(nodes, start=1) if s.id == sid)
            seq.append(i)
        on = set()
        if seq:
            path = [0, *seq, 0]
            on = set(zip(path, path[1:], strict=False))
        for i, (_s, _v, lit) in enumerate(nodes, start=1):
            if _get(hint, lit) is None:
                _set(hint, lit, int(i in seq))
        for i, j, lit in self.arcs[wid]:
            if i == j:
                continue
            _set(hint, lit, int((i, j) in on))
        _set(hint, self.arcs[wid][0][2], int(not seq))

    def assignments(self, solver: cp_model.CpSolver) -> dict[str, Assignment]:
        out = {}
        for sid, placed in self.placed.items():
            if not solver.Value(placed):
                continue
            start = solver.Value(self.start_slot[sid]) * self.grid
            room = next(
                (r for r, lit in self.in_room.get(sid, {}).items() if solver.Value(lit)), None
            )
            workers = tuple(w for w, lit in self.staffed[sid].items() if solver.Value(lit))
            out[sid] = Assignment(sid, start, room, workers)
        return out


def _set(hint: dict, var, value: int) -> None:
    hint[var.Index()] = (var, value)


def _get(hint: dict, var) -> int | None:
    got = hint.get(var.Index())
    return None if got is None else got[1]


def _domain_values(m: cp_model.CpModel, var) -> set[int]:
    d = list(m.Proto().variables[var.Index()].domain)
    values = set()
    for a, b in zip(d[::2], d[1::2], strict=True):
        values.update(range(a, b + 1))
    return values


def _fits_window(scn: Scenario, wid: str, s: Session, t: int) -> bool:
    a0, b0 = t - s.transport_before, t + s.duration + s.transport_after
    return any(a <= a0 and b0 <= b for a, b in scn.worker_by_id[wid].windows(s.day))


# ------------------------------------------------------------------------- driver

STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


def _usage_by_day(scn: Scenario, assignments: dict[str, Assignment]) -> dict:
    """{(worker, day): busy + travel minutes} of a rota."""
    rota = Rota(scn)
    for a in assignments.values():
        rota.add(a)
    out = defaultdict(int)
    for (w, day), spans in rota.spans.items():
        out[(w, day)] = sum(x.end - x.start for x in spans) + rota.day_travel[(w, day)]
    return out


def _objective(scn: Scenario, assignments: dict[str, Assignment], prev_keys: dict | None):
    sol = Solution(
        scn.name,
        [assignments[s.id] for s in scn.sessions if s.id in assignments],
        [Unassigned(s.id) for s in scn.sessions if s.id not in assignments],
    )
    report = check(scn, sol)
    value = report.objective
    if prev_keys is not None:
        value += CHANGE_WEIGHT * sum(
            1 for s in scn.sessions if prev_keys.get(s.id) != _key(assignments.get(s.id))
        )
    return report, value


def _key(a: Assignment | None):
    return None if a is None else (a.start, a.room, tuple(sorted(a.workers)))


def solve(
    scenario: Scenario,
    *,
    time_limit: float = 60,
    seed: int = 0,
    deterministic: bool = False,
    previous: Solution | None = None,
    progress: Callable[[dict], None] | None = None,
    max_workers: int | None = None,
) -> Solution:
    """The full solver: greedy warm start, then per day a coverage and a cost stage in CP-SAT.

    The returned rota is always valid: a day model's answer replaces the incumbent (greedy)
    only when the whole rota stays valid and is no worse.
    """
    started = time.monotonic()
    check_pins(scenario)
    notify = _Throttled(progress)
    notify({"stage": "greedy", "fraction": 0.0, "objective": None, "bound": None}, True)
    greedy_rota = Greedy(scenario).run(previous)
    greedy_seconds = time.monotonic() - started
    incumbent = {a.session: a for a in greedy_rota.assignments}
    prev_map, prev_keys = _previous_maps(scenario, previous)
    report, current = _objective(scenario, incumbent, prev_keys)
    greedy_objective = report.objective
    notify({"stage": "greedy", "fraction": 0.05, "objective": current, "bound": None}, True)

    days = _DaySolves(
        scenario,
        time_limit=time_limit,
        seed=seed,
        deterministic=deterministic,
        max_workers=max_workers,
        prev_map=prev_map,
        prev_keys=prev_keys,
        notify=notify,
        started=started,
    )
    incumbent = days.run(incumbent, current, greedy_seconds)
    solution, final = _valid_solution(scenario, incumbent)
    solution.stats = _solve_stats(final, days, greedy_objective, greedy_seconds)
    if previous is not None:
        solution.stats.update(change_stats(previous, solution))
    notify(
        {
            "stage": "done",
            "fraction": 1.0,
            "objective": final.objective,
            "bound": solution.stats["bound"],
        },
        True,
    )
    return solution


class _Throttled:
    """Progress reports at most every 0.25 s unless forced; nothing without a callback."""

    def __init__(self, progress: Callable[[dict], None] | None):
        self.progress = progress
        self.last = 0.0

    def __call__(self, info: dict, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last >= 0.25:
            self.last = now
            self.progress(info)

    @property
    def callback(self) -> _Throttled | None:
        return self if self.progress is not None else None


def _previous_maps(
    scenario: Scenario, previous: Solution | None
) -> tuple[dict | None, dict | None]:
    """Each session's previous assignment (None if it had none), and the key of each."""
    if previous is None:
        return None, None
    prev_map = {s.id: None for s in scenario.sessions}
    prev_map.update({a.session: a for a in previous.assignments if a.session in prev_map})
    prev_keys = {sid: _key(a) for sid, a in prev_map.items()}
    return prev_map, prev_keys


class _DaySolves:
    """The CP-SAT stage of solve, day after day, each on the time its share of sessions earns."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        time_limit: float,
        seed: int,
        deterministic: bool,
        max_workers: int | None,
        prev_map: dict | None,
        prev_keys: dict | None,
        notify: _Throttled,
        started: float,
    ):
        self.scenario, self.time_limit, self.seed = scenario, time_limit, seed
        self.deterministic, self.max_workers, self.started = deterministic, max_workers, started
        self.prev_map, self.prev_keys, self.notify = prev_map, prev_keys, notify
        self.results: list[DayResult] = []
        self.all_optimal = True

    def run(
        self, incumbent: dict[str, Assignment], current: float, greedy_seconds: float
    ) -> dict[str, Assignment]:
        """The incumbent rota after every day had its turn."""
        sessions = self.scenario.sessions
        days = sorted({s.day for s in sessions})
        counts = {d: sum(1 for s in sessions if s.day == d) for d in days}
        total = sum(counts.values()) or 1
        if self.deterministic:  # the same budgets whatever the machine's speed
            budget = max(0.5, self.time_limit * 0.6)
        else:
            budget = max(0.5, self.time_limit * 0.92 - greedy_seconds - 0.5)
        done = 0
        for day in days:
            if self.deterministic:
                day_budget = budget * counts[day] / total
            else:
                remaining = self.time_limit * 0.92 - (time.monotonic() - self.started) - 0.3
                left = sum(counts[d] for d in days[days.index(day) :])
                day_budget = remaining * counts[day] / left
            if day_budget < 0.2:
                self.all_optimal = False
                self.results.append(DayResult(day, {}, [], None, False))
                continue
            share = counts[day] / total
            result = self._solve(day, incumbent, counts[day], day_budget, done / total, share)
            self.results.append(result)
            self.all_optimal = self.all_optimal and result.coverage_optimal
            if result.assignments is not None:
                incumbent, current = self._accept(day, incumbent, current, result)
            done += counts[day]
            self.notify(
                {"stage": "cost", "day": day, "fraction": done / total, "objective": current},
                True,
            )
        return incumbent

    def _solve(
        self,
        day: str,
        incumbent: dict[str, Assignment],
        n_day: int,
        seconds: float,
        fraction0: float,
        share: float,
    ) -> DayResult:
        """The day's result, on the contract minutes the other days leave each worker."""
        scenario = self.scenario
        usage = _usage_by_day(scenario, incumbent)
        caps = {}
        for w in scenario.workers:
            other = sum(v for (wid, d), v in usage.items() if wid == w.id and d != day)
            caps[w.id] = w.contract_minutes - other
        limit = self.max_workers
        if limit is None:
            limit = _auto_max_workers(scenario, n_day)
        try:
            return _solve_day(
                scenario,
                day,
                incumbent,
                caps,
                self.prev_map,
                limit,
                seconds,
                self.seed,
                self.deterministic,
                self.notify.callback,
                fraction0,
                share,
            )
        except Exception as error:  # noqa: BLE001 - the greedy rota of the day stands
            result = DayResult(day, None)
            result.stages.append(
                {
                    "name": "error",
                    "objective": None,
                    "bound": None,
                    "status": f"{type(error).__name__}: {error}",
                    "wall_seconds": 0.0,
                }
            )
            return result

    def _accept(
        self, day: str, incumbent: dict[str, Assignment], current: float, result: DayResult
    ) -> tuple[dict[str, Assignment], float]:
        """The rota with the day's answer if it stays valid and no worse, else the incumbent."""
        scenario = self.scenario
        candidate = {k: v for k, v in incumbent.items() if scenario.session_by_id[k].day != day}
        candidate.update(result.assignments)
        candidate_report, value = _objective(scenario, candidate, self.prev_keys)
        if candidate_report.valid and value <= current + 1e-6:
            return candidate, value
        result.stages.append(
            {
                "name": "accept",
                "status": "REJECTED" if not candidate_report.valid else "WORSE",
                "objective": value,
                "bound": None,
                "wall_seconds": 0.0,
            }
        )
        return incumbent, current


def _rota_of(scenario: Scenario, assignments) -> Rota:
    rota = Rota(scenario)
    for a in assignments:
        rota.add(a)
    return rota


def _valid_solution(
    scenario: Scenario, incumbent: dict[str, Assignment]
) -> tuple[Solution, Report]:
    """The incumbent as a solution with reasons for what is left out, and its check."""
    from .explain import explain_with_rota

    rota = _rota_of(scenario, incumbent.values())
    solution = Solution(
        scenario.name,
        [incumbent[s.id] for s in scenario.sessions if s.id in incumbent],
        [
            Unassigned(s.id, explain_with_rota(scenario, s.id, rota))
            for s in scenario.sessions
            if s.id not in incumbent
        ],
    )
    final = check(scenario, solution)
    if not final.valid:  # never expected: drop what does not fit rather than return it
        kept = sanitize(scenario, solution.assignments)
        rota = _rota_of(scenario, kept)
        solution = Solution(
            scenario.name,
            kept,
            [
                Unassigned(s.id, explain_with_rota(scenario, s.id, rota))
                for s in scenario.sessions
                if s.id not in rota.assigned
            ],
        )
        final = check(scenario, solution)
    return solution, final


def _bounds(results: list[DayResult]) -> tuple[float | None, float | None]:
    """(Bound on the objective, bound on the coverage penalty): sums over days, if all have one."""
    coverage = None
    if results and all(r.coverage_bound is not None for r in results):
        coverage = round(sum(r.coverage_bound for r in results), 3)
    total = None
    if results and all(r.total_bound is not None for r in results):
        total = round(sum(r.total_bound for r in results), 3)
        total = max(total, coverage or 0)
    return (total if total is not None else coverage), coverage


def _stage_totals(results: list[DayResult]) -> list[dict]:
    """Each CP-SAT stage summed over the days."""
    stages = []
    for name in ("coverage-bound", "objective-bound", "coverage", "cost"):
        parts = [stage for r in results for stage in r.stages if stage["name"] == name]
        if not parts:
            continue
        statuses = {stage["status"] for stage in parts}
        bounds = [stage["bound"] for stage in parts]
        stages.append(
            {
                "name": name,
                "objective": round(sum(stage["objective"] or 0 for stage in parts), 3),
                "bound": None if None in bounds else round(sum(bounds), 3),
                "status": "OPTIMAL" if statuses == {"OPTIMAL"} else "/".join(sorted(statuses)),
                "wall_seconds": round(sum(stage["wall_seconds"] for stage in parts), 3),
            }
        )
    return stages


def _solve_stats(
    final: Report, days: _DaySolves, greedy_objective: float, greedy_seconds: float
) -> dict:
    bound, coverage_bound = _bounds(days.results)
    stages = _stage_totals(days.results)
    return {
        "solver": "cp-sat",
        "wall_seconds": round(time.monotonic() - days.started, 3),
        "objective": final.objective,
        "bound": bound,
        "coverage_bound": coverage_bound,
        "coverage_optimal": days.all_optimal,
        "coverage_penalty": round(
            sum(c["cost"] for c in final.components["unassigned"].values()), 3
        ),
        "greedy_objective": greedy_objective,
        "valid": final.valid,
        "deterministic": days.deterministic,
        "seed": days.seed,
        "time_limit": days.time_limit,
        "stages": [
            {
                "name": "greedy",
                "objective": greedy_objective,
                "bound": None,
                "status": "FEASIBLE",
                "wall_seconds": round(greedy_seconds, 3),
            },
            *stages,
        ],
        "days": [{"day": r.day, "stages": r.stages} for r in days.results],
    }


def _auto_max_workers(scn: Scenario, n_day: int) -> int:
    """Candidate workers kept per session in the full model (the relaxation keeps all)."""
    return min(len(scn.workers), 4)


def _params(seconds: float, seed: int, deterministic: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.cp_model_probing_level = 0  # probing costs seconds on day models and rarely pays
    if deterministic:
        p.num_workers = 1
        p.max_deterministic_time = max(0.1, seconds)
        p.max_time_in_seconds = max(1.0, 4 * seconds)
    else:
        p.num_workers = 2
        p.max_time_in_seconds = max(0.1, seconds)
    return solver


def _solve_day(
    scn: Scenario,
    day: str,
    incumbent: dict[str, Assignment],
    caps: dict[str, int],
    prev_map: dict | None,
    max_workers: int,
    seconds: float,
    seed: int,
    deterministic: bool,
    notify: Callable,
    fraction0: float,
    share: float,
) -> DayResult:
    """Coverage (relaxed bound, then the full model if needed), then cost, for one day."""
    stages = _DayStages(
        scn,
        day,
        seconds=seconds,
        seed=seed,
        deterministic=deterministic,
        notify=notify,
        fraction0=fraction0,
        share=share,
    )
    return stages.run(incumbent, caps, prev_map, max_workers)


class _DayStages:
    """The CP-SAT stages of one day: two bounds from a relaxation, coverage, then cost."""

    def __init__(
        self,
        scenario: Scenario,
        day: str,
        *,
        seconds: float,
        seed: int,
        deterministic: bool,
        notify: Callable | None,
        fraction0: float,
        share: float,
    ):
        self.scenario, self.day, self.seconds, self.seed = scenario, day, seconds, seed
        self.deterministic, self.notify = deterministic, notify
        self.fraction0, self.share = fraction0, share
        self.result = DayResult(day, None)
        self.started = time.monotonic()
        self.scale = 1

    def run(
        self,
        incumbent: dict[str, Assignment],
        caps: dict[str, int],
        prev_map: dict | None,
        max_workers: int,
    ) -> DayResult:
        """The day's result, its stages recorded in the order they ran."""
        scenario, day, result = self.scenario, self.day, self.result
        # Every worker, no travel and whole contracts: the bounds then hold for the whole
        # horizon, not just for this day.
        whole_contracts = {w.id: w.contract_minutes for w in scenario.workers}
        relaxed = DayModel(
            scenario, day, incumbent, whole_contracts, None, len(scenario.workers), relaxed=True
        )
        self.scale = relaxed.scale
        if not relaxed.placed:
            result.coverage_bound = result.total_bound = relaxed.fixed_penalty
            result.coverage_optimal = True
            result.assignments = {}
            return result
        bounds_started = time.monotonic()
        coverage_bound = self._bound_coverage(relaxed)
        self._bound_objective(relaxed)
        day_model = DayModel(scenario, day, incumbent, caps, prev_map, max_workers)
        result.assignments = {
            sid: a for sid, a in incumbent.items() if scenario.session_by_id[sid].day == day
        }
        uncovered, maximised = self._cover(day_model, coverage_bound, bounds_started)
        self._lower_cost(day_model, uncovered, maximised)
        return result

    def _bound_coverage(self, relaxed: DayModel) -> float:
        """Stage 1a: a proven lower bound on the uncovered penalty, in scaled units."""
        relaxed.model.Minimize(relaxed.uncovered)
        started = time.monotonic()
        solver = _params(0.2 * self.seconds, self.seed, self.deterministic)
        status = solver.Solve(relaxed.model)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        bound = solver.BestObjectiveBound() if found or status == cp_model.UNKNOWN else 0
        bound = max(0, bound)
        result = self.result
        result.coverage_bound = bound / self.scale + relaxed.fixed_penalty
        result.stages.append(
            _stage("coverage-bound", None, round(result.coverage_bound, 3), status, started)
        )
        return bound

    def _bound_objective(self, relaxed: DayModel) -> None:
        """Stage 1a': a proven lower bound on the day's part of the objective, travel apart."""
        relaxed.model.Minimize(relaxed.uncovered + relaxed.cost)
        started = time.monotonic()
        solver = _params(0.1 * self.seconds, self.seed, self.deterministic)
        status = solver.Solve(relaxed.model)
        result = self.result
        if status not in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
            bound = max(0.0, solver.BestObjectiveBound())
            result.total_bound = bound / self.scale + relaxed.fixed_penalty
        total = None if result.total_bound is None else round(result.total_bound, 3)
        result.stages.append(_stage("objective-bound", None, total, status, started))

    def _cover(
        self, day_model: DayModel, coverage_bound: float, bounds_started: float
    ) -> tuple[int, bool]:
        """Stage 1b: the uncovered penalty to hold, and whether the full model had to lower it.

        The stage's wall time counts from the start of the bounds, which it depends on.
        """
        model, result = day_model.model, self.result
        uncovered = day_model.incumbent_uncovered
        status = cp_model.OPTIMAL
        maximised = uncovered > coverage_bound + 0.5
        if maximised:
            # The greedy misses coverage the bound allows: maximise it in the full model.
            model.Minimize(day_model.uncovered)
            if self.deterministic:
                left = 0.8 * self.seconds
            else:
                left = self.seconds - (time.monotonic() - self.started)
            solver = _params(0.4 * left, self.seed, self.deterministic)
            status = solver.Solve(model, self._progress("coverage", 0.2))
            found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            if found and round(solver.ObjectiveValue()) < uncovered:
                uncovered = round(solver.ObjectiveValue())
                result.assignments = day_model.assignments(solver)
                _hint_solution(model, solver)
        result.coverage_optimal = uncovered <= coverage_bound + 0.5
        objective = round(uncovered / self.scale + day_model.fixed_penalty, 3)
        result.stages.append(
            _stage(
                "coverage",
                objective,
                round(result.coverage_bound, 3),
                cp_model.OPTIMAL if result.coverage_optimal else status,
                bounds_started,
            )
        )
        return uncovered, maximised

    def _lower_cost(self, day_model: DayModel, uncovered: int, maximised: bool) -> None:
        """Stage 2: hold coverage, minimise the rest of the objective."""
        model, scale, result = day_model.model, self.scale, self.result
        model.Add(day_model.uncovered <= uncovered)
        model.Minimize(day_model.cost)
        if self.deterministic:  # budgets must not depend on the wall clock
            left = 0.8 * self.seconds * (0.6 if maximised else 1.0)
        else:
            left = max(0.2, self.seconds - (time.monotonic() - self.started))
        solver = _params(left, self.seed, self.deterministic)
        started = time.monotonic()
        status = solver.Solve(model, self._progress("cost", 0.7))
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        base = uncovered / scale + day_model.fixed_penalty
        objective = round(solver.ObjectiveValue() / scale + base, 3) if found else None
        bound = round(solver.BestObjectiveBound() / scale + base, 3) if found else None
        result.stages.append(_stage("cost", objective, bound, status, started))
        if found:
            result.cost_bound = solver.BestObjectiveBound() / scale + base
            result.assignments = day_model.assignments(solver)

    def _progress(self, stage: str, offset: float) -> _Progress | None:
        """Reports of the stage's solutions, ``offset`` of the way into the day's share."""
        if not self.notify:
            return None

        def report(objective: float, bound: float) -> None:
            self.notify(
                {
                    "stage": stage,
                    "day": self.day,
                    "fraction": self.fraction0 + self.share * offset,
                    "objective": objective / self.scale,
                    "bound": bound / self.scale,
                }
            )

        return _Progress(report)


def _stage(
    name: str, objective: float | None, bound: float | None, status: int, started: float
) -> dict:
    """A stage of a day's stats, its wall time counted from ``started``."""
    return {
        "name": name,
        "objective": objective,
        "bound": bound,
        "status": STATUS.get(status, str(status)),
        "wall_seconds": round(time.monotonic() - started, 3),
    }


def _hint_solution(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """The solver's solution becomes the model's only hint."""
    values = list(solver.ResponseProto().solution)
    model.ClearHints()
    for index, value in enumerate(values):
        model.AddHint(model.GetIntVarFromProtoIndex(index), value)
