"""Reads for the rota board: one week, laid out by worker and by room.

Everything the board shows is read in a fixed number of queries whatever the week's size; the
layout (rows, cells, cards, minutes and travel) is then built in Python from those rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from lib.service_day import SERVICE_CLOSES, SERVICE_OPENS, minutes_of_day
from lib.travel import TravelTimes
from referrals.models import Referral
from scheduling.models import ContactSession, RotaWeek, SessionWorker, SolverRun
from staffing.models import Worker
from venues.models import Area, Room, TravelTime

# The by-venue timeline spans the service's day.
DAY_OPENS = minutes_of_day(SERVICE_OPENS)
DAY_CLOSES = minutes_of_day(SERVICE_CLOSES)
DAY_SPAN = DAY_CLOSES - DAY_OPENS
MODE_LABELS = dict(ContactSession._meta.get_field("mode").choices)
STATUS_LABELS = dict(ContactSession.Status.choices)


@dataclass
class Staff:
    worker_id: int
    name: str
    busy_minutes: int
    holds_time: bool


@dataclass
class Card:
    """One session as the board draws it: plain values, no model instances (a week has
    hundreds of sessions, and building model objects was most of the page's time)."""

    pk: int
    day: dt.date
    earliest_start: dt.time
    latest_start: dt.time
    mode: str
    status: str
    pinned: bool
    changed_in_replan: bool
    unplaced_reason: str
    return_reason: str
    transport: str
    priority: str
    referral_id: int
    reference: str
    room_id: int | None
    room: str
    venue_id: int | None
    venue: str
    area_id: int | None  # ContactSession.objects.with_area()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    children: str = ""
    staff: list[Staff] = field(default_factory=list)
    left: float = 0.0  # percent of the by-venue day, for placed sessions
    width: float = 0.0
    lane: int = 0
    html: str = ""  # drawn once by the view, shown in every cell the session appears in

    @property
    def is_court(self) -> bool:
        return self.priority == "court"

    @property
    def workers(self) -> str:
        return ", ".join(s.name for s in self.staff)

    @property
    def mode_label(self) -> str:
        return MODE_LABELS.get(self.mode, self.mode)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class WorkerRow:
    worker: Worker
    days: list[list[Card]]
    busy_minutes: int = 0
    travel_minutes: int = 0

    @property
    def over_contract(self) -> bool:
        return self.busy_minutes + self.travel_minutes > self.worker.contract_minutes


@dataclass
class RoomRow:
    label: str
    venue: str
    days: list[list[Card]]
    lanes: list[int] = field(default_factory=list)  # per day: how many cards can overlap


def _stack(cards: list[Card]) -> int:
    """Give overlapping cards (virtual calls share no room) separate lanes; returns the count."""
    ends: list[dt.datetime] = []
    for card in sorted(cards, key=lambda c: c.start):
        lane = next((n for n, end in enumerate(ends) if end <= card.start), len(ends))
        if lane == len(ends):
            ends.append(card.end)
        else:
            ends[lane] = card.end
        card.lane = lane
    return max(len(ends), 1)


@dataclass
class Board:
    rota_week: RotaWeek
    days: list[dt.date]
    areas: list[Area]
    worker_groups: list[tuple[Area, list[WorkerRow]]]
    unstaffed: list[list[Card]]  # placed sessions without a worker (overseen, virtual...)
    room_rows: list[RoomRow]
    unplaced: list[Card]
    latest_run: SolverRun | None
    cards: list[Card] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def has_unstaffed(self) -> bool:
        return any(self.unstaffed)

    @property
    def venue_days(self) -> list[tuple[dt.date, list[tuple[RoomRow, list[Card], int]]]]:
        return [
            (day, [(row, row.days[n], row.lanes[n] if row.lanes else 1) for row in self.room_rows])
            for n, day in enumerate(self.days)
        ]

    @property
    def hours(self) -> list[tuple[str, float]]:
        """The timeline's hour marks: (label, percent from the left)."""
        return [
            (f"{h:02d}:00", round(100 * (h * 60 - DAY_OPENS) / DAY_SPAN, 3)) for h in range(9, 19)
        ]


def week_cards(*, rota_week: RotaWeek) -> list[Card]:
    """The week's sessions (cancelled ones aside) as cards, in three queries."""
    rows = (
        ContactSession.objects.filter(rota_week_id=rota_week.pk)
        .not_cancelled()
        .with_area()
        .order_by("day", "starts_at", "pk")
        .values_list(
            "pk",
            "day",
            "earliest_start",
            "latest_start",
            "mode",
            "status",
            "pinned",
            "changed_in_replan",
            "unplaced_reason",
            "return_reason",
            "plan__transport",
            "plan__referral__priority",
            "plan__referral_id",
            "plan__referral__reference",
            "room_id",
            "room__name",
            "room__venue_id",
            "room__venue__name",
            "area_id",
            "starts_at",
            "ends_at",
        )
    )
    cards = {}
    for *values, starts_at, ends_at in rows:
        card = Card(*values)
        card.room, card.venue = card.room or "", card.venue or ""
        if starts_at is not None:
            card.start, card.end = timezone.localtime(starts_at), timezone.localtime(ends_at)
            first, last = minutes_of_day(card.start), minutes_of_day(card.end)
            card.left = round(100 * max(first - DAY_OPENS, 0) / DAY_SPAN, 3)
            card.width = round(
                100 * max(min(last, DAY_CLOSES) - max(first, DAY_OPENS), 5) / DAY_SPAN, 3
            )
        cards[card.pk] = card
    if not cards:
        return []
    staffing = (
        SessionWorker.objects.filter(session__rota_week_id=rota_week.pk)
        .exclude(session__status=ContactSession.Status.CANCELLED)
        .order_by("worker__name")
        .values_list(
            "session_id", "worker_id", "worker__name", "busy_from", "busy_to", "holds_time"
        )
    )
    for session_id, worker_id, name, busy_from, busy_to, holds_time in staffing:
        minutes = int((busy_to - busy_from).total_seconds() // 60)
        cards[session_id].staff.append(Staff(worker_id, name, minutes, holds_time))
    by_referral = defaultdict(list)
    for card in cards.values():
        by_referral[card.referral_id].append(card)
    children = (
        Referral.children.through.objects.filter(referral_id__in=list(by_referral))
        .order_by("child__first_name", "child__reference")
        .values_list("referral_id", "child__first_name", "child__reference")
    )
    names = defaultdict(list)
    for referral_id, first_name, reference in children:
        names[referral_id].append(first_name or reference)
    for referral_id, group in by_referral.items():
        label = ", ".join(names[referral_id]) or group[0].reference
        for card in group:
            card.children = label
    return list(cards.values())


def _room_rows(placed: list[Card], *, days: list[dt.date], area: Area | None) -> list[RoomRow]:
    """A row per active room (the area's, if one is chosen), then virtual calls' when unfiltered."""
    day_index = {day: n for n, day in enumerate(days)}
    rooms = Room.objects.filter(is_active=True).select_related("venue")
    if area is not None:
        rooms = rooms.filter(venue__area=area)
    by_room: dict[int | None, list[list[Card]]] = defaultdict(lambda: [[] for _ in days])
    for card in placed:
        by_room[card.room_id][day_index[card.day]].append(card)
    room_rows = [
        RoomRow(label=room.name, venue=room.venue.name, days=by_room[room.pk])
        for room in rooms.order_by("venue__name", "name")
    ]
    if None in by_room and area is None:
        days_cards = by_room[None]
        room_rows.append(
            RoomRow(
                label="Virtual",
                venue="No room",
                days=days_cards,
                lanes=[_stack(day_cards) for day_cards in days_cards],
            )
        )
    return room_rows


def _lay_on_worker_rows(
    placed: list[Card], rows: dict[int, WorkerRow], *, days: list[dt.date], list_unstaffed: bool
) -> list[list[Card]]:
    """Put each card in its workers' rows, adding up the minutes they hold.

    Returns per day the cards no worker holds, if `list_unstaffed` (else empty days).
    """
    day_index = {day: n for n, day in enumerate(days)}
    unstaffed: list[list[Card]] = [[] for _ in days]
    for card in placed:
        if not card.staff and list_unstaffed:
            unstaffed[day_index[card.day]].append(card)
        for staff in card.staff:
            row = rows.get(staff.worker_id)
            if row is None:
                continue
            row.days[day_index[card.day]].append(card)
            if staff.holds_time:
                row.busy_minutes += staff.busy_minutes
    return unstaffed


def _add_travel(rows: dict[int, WorkerRow], travel: TravelTimes) -> None:
    """Each worker's driving minutes: every day's route between venues, from their base."""
    for row in rows.values():
        base = row.worker.base_venue_id
        for day_cards in row.days:
            route = [c.venue_id for c in day_cards if c.venue_id]
            row.travel_minutes += travel.route(route, base=base)


def _worker_groups(
    placed: list[Card], *, days: list[dt.date], area: Area | None, worker_kind: str
) -> tuple[list[tuple[Area, list[WorkerRow]]], list[list[Card]]]:
    """The by-worker rows in groups by area, and per day the placed sessions no worker holds.

    Sessions without a worker are only listed when no filter narrows the workers.
    """
    workers = Worker.objects.filter(is_active=True).select_related("area")
    if area is not None:
        workers = workers.filter(area=area)
    if worker_kind:
        workers = workers.filter(kind=worker_kind)
    travel = TravelTime.objects.table()
    rows: dict[int, WorkerRow] = {}
    groups: dict[int, list[WorkerRow]] = defaultdict(list)
    group_areas: dict[int, Area] = {}
    for worker in workers.order_by("area__name", "name"):
        row = WorkerRow(worker=worker, days=[[] for _ in days])
        rows[worker.pk] = row
        groups[worker.area_id].append(row)
        group_areas[worker.area_id] = worker.area
    unstaffed = _lay_on_worker_rows(
        placed, rows, days=days, list_unstaffed=area is None and not worker_kind
    )
    _add_travel(rows, travel)
    return [(group_areas[area_id], group) for area_id, group in groups.items()], unstaffed


def _board_counts(cards: list[Card], placed: list[Card]) -> dict[str, int]:
    return {
        "total": len(cards),
        "placed": len(placed),
        "unplaced": len(cards) - len(placed),
        "court_total": sum(1 for c in cards if c.is_court),
        "court_placed": sum(1 for c in placed if c.is_court),
        "proposed": sum(1 for c in placed if c.status == ContactSession.Status.PROPOSED),
        "changed": sum(1 for c in cards if c.changed_in_replan),
        "pinned": sum(1 for c in placed if c.pinned),
    }


def rota_board(
    *, rota_week: RotaWeek, area_code: str = "", worker_kind: str = "", view: str = "worker"
) -> Board:
    """The week laid out for the board; filters narrow the rows, never the figures."""
    days = rota_week.days
    areas = list(Area.objects.order_by("name"))
    area = next((a for a in areas if a.code == area_code), None)
    latest_run = (
        SolverRun.objects.filter(rota_week_id=rota_week.pk).order_by("-created_at").first()
        if rota_week.pk
        else None
    )
    cards = week_cards(rota_week=rota_week) if rota_week.pk else []

    unplaced = [c for c in cards if c.start is None and (area is None or c.area_id == area.pk)]
    placed = [c for c in cards if c.start is not None]

    worker_groups: list[tuple[Area, list[WorkerRow]]] = []
    unstaffed: list[list[Card]] = [[] for _ in days]
    room_rows: list[RoomRow] = []
    if view == "venue":
        room_rows = _room_rows(placed, days=days, area=area)
    else:
        worker_groups, unstaffed = _worker_groups(
            placed, days=days, area=area, worker_kind=worker_kind
        )
    return Board(
        rota_week=rota_week,
        days=days,
        areas=areas,
        worker_groups=worker_groups,
        unstaffed=unstaffed,
        room_rows=room_rows,
        unplaced=unplaced,
        latest_run=latest_run,
        cards=cards,
        counts=_board_counts(cards, placed),
    )


def board_session_get(*, pk: int) -> ContactSession:
    """One session with what its dialog shows (raises DoesNotExist)."""
    return (
        ContactSession.objects.select_related("plan__referral", "room__venue", "rota_week")
        .prefetch_related(
            Prefetch("staffing", queryset=SessionWorker.objects.select_related("worker")),
            "plan__referral__children",
        )
        .get(pk=pk)
    )


def solver_run_get(*, pk: int) -> SolverRun:
    return SolverRun.objects.select_related("rota_week").get(pk=pk)
