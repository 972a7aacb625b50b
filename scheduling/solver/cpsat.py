"""The CP-SAT solver: day models in two stages (coverage, then cost), greedy warm start."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.sat.python import cp_model

from .check import Span, check
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
        self.m = m = cp_model.CpModel()
        g = self.g = scn.granularity
        w = scn.weights
        self.scale = integer_scale(
            [
                w["travel_minute"],
                w["continuity_break"],
                w["relief_session"],
                w["residential_session"],
                w["start_deviation_minute"],
                *w["unassigned"].values(),
            ]
        )
        S = self.scale
        self.sessions = [s for s in scn.sessions if s.day == day]
        self.hint: dict = {}  # variable index -> (variable, value)
        self.x, self.st, self.y, self.z = {}, {}, {}, {}
        self.brk, self.dev, self.keep = {}, {}, {}
        self.prev_of = previous or {}
        uncovered, cost = [], []
        room_iv = defaultdict(list)
        worker_iv = defaultdict(list)
        child_iv = defaultdict(list)
        self.cands: dict[str, list[str]] = {}
        # worker -> list of (session, venue or None)
        worker_sessions: dict[str, list[Session]] = defaultdict(list)

        for s in self.sessions:
            pin = scn.pin_by_session.get(s.id)
            inc = incumbent.get(s.id)
            prev = previous.get(s.id) if previous else None
            starts = session_starts(scn, s)
            if pin is not None:
                starts = [pin.start]
            rooms: dict[str, list[int]] = {}
            if not s.virtual:
                pool = (
                    [pin.room]
                    if pin is not None
                    else [
                        r.id
                        for v in s.venues
                        for r in scn.venue_by_id[v].rooms
                        if room_suits(scn, s, r.id)
                    ]
                )
                for r in pool:
                    ok = [t for t in starts if room_starts_ok(scn, s, r, t)]
                    if ok:
                        rooms[r] = ok
                starts = sorted({t for ok in rooms.values() for t in ok})
            workers: dict[str, list[int]] = {}
            pool_w = (
                list(pin.workers)
                if pin is not None
                else [x.id for x in scn.workers if worker_suits(scn, s, x.id)]
            )
            for wid in pool_w:
                ok = [t for t in starts if _fits_window(scn, wid, s, t)]
                if ok:
                    workers[wid] = ok
            limit = max(max_workers, s.workers_needed + 2)
            if pin is None and len(workers) > limit:
                keep = {wid for a in (inc, prev) if a for wid in a.workers}
                ranked = sorted(workers, key=lambda wid: self._rank(s, wid))
                chosen = set(ranked[:limit]) | (keep & set(workers))
                workers = {k: v for k, v in workers.items() if k in chosen}
            if not starts or len(workers) < s.workers_needed or (not s.virtual and not rooms):
                continue  # cannot be placed at all on this day
            self.cands[s.id] = list(workers)
            x = m.NewBoolVar(f"x_{s.id}")
            self.x[s.id] = x
            if pin is not None:
                m.Add(x == 1)
            units = [t // g for t in starts]
            st = m.NewIntVarFromDomain(cp_model.Domain.FromValues(units), f"st_{s.id}")
            self.st[s.id] = st
            uncovered.append((s, x))
            if s.virtual:
                venue_lits = {}
            else:
                ys = {}
                for r, ok in rooms.items():
                    y = m.NewBoolVar(f"y_{s.id}_{r}")
                    ys[r] = y
                    if len(ok) < len(starts):
                        m.AddAllowedAssignments([st], [[t // g] for t in ok]).OnlyEnforceIf(y)
                    iv = m.NewOptionalFixedSizeIntervalVar(
                        g * st, s.duration + scn.turnaround, y, f"ri_{s.id}_{r}"
                    )
                    room_iv[r].append(iv)
                m.AddExactlyOne([*ys.values(), x.Not()])
                self.y[s.id] = ys
                by_venue = defaultdict(list)
                for r, y in ys.items():
                    by_venue[scn.room_by_id[r].venue].append(y)
                venue_lits = {}
                for v, lits in by_venue.items():
                    if len(by_venue) == 1:
                        venue_lits[v] = x
                    else:
                        lv = m.NewBoolVar(f"v_{s.id}_{v}")
                        m.Add(lv == sum(lits))
                        venue_lits[v] = lv
            self.venue_lits_of = getattr(self, "venue_lits_of", {})
            self.venue_lits_of[s.id] = venue_lits
            zs = {}
            for wid, ok in workers.items():
                z = m.NewBoolVar(f"z_{s.id}_{wid}")
                zs[wid] = z
                if len(ok) < len(starts):
                    m.AddAllowedAssignments([st], [[t // g] for t in ok]).OnlyEnforceIf(z)
                iv = m.NewOptionalFixedSizeIntervalVar(
                    g * st - s.transport_before,
                    s.transport_before + s.duration + s.transport_after,
                    z,
                    f"wi_{s.id}_{wid}",
                )
                worker_iv[wid].append(iv)
                worker_sessions[wid].append(s)
                kind = scn.worker_by_id[wid].kind
                kw = w["relief_session"] if kind == "relief" else 0
                kw = w["residential_session"] if kind == "residential" else kw
                if kw:
                    cost.append(round(kw * S) * z)
            m.Add(sum(zs.values()) == s.workers_needed * x)
            self.z[s.id] = zs
            civ = m.NewOptionalFixedSizeIntervalVar(g * st, s.duration, x, f"ci_{s.id}")
            for c in s.children:
                child_iv[c].append(civ)
            if s.continuity_workers:
                brk = m.NewBoolVar(f"b_{s.id}")
                self.brk[s.id] = brk
                cont = [zs[c] for c in s.continuity_workers if c in zs]
                m.Add(sum(cont) + brk >= 1).OnlyEnforceIf(x)
                cost.append(round(w["continuity_break"] * S) * brk)
            if s.preferred_start is not None:
                devs = [abs(t - s.preferred_start) for t in starts]
                dev = m.NewIntVar(0, max(devs), f"d_{s.id}")
                self.dev[s.id] = dev
                m.Add(dev >= g * st - s.preferred_start).OnlyEnforceIf(x)
                m.Add(dev >= s.preferred_start - g * st).OnlyEnforceIf(x)
                wd = w["start_deviation_minute"] * S
                cost.append(round(wd) * dev)
            if previous is not None and pin is None:
                cost.append(CHANGE_WEIGHT * S * self._change_literal(s, prev))

        for ivs in room_iv.values():
            if len(ivs) > 1:
                m.AddNoOverlap(ivs)
        for ivs in child_iv.values():
            if len(ivs) > 1:
                m.AddNoOverlap(ivs)
        for ivs in worker_iv.values():
            if len(ivs) > 1:
                m.AddNoOverlap(ivs)

        # Routes: one circuit per worker, nodes = (session, venue); travel on the arcs.
        self.arcs: dict[str, list] = {}
        self.nodes: dict[str, list] = {}
        for wid, sess in worker_sessions.items():
            travel_expr = 0 if relaxed else self._route(wid, sess)
            busy = sum(
                (s.transport_before + s.duration + s.transport_after) * self.z[s.id][wid]
                for s in sess
            )
            m.Add(busy + travel_expr <= caps.get(wid, scn.worker_by_id[wid].contract_minutes))
            cost.append(round(w["travel_minute"] * S) * travel_expr)

        self.uncovered = sum(round(w["unassigned"][s.priority] * S) * (1 - x) for s, x in uncovered)
        self.fixed_penalty = sum(
            w["unassigned"][s.priority] for s in self.sessions if s.id not in self.x
        )
        self.cost = sum(cost)
        self.incumbent_uncovered = sum(
            round(w["unassigned"][s.priority] * S)
            for s in self.sessions
            if s.id in self.x and s.id not in incumbent
        )
        self._hint(incumbent)

    # --------------------------------------------------------------------- parts
    def _rank(self, s: Session, wid: str) -> tuple:
        worker = self.scn.worker_by_id[wid]
        kind = {"permanent": 0, "residential": 10, "relief": 25}.get(worker.kind, 0)
        base = min((self.scn.travel(worker.base, v) for v in s.venues), default=0)
        cont = -1000 if wid in s.continuity_workers else 0
        return (cont + kind + base, wid)

    def _change_literal(self, s: Session, prev: Assignment | None):
        m = self.m
        x = self.x[s.id]
        if prev is None:
            return x
        keep = m.NewBoolVar(f"k_{s.id}")
        self.keep[s.id] = keep
        zs, ys = self.z[s.id], self.y.get(s.id, {})
        can = prev.start % self.g == 0 and all(wid in zs for wid in prev.workers)
        can = can and (prev.room is None or prev.room in ys)
        if not can:
            m.Add(keep == 0)
        else:
            m.Add(self.st[s.id] == prev.start // self.g).OnlyEnforceIf(keep)
            m.AddImplication(keep, x)
            if prev.room is not None:
                m.AddImplication(keep, ys[prev.room])
            for wid in prev.workers:
                m.AddImplication(keep, zs[wid])
        return 1 - keep

    def _route(self, wid: str, sess: list[Session]):
        scn, m, g = self.scn, self.m, self.g
        worker = scn.worker_by_id[wid]
        base = worker.base
        places = sorted({v for s in sess if not s.virtual for v in self.venue_lits_of[s.id]})
        if base is not None and base not in places:
            places.append(base)
        places = places or [None]
        nodes = []  # (session, venue, literal)
        for s in sess:
            z = self.z[s.id][wid]
            if s.virtual:
                opts = places
                lits = [m.NewBoolVar(f"n_{s.id}_{wid}_{v}") for v in opts] if len(opts) > 1 else [z]
                if len(opts) > 1:
                    m.Add(sum(lits) == z)
            else:
                vl = self.venue_lits_of[s.id]
                opts = list(vl)
                if len(opts) == 1:
                    lits = [z]
                else:
                    lits = [m.NewBoolVar(f"n_{s.id}_{wid}_{v}") for v in opts]
                    m.Add(sum(lits) == z)
                    for v, lit in zip(opts, lits, strict=True):
                        m.AddImplication(lit, vl[v])
            for v, lit in zip(opts, lits, strict=True):
                nodes.append((s, v, lit))
        arcs = []
        travel_terms = []
        idle = m.NewBoolVar(f"idle_{wid}")
        arcs.append((0, 0, idle))
        for i, (_s, v, lit) in enumerate(nodes, start=1):
            m.AddImplication(lit, idle.Not())
            arcs.append((i, i, lit.Not()))
            a_out = m.NewBoolVar("")
            a_in = m.NewBoolVar("")
            arcs.append((0, i, a_out))
            arcs.append((i, 0, a_in))
            if base is not None and v is not None:
                t = scn.travel(base, v)
                if t:
                    travel_terms.append(t * a_out)
                    travel_terms.append(t * a_in)
        lo, hi = {}, {}
        for s in sess:
            starts = list(self.m.Proto().variables[self.st[s.id].Index()].domain)
            lo[s.id] = starts[0] * g - s.transport_before
            hi[s.id] = starts[-1] * g + s.duration + s.transport_after
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
                arc = m.NewBoolVar("")
                arcs.append((i, j, arc))
                if end_hi + t > start_lo:
                    m.Add(
                        g * self.st[s1.id] + s1.duration + s1.transport_after + t
                        <= g * self.st[s2.id] - s2.transport_before
                    ).OnlyEnforceIf(arc)
                if t:
                    travel_terms.append(t * arc)
        m.AddCircuit(arcs)
        self.arcs[wid] = arcs
        self.nodes[wid] = nodes
        return sum(travel_terms) if travel_terms else 0

    def _hint(self, incumbent: dict[str, Assignment]) -> None:
        """Hint the incumbent rota: assignments, and each worker's route in time order."""
        m, g, scn = self.m, self.g, self.scn
        hint: dict = {}  # variable index -> (variable, value)
        for sid, x in self.x.items():
            a = incumbent.get(sid)
            placed = (
                a is not None
                and a.start // g in _domain_values(m, self.st[sid])
                and all(w in self.z[sid] for w in a.workers)
                and (a.room is None or a.room in self.y.get(sid, {}))
            )
            _set(hint, x, int(placed))
            if placed:
                _set(hint, self.st[sid], a.start // g)
            else:
                _set(hint, self.st[sid], min(_domain_values(m, self.st[sid])))
            venue = scn.room_by_id[a.room].venue if placed and a.room else None
            for v, lit in self.venue_lits_of.get(sid, {}).items():
                if lit is not x:
                    _set(hint, lit, int(v == venue))
            for r, y in self.y.get(sid, {}).items():
                _set(hint, y, int(placed and a.room == r))
            for wid, z in self.z[sid].items():
                _set(hint, z, int(placed and wid in a.workers))
        for sid, x in self.x.items():
            a = incumbent.get(sid) if _get(hint, x) else None
            s = scn.session_by_id[sid]
            if sid in self.brk:
                broken = a is not None and not set(a.workers) & set(s.continuity_workers)
                _set(hint, self.brk[sid], int(broken))
            if sid in self.dev:
                _set(hint, self.dev[sid], abs(a.start - s.preferred_start) if a else 0)
            if sid in self.keep:
                p = self.prev_of.get(sid)
                same = a is not None and p is not None and _key(a) == _key(p)
                _set(hint, self.keep[sid], int(same))
        for wid, nodes in self.nodes.items():
            mine = [
                (incumbent[s.id].start, s)
                for s in {n[0].id: n[0] for n in nodes}.values()
                if _get(hint, self.z[s.id][wid]) == 1
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
            located = route_locations(scn, wid, spans) or [(x, x.venue) for x in spans]
            route = [(x.sid, loc) for x, loc in located]
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
        for var, value in hint.values():
            m.AddHint(var, value)

    def assignments(self, solver: cp_model.CpSolver) -> dict[str, Assignment]:
        out = {}
        for sid, x in self.x.items():
            if not solver.Value(x):
                continue
            start = solver.Value(self.st[sid]) * self.g
            room = next((r for r, y in self.y.get(sid, {}).items() if solver.Value(y)), None)
            workers = tuple(w for w, z in self.z[sid].items() if solver.Value(z))
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
    from .explain import explain_with_rota

    t0 = time.monotonic()
    scn = scenario
    check_pins(scn)
    last_report = [0.0]

    def notify(info: dict, force: bool = False) -> None:
        if progress is None:
            return
        now = time.monotonic()
        if force or now - last_report[0] >= 0.25:
            last_report[0] = now
            progress(info)

    notify({"stage": "greedy", "fraction": 0.0, "objective": None, "bound": None}, True)
    start_sol = Greedy(scn).run(previous)
    greedy_seconds = time.monotonic() - t0
    incumbent = {a.session: a for a in start_sol.assignments}
    prev_keys = None
    prev_map = None
    if previous is not None:
        prev_map = {s.id: None for s in scn.sessions}
        prev_map.update({a.session: a for a in previous.assignments if a.session in prev_map})
        prev_keys = {sid: _key(a) for sid, a in prev_map.items()}
    report, current = _objective(scn, incumbent, prev_keys)
    greedy_objective = report.objective
    notify({"stage": "greedy", "fraction": 0.05, "objective": current, "bound": None}, True)

    days = sorted({s.day for s in scn.sessions})
    counts = {d: sum(1 for s in scn.sessions if s.day == d) for d in days}
    total = sum(counts.values()) or 1
    if deterministic:  # the same budgets whatever the machine's speed
        budget = max(0.5, time_limit * 0.6)
    else:
        budget = max(0.5, time_limit * 0.92 - greedy_seconds - 0.5)
    day_results: list[DayResult] = []
    all_optimal = True
    done = 0
    for day in days:
        elapsed = time.monotonic() - t0
        if deterministic:
            day_budget = budget * counts[day] / total
        else:
            remaining = time_limit * 0.92 - elapsed - 0.3
            left = sum(counts[d] for d in days[days.index(day) :])
            day_budget = remaining * counts[day] / left
        if day_budget < 0.2:
            all_optimal = False
            day_results.append(DayResult(day, {}, [], None, False))
            continue
        usage = _usage_by_day(scn, incumbent)
        caps = {}
        for w in scn.workers:
            other = sum(v for (wid, d), v in usage.items() if wid == w.id and d != day)
            caps[w.id] = w.contract_minutes - other
        n_day = counts[day]
        limit = max_workers if max_workers is not None else _auto_max_workers(scn, n_day)
        try:
            res = _solve_day(
                scn,
                day,
                incumbent,
                caps,
                prev_map,
                limit,
                day_budget,
                seed,
                deterministic,
                notify if progress is not None else None,
                done / total,
                counts[day] / total,
            )
        except Exception as error:  # noqa: BLE001 - the greedy rota of the day stands
            res = DayResult(day, None)
            res.stages.append(
                {
                    "name": "error",
                    "objective": None,
                    "bound": None,
                    "status": f"{type(error).__name__}: {error}",
                    "wall_seconds": 0.0,
                }
            )
        day_results.append(res)
        all_optimal = all_optimal and res.coverage_optimal
        if res.assignments is not None:
            candidate = {k: v for k, v in incumbent.items() if scn.session_by_id[k].day != day}
            candidate.update(res.assignments)
            cand_report, value = _objective(scn, candidate, prev_keys)
            if cand_report.valid and value <= current + 1e-6:
                incumbent, current = candidate, value
            else:
                res.stages.append(
                    {
                        "name": "accept",
                        "status": "REJECTED" if not cand_report.valid else "WORSE",
                        "objective": value,
                        "bound": None,
                        "wall_seconds": 0.0,
                    }
                )
        done += counts[day]
        notify(
            {"stage": "cost", "day": day, "fraction": done / total, "objective": current},
            True,
        )

    rota = Rota(scn)
    for a in incumbent.values():
        rota.add(a)
    sol = Solution(
        scn.name,
        [incumbent[s.id] for s in scn.sessions if s.id in incumbent],
        [
            Unassigned(s.id, explain_with_rota(scn, s.id, rota))
            for s in scn.sessions
            if s.id not in incumbent
        ],
    )
    final = check(scn, sol)
    if not final.valid:  # never expected: drop what does not fit rather than return it
        kept = sanitize(scn, sol.assignments)
        rota = Rota(scn)
        for a in kept:
            rota.add(a)
        sol = Solution(
            scn.name,
            kept,
            [
                Unassigned(s.id, explain_with_rota(scn, s.id, rota))
                for s in scn.sessions
                if s.id not in rota.assigned
            ],
        )
        final = check(scn, sol)
    cov_bound = None
    if day_results and all(r.coverage_bound is not None for r in day_results):
        cov_bound = round(sum(r.coverage_bound for r in day_results), 3)
    total_bound = None
    if day_results and all(r.total_bound is not None for r in day_results):
        total_bound = round(sum(r.total_bound for r in day_results), 3)
        total_bound = max(total_bound, cov_bound or 0)
    stages = []
    for name in ("coverage-bound", "objective-bound", "coverage", "cost"):
        parts = [st for r in day_results for st in r.stages if st["name"] == name]
        if not parts:
            continue
        statuses = {st["status"] for st in parts}
        bounds = [st["bound"] for st in parts]
        stages.append(
            {
                "name": name,
                "objective": round(sum(st["objective"] or 0 for st in parts), 3),
                "bound": None if None in bounds else round(sum(bounds), 3),
                "status": "OPTIMAL" if statuses == {"OPTIMAL"} else "/".join(sorted(statuses)),
                "wall_seconds": round(sum(st["wall_seconds"] for st in parts), 3),
            }
        )
    sol.stats = {
        "solver": "cp-sat",
        "wall_seconds": round(time.monotonic() - t0, 3),
        "objective": final.objective,
        "bound": total_bound if total_bound is not None else cov_bound,
        "coverage_bound": cov_bound,
        "coverage_optimal": all_optimal,
        "coverage_penalty": round(
            sum(c["cost"] for c in final.components["unassigned"].values()), 3
        ),
        "greedy_objective": greedy_objective,
        "valid": final.valid,
        "deterministic": deterministic,
        "seed": seed,
        "time_limit": time_limit,
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
        "days": [{"day": r.day, "stages": r.stages} for r in day_results],
    }
    if previous is not None:
        sol.stats.update(change_stats(previous, sol))
    notify(
        {
            "stage": "done",
            "fraction": 1.0,
            "objective": final.objective,
            "bound": sol.stats["bound"],
        },
        True,
    )
    return sol


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
    res = DayResult(day, None)
    t_start = time.monotonic()

    def report(stage: str, f0: float, scale: int):
        return lambda obj, bound: notify(
            {
                "stage": stage,
                "day": day,
                "fraction": fraction0 + share * f0,
                "objective": obj / scale,
                "bound": bound / scale,
            }
        )

    # Stage 1a: a proven bound on coverage from a relaxation (every worker, no travel,
    # whole contracts), so the bound holds for the whole horizon, not just this day.
    full = {w.id: w.contract_minutes for w in scn.workers}
    relax = DayModel(scn, day, incumbent, full, None, len(scn.workers), relaxed=True)
    S = relax.scale
    if not relax.x:
        res.coverage_bound = res.total_bound = relax.fixed_penalty
        res.coverage_optimal = True
        res.assignments = {}
        return res
    relax.m.Minimize(relax.uncovered)
    t1 = time.monotonic()
    solver = _params(0.2 * seconds, seed, deterministic)
    status = solver.Solve(relax.m)
    ok = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    lb = solver.BestObjectiveBound() if ok or status == cp_model.UNKNOWN else 0
    lb = max(0, lb)
    res.coverage_bound = lb / S + relax.fixed_penalty
    res.stages.append(
        {
            "name": "coverage-bound",
            "objective": None,
            "bound": round(res.coverage_bound, 3),
            "status": STATUS.get(status, str(status)),
            "wall_seconds": round(time.monotonic() - t1, 3),
        }
    )

    # Stage 1a': the same relaxation for the whole objective but travel: a proven lower
    # bound on the day's part of the objective.
    relax.m.Minimize(relax.uncovered + relax.cost)
    t1b = time.monotonic()
    solver = _params(0.1 * seconds, seed, deterministic)
    status = solver.Solve(relax.m)
    if status not in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        res.total_bound = max(0.0, solver.BestObjectiveBound()) / S + relax.fixed_penalty
    res.stages.append(
        {
            "name": "objective-bound",
            "objective": None,
            "bound": None if res.total_bound is None else round(res.total_bound, 3),
            "status": STATUS.get(status, str(status)),
            "wall_seconds": round(time.monotonic() - t1b, 3),
        }
    )

    dm = DayModel(scn, day, incumbent, caps, prev_map, max_workers)
    m = dm.m
    value1 = dm.incumbent_uncovered
    res.assignments = {k: v for k, v in incumbent.items() if scn.session_by_id[k].day == day}
    t2 = time.monotonic()
    status1 = cp_model.OPTIMAL
    stage1_ran = value1 > lb + 0.5
    if stage1_ran:
        # Stage 1b: the greedy misses coverage the bound allows: maximise it in the full model.
        m.Minimize(dm.uncovered)
        left = 0.8 * seconds if deterministic else seconds - (time.monotonic() - t_start)
        solver = _params(0.4 * left, seed, deterministic)
        status1 = solver.Solve(m, _Progress(report("coverage", 0.2, S)) if notify else None)
        found = status1 in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if found and round(solver.ObjectiveValue()) < value1:
            value1 = round(solver.ObjectiveValue())
            res.assignments = dm.assignments(solver)
            values = list(solver.ResponseProto().solution)
            m.ClearHints()
            for i, value in enumerate(values):
                m.AddHint(m.GetIntVarFromProtoIndex(i), value)
    res.coverage_optimal = value1 <= lb + 0.5
    res.stages.append(
        {
            "name": "coverage",
            "objective": round(value1 / S + dm.fixed_penalty, 3),
            "bound": round(res.coverage_bound, 3),
            "status": "OPTIMAL" if res.coverage_optimal else STATUS.get(status1, str(status1)),
            "wall_seconds": round(time.monotonic() - t1, 3),
        }
    )
    # Stage 2: hold coverage, minimise the rest of the objective.
    m.Add(dm.uncovered <= value1)
    m.Minimize(dm.cost)
    if deterministic:  # budgets must not depend on the wall clock
        left = 0.8 * seconds * (0.6 if stage1_ran else 1.0)
    else:
        left = max(0.2, seconds - (time.monotonic() - t_start))
    solver2 = _params(left, seed, deterministic)
    t3 = time.monotonic()
    status2 = solver2.Solve(m, _Progress(report("cost", 0.7, S)) if notify else None)
    ok2 = status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    base = value1 / S + dm.fixed_penalty
    res.stages.append(
        {
            "name": "cost",
            "objective": round(solver2.ObjectiveValue() / S + base, 3) if ok2 else None,
            "bound": round(solver2.BestObjectiveBound() / S + base, 3) if ok2 else None,
            "status": STATUS.get(status2, str(status2)),
            "wall_seconds": round(time.monotonic() - t3, 3),
        }
    )
    del t2
    if ok2:
        res.cost_bound = solver2.BestObjectiveBound() / S + base
        res.assignments = dm.assignments(solver2)
    return res
