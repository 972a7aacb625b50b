"""The monthly report's figures, read with a fixed number of queries whatever the month's size.

The month's sessions are loaded once, with their workers, children, room and record, and every
session figure is counted from them in Python; only the twelve-month trend and the agency,
taxi and supervision figures are aggregated by the database.

Definitions (also shown on the page):
- planned: every session of the month on the rota, whatever became of it;
- held: completed; coverage: of the sessions not cancelled, those placed with the workers they
  need (or already held); court coverage: the same for referrals before the court;
- virtual share: of the sessions held, those held by audio or video call;
- continuity: of the staffed sessions whose plan names continuity workers, those with one;
- late record: a held session whose record was not submitted by the end of the second
  working day after it (or is still not submitted once that day has passed);
- travel: for each worker and day, driving minutes between the venues of consecutive
  sessions, and from and back to the worker's base (a pair not recorded counts 60 minutes,
  as in the rota format); mileage cost also counts minutes spent driving a child.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lib.weeks import working_days_between
from referrals.models import Child, Referral
from scheduling.models import ContactSession, SessionWorker
from scheduling.services.records import record_due_on, record_is_late
from staffing.models import Worker
from venues.models import Area, Room, TravelTime

from .models import AgencySession, MileageRate, TaxiBooking

BAND = (978, 1290)  # sessions a month in the service's last annual report
HOURS = list(range(8, 19))  # 08:00 to 18:00 rows of the heat map
CANCELLED_BY = {
    ContactSession.CancelReason.CHILD_ILL: "Child or carer",
    ContactSession.CancelReason.CARER_CANCELLED: "Child or carer",
    ContactSession.CancelReason.PARENT_DID_NOT_ATTEND: "Parent or family",
    ContactSession.CancelReason.WORKER_ABSENT: "The service",
    ContactSession.CancelReason.VENUE_CLOSED: "The service",
    ContactSession.CancelReason.COURT_ORDER: "Court or social worker",
    ContactSession.CancelReason.OTHER: "Other",
    "": "Not recorded",
}
NOT_CANCELLED = ~Q(status=ContactSession.Status.CANCELLED)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def months_back(month: dt.date, count: int) -> list[dt.date]:
    """The first days of `count` months ending with `month`, oldest first."""
    firsts = [month.replace(day=1)]
    while len(firsts) < count:
        firsts.append((firsts[-1] - dt.timedelta(days=1)).replace(day=1))
    return firsts[::-1]


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def supervision_interval_weeks(sessions_last_4_weeks: int) -> int:
    """Relief workers are supervised every 4 to 12 weeks: the more they work, the sooner."""
    if sessions_last_4_weeks >= 8:
        return 4
    if sessions_last_4_weeks >= 4:
        return 6
    if sessions_last_4_weeks >= 1:
        return 8
    return 12


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class MonthlyReport:
    month: dt.date
    area: Area | None
    today: dt.date
    figures: dict = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict = field(default_factory=dict)


def _month_sessions(first: dt.date, last: dt.date) -> list[ContactSession]:
    return list(
        ContactSession.objects.filter(day__gte=first, day__lte=last)
        .with_area()
        .select_related("plan__referral", "room__venue", "record")
        .prefetch_related(
            Prefetch(
                "staffing",
                queryset=SessionWorker.objects.select_related("worker").order_by("pk"),
            ),
            Prefetch("plan__referral__children", queryset=Child.objects.only("pk", "area_id")),
            "plan__continuity_workers",
        )
        .order_by("day", F("starts_at").asc(nulls_last=True), "pk")
    )


def _travel(sessions: list[ContactSession], area: Area | None) -> tuple[int, int, Table]:
    """Travel minutes of each worker (of the area), and minutes spent driving children."""
    travel = TravelTime.objects.table()
    days: dict[tuple[Worker, dt.date], list[ContactSession]] = defaultdict(list)
    transport_minutes = 0
    for session in sessions:
        if session.status == ContactSession.Status.CANCELLED or not session.starts_at:
            continue
        for staff in session.staffing.all():
            worker = staff.worker
            if area is not None and worker.area_id != area.pk:
                continue
            transport_minutes += session.transport_before_minutes + session.transport_after_minutes
            if session.room_id:
                days[(worker, session.day)].append(session)
    by_worker: Counter = Counter()
    for (worker, _day), day_sessions in days.items():
        venues = [s.room.venue_id for s in sorted(day_sessions, key=lambda s: s.starts_at)]
        by_worker[worker] += travel.route(venues, base=worker.base_venue_id)
    table = Table(
        "Travel by worker",
        ["Worker", "Kind", "Travel minutes"],
        [
            [w.name, w.get_kind_display(), m]
            for w, m in sorted(by_worker.items(), key=lambda i: (-i[1], i[0].name))
        ],
    )
    return sum(by_worker.values()), transport_minutes, table


def _heat_map(sessions: list[ContactSession], rooms_by_venue: dict, days: int) -> Table:
    minutes: dict[str, Counter] = defaultdict(Counter)
    for session in sessions:
        if session.status == ContactSession.Status.CANCELLED or not session.starts_at:
            continue
        if not session.room_id:
            continue
        start = timezone.localtime(session.starts_at)
        end = timezone.localtime(session.ends_at)
        venue = session.room.venue.name
        for hour in HOURS:
            slot_start = start.replace(hour=hour, minute=0, second=0, microsecond=0)
            slot_end = slot_start + dt.timedelta(hours=1)
            overlap = (min(end, slot_end) - max(start, slot_start)).total_seconds() // 60
            if overlap > 0:
                minutes[venue][hour] += int(overlap)
    rows = []
    for venue in sorted(rooms_by_venue):
        available = rooms_by_venue[venue] * 60 * days
        rows.append(
            [venue]
            + [share(minutes[venue][hour], available) or 0 for hour in HOURS]
            + [share(sum(minutes[venue].values()), available * len(HOURS)) or 0]
        )
    return Table(
        "Room use by venue and hour (% of room time booked)",
        ["Venue", *[f"{h:02d}:00" for h in HOURS], "All day"],
        rows,
    )


def _supervision(today: dt.date) -> Table:
    recent = Q(
        staffing__holds_time=True,
        staffing__session__day__gte=today - dt.timedelta(days=27),
        staffing__session__day__lte=today,
    ) & ~Q(staffing__session__status=ContactSession.Status.CANCELLED)
    workers = (
        Worker.objects.filter(kind=Worker.Kind.RELIEF, is_active=True)
        .annotate(
            recent_sessions=Count("staffing", filter=recent, distinct=True),
            last_supervision=Max("supervisions__held_on"),
        )
        .order_by("name")
    )
    rows = []
    for worker in workers:
        weeks = supervision_interval_weeks(worker.recent_sessions)
        last = worker.last_supervision
        due = last + dt.timedelta(weeks=weeks) if last else today
        overdue = due < today or last is None
        rows.append(
            [
                worker.name,
                last.isoformat() if last else "never",
                worker.recent_sessions,
                weeks,
                due.isoformat(),
                "overdue" if overdue else "due" if due == today else "",
            ]
        )
    rows.sort(key=lambda r: (r[5] != "overdue", r[4], r[0]))
    return Table(
        "Relief workers' supervision",
        [
            "Worker",
            "Last supervision",
            "Sessions in the last 4 weeks",
            "Every (weeks)",
            "Next due",
            "Status",
        ],
        rows,
    )


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def monthly_report(*, month: dt.date, area: Area | None = None, today: dt.date) -> MonthlyReport:
    """Every figure and table of one month's report, for the county or one area."""
    first, last = month_bounds(month)
    # Travel and room use count the sessions of every area: an area's workers may work
    # sessions of another, and its rooms host sessions of all.
    every = _month_sessions(first, last)
    sessions = [s for s in every if area is None or s.area_id == area.pk]
    held = [s for s in sessions if s.status == ContactSession.Status.COMPLETED]
    cancelled = [s for s in sessions if s.status == ContactSession.Status.CANCELLED]
    not_cancelled = [s for s in sessions if s.status != ContactSession.Status.CANCELLED]
    late = [(s, record_due_on(s)) for s in held if record_is_late(s, today=today)]
    agency = _agency_figures(first, last, area, held=len(held))
    taxis = _taxi_figures(first, last, area)
    rooms_by_venue = _rooms_by_venue(area)
    mileage, travel_table = _mileage_figures(every, last, area)
    figures = {
        **_session_figures(sessions, held, cancelled, not_cancelled),
        **mileage,
        **taxis,
        **_staffing_figures(not_cancelled),
        **_record_figures(held, late),
        **agency,
        "working_days": working_days_between(first, last),
    }
    tables = {
        "summary": _summary_table(figures),
        **_cancellation_tables(cancelled),
        "rooms": _heat_map(every, rooms_by_venue, figures["working_days"]),
        "costs": _costs_table(figures),
        "travel": travel_table,
        "late_records": _late_records_table(late),
        "trend": _trend(first, area),
        "supervision": _supervision(today),
    }
    return MonthlyReport(
        month=first,
        area=area,
        today=today,
        figures=figures,
        tables=tables,
        charts=_charts(tables),
    )


def _covered(session: ContactSession) -> bool:
    """Placed with the workers it needs, or already held."""
    status = ContactSession.Status
    if session.status in (status.COMPLETED, status.DID_NOT_ATTEND):
        return True
    staffed = sum(1 for w in session.staffing.all() if w.holds_time)
    return bool(session.starts_at) and staffed >= session.plan.workers_needed


def _session_figures(sessions, held, cancelled, not_cancelled) -> dict:
    """What became of the month's sessions: held, cancelled, covered, court, virtual."""
    status = ContactSession.Status
    planned = len(sessions)
    court = [s for s in not_cancelled if s.plan.referral.priority == Referral.Priority.COURT]
    virtual_held = sum(1 for s in held if s.mode == "virtual")
    return {
        "planned": planned,
        "held": len(held),
        "held_share": share(len(held), planned),
        "did_not_attend": sum(1 for s in sessions if s.status == status.DID_NOT_ATTEND),
        "cancelled": len(cancelled),
        "still_to_happen": sum(
            1
            for s in sessions
            if s.status in (status.PROPOSED, status.AWAITING_APPROVAL, status.BOOKED)
        ),
        "coverage": share(sum(1 for s in not_cancelled if _covered(s)), len(not_cancelled)),
        "court_sessions": len(court),
        "court_coverage": share(sum(1 for s in court if _covered(s)), len(court)),
        "virtual_held": virtual_held,
        "virtual_share": share(virtual_held, len(held)),
    }


def _staffing_figures(not_cancelled: list[ContactSession]) -> dict:
    """Sessions and shifts with relief and residential workers, and continuity."""
    staffed = [s for s in not_cancelled if s.staffing.all()]
    kinds = [{w.worker.kind for w in s.staffing.all()} for s in staffed]
    shifts = [w.worker.kind for s in staffed for w in s.staffing.all()]
    with_relief = sum(1 for k in kinds if Worker.Kind.RELIEF in k)
    with_list = [s for s in staffed if s.plan.continuity_workers.all()]
    continuous = [
        s
        for s in with_list
        if {w.worker_id for w in s.staffing.all()} & {w.pk for w in s.plan.continuity_workers.all()}
    ]
    return {
        "relief_sessions": with_relief,
        "residential_sessions": sum(1 for k in kinds if Worker.Kind.RESIDENTIAL in k),
        "relief_shifts": shifts.count(Worker.Kind.RELIEF),
        "residential_shifts": shifts.count(Worker.Kind.RESIDENTIAL),
        "staffed": len(staffed),
        "relief_share": share(with_relief, len(staffed)),
        "continuity_sessions": len(with_list),
        "continuity_share": share(len(continuous), len(with_list)),
    }


def _record_figures(held: list[ContactSession], late: list) -> dict:
    return {
        "records_due": len(held),
        "records_late": len(late),
        "records_late_share": share(len(late), len(held)),
    }


def _agency_figures(first: dt.date, last: dt.date, area: Area | None, *, held: int) -> dict:
    """Sessions the agency held for children placed out of county, and their cost."""
    agency = AgencySession.objects.filter(held_on__gte=first, held_on__lte=last)
    if area is not None:
        agency = agency.filter(child__area=area)
    totals = agency.aggregate(n=Count("pk"), cost=Sum("cost"), minutes=Sum("duration_minutes"))
    return {
        "agency_sessions": totals["n"],
        "agency_minutes": totals["minutes"] or 0,
        "agency_cost": _money(totals["cost"]),
        "held_with_agency": held + totals["n"],
    }


def _taxi_figures(first: dt.date, last: dt.date, area: Area | None) -> dict:
    taxis = TaxiBooking.objects.filter(day__gte=first, day__lte=last)
    if area is not None:
        taxis = taxis.filter(area=area)
    totals = taxis.aggregate(n=Count("pk"), cost=Sum("cost"))
    return {"taxi_bookings": totals["n"], "taxi_cost": _money(totals["cost"])}


def _mileage_figures(
    sessions: list[ContactSession], last: dt.date, area: Area | None
) -> tuple[dict, Table]:
    """Travel and driving minutes with their mileage cost, and the travel table."""
    travel_minutes, transport_minutes, travel_table = _travel(sessions, area)
    rate = MileageRate.in_force(last)
    miles = Decimal(travel_minutes + transport_minutes) * rate.average_mph / 60
    figures = {
        "travel_minutes": travel_minutes,
        "transport_minutes": transport_minutes,
        "miles": miles.quantize(Decimal("0.1")),
        "pence_per_mile": rate.pence_per_mile,
        "mileage_cost": _money(miles * rate.pence_per_mile / 100),
    }
    return figures, travel_table


def _rooms_by_venue(area: Area | None) -> dict[str, int]:
    """The rooms in use at each venue (of the area), by venue name."""
    rooms = Room.objects.filter(is_active=True, venue__is_active=True)
    if area is not None:
        rooms = rooms.filter(venue__area=area)
    return dict(rooms.values_list("venue__name").annotate(n=Count("pk")).order_by("venue__name"))


def _summary_table(f: dict) -> Table:
    return Table(
        "Sessions",
        ["Measure", "Value"],
        [
            ["Planned", f["planned"]],
            ["Held", f["held"]],
            ["Held by the agency (out of county)", f["agency_sessions"]],
            ["Did not attend", f["did_not_attend"]],
            ["Cancelled", f["cancelled"]],
            ["Open (neither held nor cancelled)", f["still_to_happen"]],
            ["Coverage %", f["coverage"]],
            ["Court sessions", f["court_sessions"]],
            ["Court coverage %", f["court_coverage"]],
            ["Virtual share of held %", f["virtual_share"]],
            ["Continuity %", f["continuity_share"]],
            ["Sessions with a relief worker", f["relief_sessions"]],
            ["Sessions with a residential worker", f["residential_sessions"]],
            ["Records late", f["records_late"]],
            ["Records late %", f["records_late_share"]],
        ],
    )


def _cancellation_tables(cancelled: list[ContactSession]) -> dict[str, Table]:
    """The cancellations by reason and by who cancelled."""
    by_reason = Counter(s.cancel_reason for s in cancelled)
    by_who = Counter(CANCELLED_BY.get(s.cancel_reason, "Other") for s in cancelled)
    reason_labels = dict(ContactSession.CancelReason.choices) | {"": "Not recorded"}
    return {
        "cancellations": Table(
            "Cancellations by reason",
            ["Reason", "Who cancelled", "Sessions"],
            [
                [reason_labels.get(reason, reason), CANCELLED_BY.get(reason, "Other"), n]
                for reason, n in by_reason.most_common()
            ],
        ),
        "cancelled_by": Table(
            "Cancellations by who cancelled", ["Who", "Sessions"], by_who.most_common()
        ),
    }


def _costs_table(f: dict) -> Table:
    return Table(
        "Travel and transport costs",
        ["Item", "Count", "Cost (£)"],
        [
            ["Travel between venues (minutes)", f["travel_minutes"], ""],
            ["Driving children (minutes)", f["transport_minutes"], ""],
            [f"Mileage at {f['pence_per_mile']}p a mile", f["miles"], f["mileage_cost"]],
            ["Taxi bookings", f["taxi_bookings"], f["taxi_cost"]],
            ["Agency sessions (out of county)", f["agency_sessions"], f["agency_cost"]],
        ],
    )


def _late_records_table(late: list[tuple[ContactSession, dt.date]]) -> Table:
    return Table(
        "Session records late",
        ["Session day", "Referral", "Workers", "Due by", "Submitted"],
        [
            [
                s.day.isoformat(),
                s.plan.referral.reference,
                ", ".join(w.worker.name for w in s.staffing.all()),
                deadline.isoformat(),
                timezone.localdate(s.record.submitted_at).isoformat()
                if getattr(s, "record", None) and s.record.submitted_at
                else "not yet",
            ]
            for s, deadline in late
        ],
    )


def _charts(tables: dict[str, Table]) -> dict:
    trend, cancellations = tables["trend"], tables["cancellations"]
    return {
        "trend": {
            "labels": [row[0] for row in trend.rows],
            "held": [row[1] for row in trend.rows],
            "agency": [row[2] for row in trend.rows],
            "band": list(BAND),
        },
        "cancellations": {
            "labels": [row[0] for row in cancellations.rows],
            "counts": [row[2] for row in cancellations.rows],
        },
    }


def _count_by_month(queryset, day_field: str) -> dict:
    """How many rows of `queryset` fall in each month of their `day_field`."""
    return {
        row["month"]: row["n"]
        for row in queryset.annotate(month=TruncMonth(day_field))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }


def _trend(month: dt.date, area: Area | None) -> Table:
    """Sessions held a month over the twelve months ending with `month`."""
    months = months_back(month, 12)
    start, end = months[0], month_bounds(month)[1]
    sessions = ContactSession.objects.filter(
        day__gte=start, day__lte=end, status=ContactSession.Status.COMPLETED
    )
    agency = AgencySession.objects.filter(held_on__gte=start, held_on__lte=end)
    if area is not None:
        sessions = sessions.with_area().filter(area_id=area.pk)
        agency = agency.filter(child__area=area)
    held = _count_by_month(sessions, "day")
    by_agency = _count_by_month(agency, "held_on")

    def get(counts, first):
        for key, n in counts.items():
            if (key.year, key.month) == (first.year, first.month):
                return n
        return 0

    rows = []
    for first in months:
        in_house, by_ag = get(held, first), get(by_agency, first)
        total = in_house + by_ag
        within = (
            "within" if BAND[0] <= total <= BAND[1] else "below" if total < BAND[0] else "above"
        )
        rows.append([first.strftime("%Y-%m"), in_house, by_ag, total, within])
    return Table(
        f"Sessions held a month against the annual report's {BAND[0]:,}–{BAND[1]:,}",
        ["Month", "Held", "Agency", "Total", "Band"],
        rows,
    )
