"""A broken hard rule as data, and the one wording of each kind of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import clock


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Violation:
    """One broken hard rule of the scenario format; ``str()`` is the checker's message.

    ``sessions`` lists every session the message names, in its order, and ``times`` the
    (start, end) minutes of the first ones where the message gives their time (a worker's
    times include transport). ``details`` holds the kind's other figures, by kind:
    window: earliest, latest; off_grid: grid; wrong_venue: allowed (the session's venues);
    missing_feature: feature; room_too_small: people, capacity; room_closed: closed (from, to);
    room_turnaround: turnaround; workers_needed: needed (``workers`` as given, repeats kept);
    missing_skill: skills; travel_gap: free, leg; contract: busy, travel, contract;
    pin: pinned and found, each (start, room, workers) or None for found.
    """

    rule: int
    kind: str
    day: str | None = None
    sessions: tuple[str, ...] = ()
    times: tuple[tuple[int, int], ...] = ()
    workers: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return f"rule {self.rule}: {self.describe()}"

    def when(self, index: int, dash: str = "-") -> str:
        """'15:30-17:00': the time the message gives for ``sessions[index]``."""
        start, end = self.times[index]
        return f"{clock(start)}{dash}{clock(end)}"

    def describe(
        self,
        session: Callable[[str], str] | None = None,
        worker: Callable[[str], str] = _same,
        room: Callable[[str], str] = _same,
        venue: Callable[[str], str] = _same,
        day: Callable[[str], str] = _same,
    ) -> str:
        """The message without its 'rule N: ', each id put in words by the function given.

        ``session`` names a session wherever the message names it, and then stands for the
        word 'session' before it too ('session s12' and a bare 's12' both become its answer).
        """
        said = (lambda sid: f"session {sid}") if session is None else session
        bare = _same if session is None else session
        sid = self.sessions[0] if self.sessions else ""
        on = day(self.day) if self.day is not None else ""
        details = self.details

        def span(index: int) -> str:
            return f"{bare(self.sessions[index])} {self.when(index)}"

        def names(ids, words=worker) -> list[str]:
            return [words(x) for x in ids]

        def placed(where) -> str:
            start, at, who = where
            return f"{clock(start)} {room(at) if at is not None else None} {names(who)}"

        match self.kind:
            case "unknown_session":
                return f"an assignment names unknown {said(sid)}"
            case "assigned_twice":
                return f"{said(sid)} is assigned more than once"
            case "unknown_unassigned":
                return f"unassigned names unknown {said(sid)}"
            case "assigned_and_unassigned":
                return f"{said(sid)} is both assigned and unassigned"
            case "unassigned_twice":
                return f"{said(sid)} is listed twice as unassigned"
            case "not_listed":
                return f"{said(sid)} is neither assigned nor unassigned"
            case "window":
                window = f"{clock(details['earliest'])}-{clock(details['latest'])}"
                return f"{said(sid)} {self.when(0)} starts outside {window}"
            case "off_grid":
                return f"{said(sid)} {self.when(0)} starts off the {details['grid']}-minute grid"
            case "opening_hours":
                at = venue(self.venues[0])
                return f"{said(sid)} {self.when(0)} is outside {at}'s opening hours"
            case "virtual_room":
                return f"virtual {said(sid)} has room {room(self.rooms[0])}"
            case "unknown_room":
                at = room(self.rooms[0]) if self.rooms else None
                return f"{said(sid)} has no known room ({at})"
            case "wrong_venue":
                allowed = ", ".join(names(details["allowed"], venue))
                return f"{said(sid)} is at {venue(self.venues[0])}, not {allowed}"
            case "missing_feature":
                feature, at = details["feature"], room(self.rooms[0])
                return f"{said(sid)} needs {feature}, which room {at} lacks"
            case "room_too_small":
                people, capacity, at = details["people"], details["capacity"], room(self.rooms[0])
                return f"{said(sid)} has {people} people, room {at} holds {capacity}"
            case "room_closed":
                start, end = details["closed"]
                closed = f"{clock(start)}-{clock(end)}"
                return f"room {room(self.rooms[0])} is closed {closed}, {said(sid)} {self.when(0)}"
            case "room_turnaround":
                at, gap = room(self.rooms[0]), details["turnaround"]
                return f"room {at} on {on}: {span(0)} and {span(1)} are < {gap} min apart"
            case "workers_needed":
                return f"{said(sid)} needs {details['needed']} workers, has {names(self.workers)}"
            case "unknown_worker":
                return f"{said(sid)} names unknown worker {worker(self.workers[0])}"
            case "excluded_worker":
                return f"worker {worker(self.workers[0])} is excluded from {said(sid)}"
            case "missing_skill":
                lacking = ", ".join(details["skills"])
                return f"worker {worker(self.workers[0])} lacks {lacking} for {said(sid)}"
            case "unavailable":
                who = worker(self.workers[0])
                return f"worker {who} is not available on {on} for {span(0)}"
            case "worker_overlap":
                who = worker(self.workers[0])
                return f"worker {who} on {on}: {span(0)} and {span(1)} overlap"
            case "travel_gap":
                first, then = (venue(v) for v in self.venues)
                gap = f"{details['free']} free min for {details['leg']} min travel"
                return (
                    f"worker {worker(self.workers[0])} on {on}: "
                    f"{span(0)} at {first}, {span(1)} at {then}: {gap}"
                )
            case "contract":
                busy, travel, contract = details["busy"], details["travel"], details["contract"]
                return (
                    f"worker {worker(self.workers[0])} is busy {busy} + travels {travel} min, "
                    f"over {contract}"
                )
            case "child_overlap":
                child = self.children[0]
                return f"child {child} on {on}: sessions {span(0)} and {span(1)} overlap"
            case "pin":
                found = details["found"]
                found = "no assignment" if found is None else placed(found)
                pinned = placed(details["pinned"])
                return f"{bare(sid)} is pinned to {pinned}, the solution has {found}"
        raise ValueError(f"unknown kind of violation {self.kind!r}")
