"""A fast constructive heuristic: always valid, the warm start and fallback of the solver."""

from __future__ import annotations

import time
from itertools import combinations

from .check import check
from .model import Assignment, Scenario, ScenarioError, Session, Solution, Unassigned, clock
from .rota import Rota, room_starts_ok, room_suits, session_starts, worker_suits

PRIORITY_RANK = {"court": 0, "risk": 1, "standard": 2}
KIND_RANK = {"permanent": 0, "residential": 1, "relief": 2}


def check_pins(scn: Scenario) -> None:
    """Raise ScenarioError naming a pin that breaks a hard rule by itself or with other pins."""
    if not scn.pinned:
        return
    assignments = [Assignment(p.session, p.start, p.room, p.workers) for p in scn.pinned]
    pinned = {p.session for p in scn.pinned}
    rest = [Unassigned(s.id) for s in scn.sessions if s.id not in pinned]
    report = check(scn, Solution(scn.name, assignments, rest))
    if report.violations:
        index = {p.session: i for i, p in enumerate(scn.pinned)}
        first = report.violations[0]
        named = next((sid for sid in index if sid in first.sessions), None)
        where = f"pinned[{index[named]}] ({named})" if named else "pinned"
        raise ScenarioError(f"{where}: the pin is infeasible: {first}")


def session_order(scn: Scenario, s: Session, n_workers: int) -> tuple:
    slack = s.latest_start - s.earliest_start
    return (PRIORITY_RANK.get(s.priority, 3), slack, n_workers, s.day, s.earliest_start, s.id)


class Greedy:
    def __init__(self, scn: Scenario):
        self.scn = scn
        self.rota = Rota(scn)
        w = scn.weights
        self.w_travel = w["travel_minute"]
        self.w_dev = w["start_deviation_minute"]
        self.w_break = w["continuity_break"]
        self.w_kind = {"relief": w["relief_session"], "residential": w["residential_session"]}
        self.eligible = {
            s.id: [x.id for x in scn.workers if worker_suits(scn, s, x.id)] for s in scn.sessions
        }
        self.rooms = {
            s.id: [
                r.id for v in s.venues for r in scn.venue_by_id[v].rooms if room_suits(scn, s, r.id)
            ]
            for s in scn.sessions
            if not s.virtual
        }

    def worker_cost(self, w: str, s: Session, start: int, venue: str | None) -> float | None:
        delta = self.rota.worker_delta(w, s, start, venue)
        if delta is None:
            return None
        kind = self.scn.worker_by_id[w].kind
        # A small tie-break by contract use spreads the work.
        use = self.rota.used[w] / max(1, self.scn.worker_by_id[w].contract_minutes)
        return delta * self.w_travel + self.w_kind.get(kind, 0) + 0.01 * use

    def best_staff(self, s: Session, start: int, venue: str | None) -> tuple[float, tuple] | None:
        costs = []
        for w in self.eligible[s.id]:
            c = self.worker_cost(w, s, start, venue)
            if c is not None:
                costs.append((c, w))
        if len(costs) < s.workers_needed:
            return None
        costs.sort()
        cont = set(s.continuity_workers)
        best = None
        pool = costs[: max(8, s.workers_needed + 4)] + [x for x in costs[8:] if x[1] in cont]
        for combo in combinations(pool, s.workers_needed):
            total = sum(c for c, _ in combo)
            if cont and not cont & {w for _, w in combo}:
                total += self.w_break
            if best is None or total < best[0]:
                best = (total, tuple(w for _, w in combo))
        return best

    def place(self, s: Session, max_extra_starts: int = 6) -> Assignment | None:
        rota, best, extra = self.rota, None, None
        pref = s.preferred_start
        for start in session_starts(self.scn, s):
            dev = abs(start - pref) * self.w_dev if pref is not None else 0.0
            if best is not None and (dev >= best[0] or extra >= max_extra_starts):
                break
            if extra is not None:
                extra += 1
            if not rota.children_free(s, start):
                continue
            options: list[tuple[str | None, str | None]] = []
            if s.virtual:
                options = [(None, None)]
            else:
                seen_venue = set()
                for room in self.rooms[s.id]:
                    venue = self.scn.room_by_id[room].venue
                    if venue in seen_venue:
                        continue
                    if room_starts_ok(self.scn, s, room, start) and rota.room_free(
                        room, s.day, start, start + s.duration
                    ):
                        seen_venue.add(venue)
                        options.append((room, venue))
            for room, venue in options:
                staff = self.best_staff(s, start, venue)
                if staff is None:
                    continue
                total = dev + staff[0]
                if best is None or total < best[0]:
                    best = (total, Assignment(s.id, start, room, staff[1]))
                    if extra is None:
                        extra = 0
        return None if best is None else best[1]

    def run(self, previous: Solution | None = None, keep: set[str] | None = None) -> Solution:
        scn, rota = self.scn, self.rota
        for p in scn.pinned:
            rota.add(Assignment(p.session, p.start, p.room, tuple(p.workers)))
        if previous is not None:
            for a in previous.assignments:
                if keep is not None and a.session not in keep:
                    continue
                if a.session in scn.session_by_id and rota.fits(a):
                    rota.add(a)
        todo = [s for s in scn.sessions if s.id not in rota.assigned]
        todo.sort(key=lambda s: session_order(scn, s, len(self.eligible[s.id])))
        for s in todo:
            a = self.place(s)
            if a is not None:
                rota.add(a)
        self.repair(fixed={p.session for p in scn.pinned})
        return self.solution()

    def repair(self, fixed: set[str], rounds: int = 2) -> None:
        """Place a left-over session by moving one booked session of the same day elsewhere
        (or dropping it when it weighs less)."""
        scn, rota = self.scn, self.rota
        weight = scn.unassigned_weight
        for _ in range(rounds):
            changed = False
            left = [s for s in scn.sessions if s.id not in rota.assigned]
            left.sort(key=lambda s: session_order(scn, s, len(self.eligible[s.id])))
            for s in left:
                lo, hi = s.earliest_start - 120, s.latest_start + s.duration + 120
                mine = set(self.eligible[s.id])
                venues = set(s.venues)
                blockers = [
                    b
                    for sid, b in rota.assigned.items()
                    if sid not in fixed
                    and scn.session_by_id[sid].day == s.day
                    and b.start < hi
                    and lo < b.start + scn.session_by_id[sid].duration
                    and (
                        mine & set(b.workers)
                        or (b.room is not None and scn.room_by_id[b.room].venue in venues)
                        or set(s.children) & set(scn.session_by_id[sid].children)
                    )
                ]
                blockers.sort(
                    key=lambda b: (weight(scn.session_by_id[b.session].priority), b.session)
                )
                for b in blockers[:20]:
                    rota.remove(b.session)
                    a = self.place(s)
                    if a is None:
                        rota.add(b)
                        continue
                    rota.add(a)
                    other = scn.session_by_id[b.session]
                    again = self.place(other)
                    if again is not None:
                        rota.add(again)
                        changed = True
                        break
                    if weight(other.priority) < weight(s.priority):
                        changed = True
                        break
                    rota.remove(s.id)
                    rota.add(b)
            if not changed:
                break

    def solution(self) -> Solution:
        from .explain import explain_with_rota

        scn, rota = self.scn, self.rota
        assignments = [rota.assigned[s.id] for s in scn.sessions if s.id in rota.assigned]
        unassigned = [
            Unassigned(s.id, explain_with_rota(scn, s.id, rota))
            for s in scn.sessions
            if s.id not in rota.assigned
        ]
        return Solution(scn.name, assignments, unassigned, {})


def greedy(scenario: Scenario, *, previous: Solution | None = None) -> Solution:
    """A fast valid rota: court first, then risk, then standard; tightest windows first."""
    t0 = time.perf_counter()
    check_pins(scenario)
    g = Greedy(scenario)
    sol = g.run(previous)
    report = check(scenario, sol)
    if not report.valid:  # never expected: drop what does not fit rather than return it
        g.rota = Rota(scenario)
        for a in sanitize(scenario, sol.assignments):
            g.rota.add(a)
        sol = g.solution()
        report = check(scenario, sol)
    sol.stats = {
        "solver": "greedy",
        "wall_seconds": round(time.perf_counter() - t0, 3),
        "objective": report.objective,
        "bound": None,
        "stages": [
            {
                "name": "greedy",
                "objective": report.objective,
                "bound": None,
                "status": "FEASIBLE" if report.valid else "INVALID",
                "wall_seconds": round(time.perf_counter() - t0, 3),
            }
        ],
    }
    if previous is not None:
        sol.stats.update(change_stats(previous, sol))
    return sol


def change_stats(previous: Solution, sol: Solution) -> dict:
    before = previous.by_session()
    after = sol.by_session()
    sessions = set(before) | set(after) | {u.session for u in previous.unassigned}
    changed = sorted(sid for sid in sessions if _key(before.get(sid)) != _key(after.get(sid)))
    kept = sum(1 for sid in before if _key(before[sid]) == _key(after.get(sid)))
    return {"changes": len(changed), "kept": kept, "changed_sessions": changed}


def _key(a: Assignment | None):
    return None if a is None else (a.start, a.room, tuple(sorted(a.workers)))


def describe(a: Assignment) -> str:
    return f"{a.session} {clock(a.start)} {a.room} {','.join(a.workers)}"


def sanitize(scn: Scenario, assignments: list[Assignment]) -> list[Assignment]:
    """Keep the assignments that fit one by one (pins first): a safety net, never expected
    to drop anything, that makes any rota valid."""
    rota = Rota(scn)
    pinned = {p.session for p in scn.pinned}
    for p in scn.pinned:
        rota.add(Assignment(p.session, p.start, p.room, tuple(p.workers)))
    for a in assignments:
        if a.session not in pinned and rota.fits(a):
            rota.add(a)
    return [rota.assigned[s.id] for s in scn.sessions if s.id in rota.assigned]
