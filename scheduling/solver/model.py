"""Scenario and solution data classes and the ``contact-rota`` JSON format.

Pure Python: no Django import. Times are whole minutes after midnight internally.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.service_day import GRID_MINUTES, clock
from lib.travel import UNLISTED_TRAVEL_MINUTES

SCENARIO_FORMAT = "contact-rota-scenario/1"
SOLUTION_FORMAT = "contact-rota-solution/1"
PRIORITIES = ("court", "risk", "standard")
MODES = ("supervised", "overseen", "virtual")
KINDS = ("permanent", "relief", "residential")
DEFAULT_WEIGHTS: dict[str, Any] = {
    "unassigned": {"court": 1000, "risk": 600, "standard": 300},
    "travel_minute": 1,
    "continuity_break": 40,
    "relief_session": 25,
    "residential_session": 10,
    "start_deviation_minute": 0.2,
}
_TIME = re.compile(r"([01]\d|2[0-4]):([0-5]\d)")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class ScenarioError(ValueError):
    """A file is not JSON, not of the format, or refers to unknown ids."""


def to_minutes(text: str) -> int:
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"bad time {text!r}")
    return int(match[1]) * 60 + int(match[2])


@dataclass(frozen=True)
class Room:
    id: str
    venue: str
    capacity: int
    features: frozenset[str]
    closed: tuple[tuple[str, int, int], ...] = ()  # (day, from, to)

    def closed_on(self, day: str) -> list[tuple[int, int]]:
        return [(a, b) for d, a, b in self.closed if d == day]


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    area: str | None
    open: int
    close: int
    rooms: tuple[Room, ...]


@dataclass(frozen=True)
class Worker:
    id: str
    name: str
    area: str | None
    kind: str
    base: str | None
    contract_minutes: int
    skills: frozenset[str]
    available: tuple[tuple[str, int, int], ...]  # (day, from, to)

    def windows(self, day: str) -> list[tuple[int, int]]:
        return [(a, b) for d, a, b in self.available if d == day]


@dataclass(frozen=True)
class Session:
    id: str
    children: tuple[str, ...]
    participants: int
    priority: str
    mode: str
    duration: int
    day: str
    earliest_start: int
    latest_start: int
    preferred_start: int | None
    venues: tuple[str, ...]
    room_features: frozenset[str]
    workers_needed: int
    worker_skills: frozenset[str]
    transport_before: int
    transport_after: int
    continuity_workers: tuple[str, ...]
    excluded_workers: frozenset[str]

    @property
    def virtual(self) -> bool:
        return self.mode == "virtual"

    @property
    def needed_features(self) -> frozenset[str]:
        if self.mode == "overseen":
            return self.room_features | {"two_way_mirror"}
        return self.room_features


@dataclass(frozen=True)
class Pin:
    session: str
    start: int
    room: str | None
    workers: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    name: str
    days: tuple[str, ...]
    granularity: int
    turnaround: int
    weights: dict
    venues: tuple[Venue, ...]
    travel_given: dict  # {(a, b): minutes} as given, both directions
    workers: tuple[Worker, ...]
    sessions: tuple[Session, ...]
    pinned: tuple[Pin, ...] = ()
    venue_by_id: dict = field(default_factory=dict, compare=False, repr=False)
    room_by_id: dict = field(default_factory=dict, compare=False, repr=False)
    worker_by_id: dict = field(default_factory=dict, compare=False, repr=False)
    session_by_id: dict = field(default_factory=dict, compare=False, repr=False)
    pin_by_session: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "venue_by_id", {v.id: v for v in self.venues})
        set_(self, "room_by_id", {r.id: r for v in self.venues for r in v.rooms})
        set_(self, "worker_by_id", {w.id: w for w in self.workers})
        set_(self, "session_by_id", {s.id: s for s in self.sessions})
        set_(self, "pin_by_session", {p.session: p for p in self.pinned})

    def travel(self, a: str | None, b: str | None) -> int:
        if a is None or b is None or a == b:
            return 0
        return self.travel_given.get((a, b), UNLISTED_TRAVEL_MINUTES)

    def unassigned_weight(self, priority: str) -> float:
        return self.weights["unassigned"][priority]


@dataclass(frozen=True)
class Assignment:
    session: str
    start: int  # minutes after midnight
    room: str | None
    workers: tuple[str, ...]


@dataclass(frozen=True)
class Unassigned:
    session: str
    reason: str = ""


@dataclass
class Solution:
    scenario: str
    assignments: list[Assignment] = field(default_factory=list)
    unassigned: list[Unassigned] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    def by_session(self) -> dict[str, Assignment]:
        return {a.session: a for a in self.assignments}


# --------------------------------------------------------------------------- reading


class _Reader:
    """Field access that names the field in every error."""

    def __init__(self, data: Any, path: str):
        self.data, self.path = data, path

    def fail(self, key: str | None, message: str) -> ScenarioError:
        where = self.path if key is None else (f"{self.path}.{key}" if self.path else key)
        return ScenarioError(f"{where}: {message}")

    def get(self, key: str, kind: type | tuple, default: Any = ..., optional_none=False) -> Any:
        if not isinstance(self.data, dict):
            raise self.fail(None, "expected an object")
        if key not in self.data:
            if default is ...:
                raise self.fail(key, "missing field")
            return default
        value = self.data[key]
        if value is None and optional_none:
            return None
        ok = isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, float))
        if not ok:
            raise self.fail(key, f"expected {_kind_name(kind)}, got {value!r}")
        return value

    def time(self, key: str, default: Any = ..., optional_none=False) -> int | None:
        text = self.get(key, str, default, optional_none)
        if text is None:
            return None
        try:
            return to_minutes(text)
        except ValueError:
            raise self.fail(key, f"bad time {text!r}") from None

    def day(self, key: str) -> str:
        text = self.get(key, str)
        if not _DAY.fullmatch(text):
            raise self.fail(key, f"bad day {text!r}")
        return text

    def strings(self, key: str, default: Any = ...) -> list[str]:
        values = self.get(key, list, default)
        for i, v in enumerate(values):
            if not isinstance(v, str):
                raise self.fail(f"{key}[{i}]", f"expected a string, got {v!r}")
        return values

    def items(self, key: str, default: Any = ...) -> list[_Reader]:
        values = self.get(key, list, default)
        prefix = f"{self.path}.{key}" if self.path else key
        return [_Reader(v, f"{prefix}[{i}]") for i, v in enumerate(values)]


def _kind_name(kind: type | tuple) -> str:
    names = {str: "a string", int: "an integer", list: "a list", dict: "an object"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _windows(reader: _Reader, key: str) -> tuple[tuple[str, int, int], ...]:
    out = []
    for w in reader.items(key, []):
        a, b = w.time("from"), w.time("to")
        if b < a:
            raise w.fail("to", "ends before it starts")
        out.append((w.day("day"), a, b))
    return tuple(out)


def _unique(ids: dict, item_id: str, reader: _Reader, what: str) -> None:
    if item_id in ids:
        raise reader.fail("id", f"duplicate {what} id {item_id!r}")


def scenario_from_dict(d: Any) -> Scenario:
    """Read a ``contact-rota-scenario/1`` dict; raises ScenarioError naming the field."""
    reader = _Reader(d, "")
    if not isinstance(d, dict):
        raise ScenarioError("scenario: expected a JSON object")
    if d.get("format") != SCENARIO_FORMAT:
        raise reader.fail("format", f"expected {SCENARIO_FORMAT!r}, got {d.get('format')!r}")
    name = reader.get("name", str, "")
    days = reader.strings("days", [])
    grid = reader.get("granularity_minutes", int, GRID_MINUTES)
    if grid <= 0:
        raise reader.fail("granularity_minutes", "must be positive")
    turnaround = reader.get("room_turnaround_minutes", int)
    weights = _read_weights(reader)
    venues, rooms = _read_venues(reader)
    travel = _read_travel(reader, venues)
    workers = _read_workers(reader, venues)
    sessions = _read_sessions(reader, venues, workers, weights)
    pins = _read_pins(reader, sessions, rooms, workers)
    return Scenario(
        name=name,
        days=tuple(days),
        granularity=grid,
        turnaround=turnaround,
        weights=weights,
        venues=tuple(venues.values()),
        travel_given=travel,
        workers=tuple(workers.values()),
        sessions=tuple(sessions.values()),
        pinned=tuple(pins),
    )


def _read_weights(reader: _Reader) -> dict:
    """The weights given, over the defaults (the unassigned ones priority by priority)."""
    given = reader.get("weights", dict, {})
    weights = {**DEFAULT_WEIGHTS, **given}
    weights["unassigned"] = {**DEFAULT_WEIGHTS["unassigned"], **given.get("unassigned", {})}
    for key, value in weights.items():
        values = value.values() if isinstance(value, dict) else [value]
        if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in values):
            raise reader.fail(f"weights.{key}", "expected a number")
    return weights


def _read_venues(reader: _Reader) -> tuple[dict[str, Venue], dict[str, Room]]:
    venues: dict[str, Venue] = {}
    rooms: dict[str, Room] = {}
    for venue_reader in reader.items("venues"):
        vid = venue_reader.get("id", str)
        _unique(venues, vid, venue_reader, "venue")
        venue_rooms = []
        for room_reader in venue_reader.items("rooms", []):
            rid = room_reader.get("id", str)
            _unique(rooms, rid, room_reader, "room")
            closed = _windows(room_reader, "closed")
            room = Room(
                rid,
                vid,
                room_reader.get("capacity", int),
                frozenset(room_reader.strings("features", [])),
                closed,
            )
            rooms[rid] = room
            venue_rooms.append(room)
        opens, closes = venue_reader.time("open"), venue_reader.time("close")
        venues[vid] = Venue(
            vid,
            venue_reader.get("name", str, vid),
            venue_reader.get("area", str, None, optional_none=True),
            opens,
            closes,
            tuple(venue_rooms),
        )
    return venues, rooms


def _read_travel(reader: _Reader, venues: dict[str, Venue]) -> dict[tuple[str, str], int]:
    """Minutes between venues, both directions; a pair given twice must agree."""
    travel: dict[tuple[str, str], int] = {}
    table = _Reader(reader.get("travel_minutes", dict, {}), "travel_minutes")
    for a, row in table.data.items():
        if a not in venues:
            raise table.fail(a, f"unknown venue {a!r}")
        row_reader = _Reader(row, f"travel_minutes.{a}")
        if not isinstance(row, dict):
            raise row_reader.fail(None, "expected an object")
        for b in row:
            if b not in venues:
                raise row_reader.fail(b, f"unknown venue {b!r}")
            value = row_reader.get(b, int)
            for pair in ((a, b), (b, a)):
                if travel.setdefault(pair, value) != value:
                    raise row_reader.fail(
                        b, f"travel {a}-{b} is given twice with two values ({travel[pair]})"
                    )
    return travel


def _read_workers(reader: _Reader, venues: dict[str, Venue]) -> dict[str, Worker]:
    workers: dict[str, Worker] = {}
    for worker_reader in reader.items("workers"):
        wid = worker_reader.get("id", str)
        _unique(workers, wid, worker_reader, "worker")
        kind = worker_reader.get("kind", str, "permanent")
        if kind not in KINDS:
            raise worker_reader.fail("kind", f"unknown kind {kind!r}")
        base = worker_reader.get("base", str, None, optional_none=True)
        if base is not None and base not in venues:
            raise worker_reader.fail("base", f"unknown venue {base!r}")
        workers[wid] = Worker(
            wid,
            worker_reader.get("name", str, wid),
            worker_reader.get("area", str, None, optional_none=True),
            kind,
            base,
            worker_reader.get("contract_minutes", int),
            frozenset(worker_reader.strings("skills", [])),
            _windows(worker_reader, "available"),
        )
    return workers


def _read_sessions(
    reader: _Reader, venues: dict[str, Venue], workers: dict[str, Worker], weights: dict
) -> dict[str, Session]:
    sessions: dict[str, Session] = {}
    for session_reader in reader.items("sessions"):
        sid = session_reader.get("id", str)
        _unique(sessions, sid, session_reader, "session")
        sessions[sid] = _read_session(session_reader, sid, venues, workers, weights)
    return sessions


def _read_session(
    reader: _Reader, sid: str, venues: dict[str, Venue], workers: dict[str, Worker], weights: dict
) -> Session:
    priority = reader.get("priority", str)
    if priority not in weights["unassigned"]:
        raise reader.fail("priority", f"unknown priority {priority!r}")
    mode = reader.get("mode", str, "supervised")
    if mode not in MODES:
        raise reader.fail("mode", f"unknown mode {mode!r}")
    earliest, latest = reader.time("earliest_start"), reader.time("latest_start")
    if latest < earliest:
        raise reader.fail("latest_start", "is before earliest_start")
    session_venues = reader.strings("venues", [])
    for venue_id in session_venues:
        if venue_id not in venues:
            raise reader.fail("venues", f"unknown venue {venue_id!r}")
    if mode != "virtual" and not session_venues:
        raise reader.fail("venues", "a session held in a room needs at least one venue")
    for key in ("continuity_workers", "excluded_workers"):
        for worker_id in reader.strings(key, []):
            if worker_id not in workers:
                raise reader.fail(key, f"unknown worker {worker_id!r}")
    needed = reader.get("workers_needed", int, 1)
    if needed < 1:
        raise reader.fail("workers_needed", "must be at least 1")
    duration = reader.get("duration", int)
    if duration <= 0:
        raise reader.fail("duration", "must be positive")
    return Session(
        sid,
        tuple(reader.strings("children", [])),
        reader.get("participants", int, 0),
        priority,
        mode,
        duration,
        reader.day("day"),
        earliest,
        latest,
        reader.time("preferred_start", None, optional_none=True),
        tuple(session_venues),
        frozenset(reader.strings("room_features", [])),
        needed,
        frozenset(reader.strings("worker_skills", [])),
        reader.get("transport_before", int, 0),
        reader.get("transport_after", int, 0),
        tuple(reader.strings("continuity_workers", [])),
        frozenset(reader.strings("excluded_workers", [])),
    )


def _read_pins(
    reader: _Reader,
    sessions: dict[str, Session],
    rooms: dict[str, Room],
    workers: dict[str, Worker],
) -> list[Pin]:
    pins = []
    seen = set()
    for pin_reader in reader.items("pinned", []):
        sid = pin_reader.get("session", str)
        if sid not in sessions:
            raise pin_reader.fail("session", f"unknown session {sid!r}")
        if sid in seen:
            raise pin_reader.fail("session", f"session {sid!r} is pinned twice")
        seen.add(sid)
        room = pin_reader.get("room", str, None, optional_none=True)
        if room is not None and room not in rooms:
            raise pin_reader.fail("room", f"unknown room {room!r}")
        pinned_workers = pin_reader.strings("workers")
        for worker_id in pinned_workers:
            if worker_id not in workers:
                raise pin_reader.fail("workers", f"unknown worker {worker_id!r}")
        pins.append(Pin(sid, pin_reader.time("start"), room, tuple(pinned_workers)))
    return pins


def _windows_out(entries: tuple[tuple[str, int, int], ...]) -> list[dict]:
    return [{"day": d, "from": clock(a), "to": clock(b)} for d, a, b in entries]


def scenario_to_dict(s: Scenario) -> dict:
    travel: dict[str, dict[str, int]] = {}
    for (a, b), value in sorted(s.travel_given.items()):
        if b in travel and a in travel[b]:
            continue
        travel.setdefault(a, {})[b] = value
    return {
        "format": SCENARIO_FORMAT,
        "name": s.name,
        "days": list(s.days),
        "granularity_minutes": s.granularity,
        "room_turnaround_minutes": s.turnaround,
        "weights": s.weights,
        "venues": [
            {
                "id": v.id,
                "name": v.name,
                "area": v.area,
                "open": clock(v.open),
                "close": clock(v.close),
                "rooms": [
                    {
                        "id": r.id,
                        "capacity": r.capacity,
                        "features": sorted(r.features),
                        "closed": _windows_out(r.closed),
                    }
                    for r in v.rooms
                ],
            }
            for v in s.venues
        ],
        "travel_minutes": travel,
        "workers": [
            {
                "id": w.id,
                "name": w.name,
                "area": w.area,
                "kind": w.kind,
                "base": w.base,
                "contract_minutes": w.contract_minutes,
                "skills": sorted(w.skills),
                "available": _windows_out(w.available),
            }
            for w in s.workers
        ],
        "sessions": [
            {
                "id": x.id,
                "children": list(x.children),
                "participants": x.participants,
                "priority": x.priority,
                "mode": x.mode,
                "duration": x.duration,
                "day": x.day,
                "earliest_start": clock(x.earliest_start),
                "latest_start": clock(x.latest_start),
                "preferred_start": None if x.preferred_start is None else clock(x.preferred_start),
                "venues": list(x.venues),
                "room_features": sorted(x.room_features),
                "workers_needed": x.workers_needed,
                "worker_skills": sorted(x.worker_skills),
                "transport_before": x.transport_before,
                "transport_after": x.transport_after,
                "continuity_workers": list(x.continuity_workers),
                "excluded_workers": sorted(x.excluded_workers),
            }
            for x in s.sessions
        ],
        "pinned": [
            {
                "session": p.session,
                "start": clock(p.start),
                "room": p.room,
                "workers": list(p.workers),
            }
            for p in s.pinned
        ],
    }


def _read_json(path: str | Path) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{path}: not JSON: {error}") from None


def load_scenario(path: str | Path) -> Scenario:
    return scenario_from_dict(_read_json(path))


def solution_from_dict(d: Any, scenario: Scenario | None = None) -> Solution:
    """Read a ``contact-rota-solution/1`` dict. With ``scenario``, ids are checked too."""
    r = _Reader(d, "")
    if not isinstance(d, dict):
        raise ScenarioError("solution: expected a JSON object")
    if d.get("format") != SOLUTION_FORMAT:
        raise r.fail("format", f"expected {SOLUTION_FORMAT!r}, got {d.get('format')!r}")
    assignments = []
    for ar in r.items("assignments"):
        sid = ar.get("session", str)
        room = ar.get("room", str, None, optional_none=True)
        workers = ar.strings("workers")
        if scenario is not None:
            if sid not in scenario.session_by_id:
                raise ar.fail("session", f"unknown session {sid!r}")
            if room is not None and room not in scenario.room_by_id:
                raise ar.fail("room", f"unknown room {room!r}")
            for w in workers:
                if w not in scenario.worker_by_id:
                    raise ar.fail("workers", f"unknown worker {w!r}")
        assignments.append(Assignment(sid, ar.time("start"), room, tuple(workers)))
    unassigned = []
    for ur in r.items("unassigned", []):
        sid = ur.get("session", str)
        if scenario is not None and sid not in scenario.session_by_id:
            raise ur.fail("session", f"unknown session {sid!r}")
        unassigned.append(Unassigned(sid, ur.get("reason", str, "")))
    return Solution(
        scenario=r.get("scenario", str, "", optional_none=True) or "",
        assignments=assignments,
        unassigned=unassigned,
        stats=r.get("stats", dict, {}),
    )


def solution_to_dict(sol: Solution) -> dict:
    return {
        "format": SOLUTION_FORMAT,
        "scenario": sol.scenario,
        "assignments": [
            {
                "session": a.session,
                "start": clock(a.start),
                "room": a.room,
                "workers": list(a.workers),
            }
            for a in sol.assignments
        ],
        "unassigned": [{"session": u.session, "reason": u.reason} for u in sol.unassigned],
        "stats": sol.stats,
    }


def load_solution(path: str | Path, scenario: Scenario | None = None) -> Solution:
    return solution_from_dict(_read_json(path), scenario)


def dump_json(obj_dict: dict, path: str | Path) -> None:
    """Write a dict as JSON, atomically (nothing is left half-written)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj_dict, f, indent=1)
        f.write("\n")
    tmp.replace(path)
