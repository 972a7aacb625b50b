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
        words = _Words(self, session, worker, room, venue, day)
        wording = _WORDINGS.get(self.kind)
        if wording is None:
            raise ValueError(f"unknown kind of violation {self.kind!r}")
        return wording(words)


class _Words:
    """The parts of a violation's message, each id put in words by the caller's functions."""

    def __init__(
        self,
        violation: Violation,
        session: Callable[[str], str] | None,
        worker: Callable[[str], str],
        room: Callable[[str], str],
        venue: Callable[[str], str],
        day: Callable[[str], str],
    ):
        self.violation, self.details = violation, violation.details
        self.named = (lambda sid: f"session {sid}") if session is None else session
        self.bare = _same if session is None else session
        self.worker_words, self.room_words, self.venue_words = worker, room, venue
        self.on = day(violation.day) if violation.day is not None else ""

    @property
    def first_session(self) -> str:
        return self.violation.sessions[0] if self.violation.sessions else ""

    @property
    def session(self) -> str:
        """The first session as the message names it: 'session s12' unless put in words."""
        return self.named(self.first_session)

    @property
    def when(self) -> str:
        return self.violation.when(0)

    @property
    def worker(self) -> str:
        return self.worker_words(self.violation.workers[0])

    @property
    def room(self) -> str:
        return self.room_words(self.violation.rooms[0])

    @property
    def venue(self) -> str:
        return self.venue_words(self.violation.venues[0])

    def span(self, index: int) -> str:
        """'s12 15:30-17:00': a session of the message with its time."""
        return f"{self.bare(self.violation.sessions[index])} {self.violation.when(index)}"

    def workers(self, ids: tuple[str, ...]) -> list[str]:
        return [self.worker_words(wid) for wid in ids]

    def placement(self, where: tuple) -> str:
        """'10:00 r1 ['w1']': a (start, room, workers) of a pin or of what the solution has."""
        start, at, who = where
        room = self.room_words(at) if at is not None else None
        return f"{clock(start)} {room} {self.workers(who)}"


def _interval(start: int, end: int) -> str:
    return f"{clock(start)}-{clock(end)}"


def _unknown_room(words: _Words) -> str:
    at = words.room if words.violation.rooms else None
    return f"{words.session} has no known room ({at})"


def _wrong_venue(words: _Words) -> str:
    allowed = ", ".join(words.venue_words(place) for place in words.details["allowed"])
    return f"{words.session} is at {words.venue}, not {allowed}"


def _room_too_small(words: _Words) -> str:
    people, capacity = words.details["people"], words.details["capacity"]
    return f"{words.session} has {people} people, room {words.room} holds {capacity}"


def _room_closed(words: _Words) -> str:
    closed = _interval(*words.details["closed"])
    return f"room {words.room} is closed {closed}, {words.session} {words.when}"


def _room_turnaround(words: _Words) -> str:
    pair, gap = f"{words.span(0)} and {words.span(1)}", words.details["turnaround"]
    return f"room {words.room} on {words.on}: {pair} are < {gap} min apart"


def _travel_gap(words: _Words) -> str:
    first, then = (words.venue_words(place) for place in words.violation.venues)
    gap = f"{words.details['free']} free min for {words.details['leg']} min travel"
    return (
        f"worker {words.worker} on {words.on}: "
        f"{words.span(0)} at {first}, {words.span(1)} at {then}: {gap}"
    )


def _contract(words: _Words) -> str:
    busy, travel = words.details["busy"], words.details["travel"]
    contract = words.details["contract"]
    return f"worker {words.worker} is busy {busy} + travels {travel} min, over {contract}"


def _child_overlap(words: _Words) -> str:
    child, pair = words.violation.children[0], f"{words.span(0)} and {words.span(1)}"
    return f"child {child} on {words.on}: sessions {pair} overlap"


def _pin(words: _Words) -> str:
    found = words.details["found"]
    found = "no assignment" if found is None else words.placement(found)
    pinned = words.placement(words.details["pinned"])
    return f"{words.bare(words.first_session)} is pinned to {pinned}, the solution has {found}"


# The one wording of each kind of violation, in the order of the rules.
_WORDINGS: dict[str, Callable[[_Words], str]] = {
    "unknown_session": lambda words: f"an assignment names unknown {words.session}",
    "assigned_twice": lambda words: f"{words.session} is assigned more than once",
    "unknown_unassigned": lambda words: f"unassigned names unknown {words.session}",
    "assigned_and_unassigned": lambda words: f"{words.session} is both assigned and unassigned",
    "unassigned_twice": lambda words: f"{words.session} is listed twice as unassigned",
    "not_listed": lambda words: f"{words.session} is neither assigned nor unassigned",
    "window": lambda words: (
        f"{words.session} {words.when} starts outside "
        f"{_interval(words.details['earliest'], words.details['latest'])}"
    ),
    "off_grid": lambda words: (
        f"{words.session} {words.when} starts off the {words.details['grid']}-minute grid"
    ),
    "opening_hours": lambda words: (
        f"{words.session} {words.when} is outside {words.venue}'s opening hours"
    ),
    "virtual_room": lambda words: f"virtual {words.session} has room {words.room}",
    "unknown_room": _unknown_room,
    "wrong_venue": _wrong_venue,
    "missing_feature": lambda words: (
        f"{words.session} needs {words.details['feature']}, which room {words.room} lacks"
    ),
    "room_too_small": _room_too_small,
    "room_closed": _room_closed,
    "room_turnaround": _room_turnaround,
    "workers_needed": lambda words: (
        f"{words.session} needs {words.details['needed']} workers, "
        f"has {words.workers(words.violation.workers)}"
    ),
    "unknown_worker": lambda words: f"{words.session} names unknown worker {words.worker}",
    "excluded_worker": lambda words: f"worker {words.worker} is excluded from {words.session}",
    "missing_skill": lambda words: (
        f"worker {words.worker} lacks {', '.join(words.details['skills'])} for {words.session}"
    ),
    "unavailable": lambda words: (
        f"worker {words.worker} is not available on {words.on} for {words.span(0)}"
    ),
    "worker_overlap": lambda words: (
        f"worker {words.worker} on {words.on}: {words.span(0)} and {words.span(1)} overlap"
    ),
    "travel_gap": _travel_gap,
    "contract": _contract,
    "child_overlap": _child_overlap,
    "pin": _pin,
}
