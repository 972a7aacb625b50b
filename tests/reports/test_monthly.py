"""The monthly report checked against a month built by hand (December 2026)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lib.weeks import add_working_days, monday_of
from referrals.models import Referral
from reports.models import AgencySession, TaxiBooking
from reports.selectors import monthly_report, supervision_interval_weeks
from scheduling.models import ContactSession, SessionRecord
from staffing.models import Worker
from tests.factories import (
    AreaFactory,
    ChildFactory,
    ContactPlanFactory,
    ContactSessionFactory,
    ReliefSupervisionFactory,
    RoomFactory,
    RotaWeekFactory,
    SessionWorkerFactory,
    TravelTimeFactory,
    UserFactory,
    VenueFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 10)
DECEMBER = dt.date(2026, 12, 1)
S = ContactSession.Status


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class Month:
    """December 2026, small enough to count by hand (the numbers are in the tests)."""

    def __init__(self):
        self.north = AreaFactory(code="north", name="North")
        self.south = AreaFactory(code="south", name="South")
        self.v1 = VenueFactory(name="Ollerton", area=self.north)
        self.v2 = VenueFactory(name="Worksop", area=self.north)
        self.r1a = RoomFactory(venue=self.v1)
        self.r1b = RoomFactory(venue=self.v1)
        self.r2 = RoomFactory(venue=self.v2)
        TravelTimeFactory(from_venue=self.v1, to_venue=self.v2, minutes=20)
        self.w1 = WorkerFactory(name="Pat", area=self.north, base_venue=self.v1)
        self.w2 = WorkerFactory(
            name="Rae", area=self.north, kind=Worker.Kind.RELIEF, base_venue=None
        )
        self.w3 = WorkerFactory(
            name="Res", area=self.north, kind=Worker.Kind.RESIDENTIAL, base_venue=self.v2
        )
        self.w4 = WorkerFactory(
            name="Neve", area=self.north, kind=Worker.Kind.RELIEF, base_venue=None
        )
        ReliefSupervisionFactory(worker=self.w2, held_on=dt.date(2026, 11, 1))
        child_n1 = ChildFactory(area=self.north)
        child_n2 = ChildFactory(area=self.north)
        child_s = ChildFactory(area=self.south)
        away = ChildFactory(area=self.north, out_of_county=True)
        self.p1 = ContactPlanFactory(
            referral__priority=Referral.Priority.COURT,
            referral__children=[child_n1],
            continuity_workers=[self.w1],
            duration_minutes=90,
            slots=[],
        )
        self.p2 = ContactPlanFactory(referral__children=[child_n2], duration_minutes=60, slots=[])
        self.p3 = ContactPlanFactory(referral__children=[child_s], slots=[])
        author = UserFactory()

        def session(plan, day, status, hour=None, room=None, workers=(), record=None, **kw):
            s = ContactSessionFactory(
                plan=plan,
                rota_week=RotaWeekFactory(week_start=monday_of(day)),
                day=day,
                status=status,
                starts_at=_at(day, hour) if hour is not None else None,
                room=room,
                **kw,
            )
            for worker in workers:
                SessionWorkerFactory(session=s, worker=worker)
            if record is not None:
                SessionRecord.objects.create(
                    session=s, author=author, attendance="attended", submitted_at=record
                )
            return s

        d = dt.date
        # Held on time; Pat's day 7 Dec goes base Ollerton → Ollerton → Worksop → Ollerton.
        session(
            self.p1, d(2026, 12, 7), S.COMPLETED, 16, self.r1a, [self.w1], _at(d(2026, 12, 8), 10)
        )
        # Held, record a day late (due by Wednesday 9th).
        session(
            self.p2, d(2026, 12, 7), S.COMPLETED, 18, self.r2, [self.w1], _at(d(2026, 12, 10), 9)
        )
        # Held by a relief worker who is not the family's continuity worker; no record yet.
        session(self.p1, d(2026, 12, 8), S.COMPLETED, 16, self.r1b, [self.w2])
        # Held virtually by a residential worker.
        session(
            self.p2,
            d(2026, 12, 9),
            S.COMPLETED,
            10,
            None,
            [self.w3],
            _at(d(2026, 12, 9), 12),
            mode="virtual",
        )
        session(self.p1, d(2026, 12, 10), S.CANCELLED, cancel_reason="child_ill")
        session(self.p2, d(2026, 12, 11), S.CANCELLED, cancel_reason="worker_absent")
        session(self.p2, d(2026, 12, 14), S.DID_NOT_ATTEND, 16, self.r1a, [self.w1])
        session(self.p1, d(2026, 12, 15), S.PROPOSED)  # a court session nobody covers
        session(self.p3, d(2026, 12, 7), S.COMPLETED)  # the south's, unplaced in this test
        session(self.p1, d(2026, 11, 30), S.COMPLETED)  # November, for the trend
        AgencySession.objects.create(
            child=away, agency="Far Care", held_on=d(2026, 12, 2), cost=Decimal("120.00")
        )
        AgencySession.objects.create(
            child=away, agency="Far Care", held_on=d(2026, 12, 16), cost=Decimal("95.50")
        )
        AgencySession.objects.create(
            child=away, agency="Far Care", held_on=d(2026, 11, 2), cost=Decimal("100")
        )
        TaxiBooking.objects.create(area=self.north, day=d(2026, 12, 8), cost=Decimal("23.40"))
        TaxiBooking.objects.create(area=self.south, day=d(2026, 12, 9), cost=Decimal("30.00"))


@pytest.fixture
def month():
    return Month()


def test_the_county_figures_match_the_month_counted_by_hand(month):
    f = monthly_report(month=DECEMBER, today=TODAY).figures
    assert (f["planned"], f["held"], f["did_not_attend"], f["cancelled"]) == (9, 5, 1, 2)
    assert f["still_to_happen"] == 1
    assert f["coverage"] == 85.7  # 6 of the 7 not cancelled
    assert (f["court_sessions"], f["court_coverage"]) == (3, 66.7)
    assert f["virtual_share"] == 20.0
    assert (f["staffed"], f["relief_sessions"], f["residential_sessions"]) == (5, 1, 1)
    assert f["continuity_share"] == 50.0
    assert (f["records_due"], f["records_late"], f["records_late_share"]) == (5, 3, 60.0)
    assert f["travel_minutes"] == 40
    assert f["miles"] == Decimal("20.0")
    assert f["mileage_cost"] == Decimal("9.00")
    assert (f["taxi_bookings"], f["taxi_cost"]) == (2, Decimal("53.40"))
    assert (f["agency_sessions"], f["agency_cost"]) == (2, Decimal("215.50"))
    assert f["held_with_agency"] == 7


def test_one_area_counts_only_its_children_workers_and_taxis(month):
    f = monthly_report(month=DECEMBER, area=month.north, today=TODAY).figures
    assert (f["planned"], f["held"]) == (8, 4)
    assert f["coverage"] == 83.3
    assert (f["records_late"], f["taxi_bookings"], f["agency_sessions"]) == (2, 1, 2)
    south = monthly_report(month=DECEMBER, area=month.south, today=TODAY).figures
    assert (south["planned"], south["held"], south["agency_sessions"]) == (1, 1, 0)
    assert south["travel_minutes"] == 0


def test_the_tables_give_cancellations_room_use_trend_and_supervision(month):
    tables = monthly_report(month=DECEMBER, today=TODAY).tables
    assert sorted(tables["cancellations"].rows) == [
        ["Child ill", "Child or carer", 1],
        ["Worker absent", "The service", 1],
    ]
    rooms = {row[0]: row for row in tables["rooms"].rows}
    hours = tables["rooms"].headers
    # 23 working days; Ollerton has 2 rooms, so 2 × 60 × 23 = 2,760 room-minutes an hour:
    # 3 sessions fill 16:00 (180 minutes); the two 90-minute ones spill 30 minutes each into 17:00.
    assert rooms["Ollerton"][hours.index("16:00")] == 6.5
    assert rooms["Ollerton"][hours.index("17:00")] == 2.2
    assert rooms["Worksop"][hours.index("18:00")] == 4.3
    assert tables["trend"].rows[-2:] == [
        ["2026-11", 1, 1, 2, "below"],
        ["2026-12", 5, 2, 7, "below"],
    ]
    assert len(tables["trend"].rows) == 12
    supervision = tables["supervision"].rows
    assert [row[0] for row in supervision] == ["Neve", "Rae"]  # never supervised: overdue first
    assert supervision[0][5] == "overdue"
    assert supervision[1][1:5] == ["2026-11-01", 0, 12, "2027-01-24"]
    late = tables["late_records"].rows
    assert [row[4] for row in late] == ["2026-12-10", "not yet", "not yet"]


def test_the_report_reads_with_a_fixed_number_of_queries(month):
    with CaptureQueriesContext(connection) as small:
        monthly_report(month=DECEMBER, today=TODAY)
    for n in range(6):
        day = dt.date(2026, 12, 21) + dt.timedelta(days=n % 5)
        plan = ContactPlanFactory(slots=[], continuity_workers=[month.w1])
        s = ContactSessionFactory(
            plan=plan,
            rota_week=RotaWeekFactory(week_start=monday_of(day)),
            day=day,
            status=S.COMPLETED,
            starts_at=_at(day, 9 + n),
            room=month.r2,
        )
        SessionWorkerFactory(session=s, worker=WorkerFactory(kind=Worker.Kind.RELIEF))
    with CaptureQueriesContext(connection) as large:
        monthly_report(month=DECEMBER, today=TODAY)
    assert len(large) == len(small)


@pytest.mark.parametrize(("sessions", "weeks"), [(0, 12), (1, 8), (4, 6), (8, 4), (20, 4)])
def test_relief_supervision_is_due_sooner_the_more_a_worker_works(sessions, weeks):
    assert supervision_interval_weeks(sessions) == weeks


def test_a_record_is_due_by_the_end_of_the_second_working_day():
    assert add_working_days(dt.date(2026, 12, 10), 2) == dt.date(2026, 12, 14)  # Thu → Mon


# --- the page -----------------------------------------------------------------------------


@pytest.fixture
def deputy(client):
    # Logged in inside the frozen time, or the session would have expired by then.
    with time_machine.travel(dt.datetime(2027, 1, 10, 12, 0), tick=False):
        client.force_login(UserFactory(groups=["Deputy team leader"]))
        yield


def test_the_report_page_shows_last_month_with_charts_and_downloads(client, month, deputy):
    response = client.get(reverse("reports:monthly"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "December 2026" in page
    assert 'id="figure-held">5 / 9<' in page
    assert "vendor/chart.umd.min.js" in page
    assert "report-charts" in page
    response = client.get(reverse("reports:csv", args=["cancellations"]), {"month": "2026-12"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "Reason,Who cancelled,Sessions"
    assert len(lines) == 3


def test_the_report_page_filters_by_area_and_month(client, month, deputy):
    response = client.get(reverse("reports:monthly"), {"month": "2026-12", "area": "south"})
    assert 'id="figure-held">1 / 1<' in response.content.decode()
    response = client.get(reverse("reports:monthly"), {"month": "garbage"})
    assert response.status_code == 200
    assert "Give the month as YYYY-MM." in response.content.decode()


def test_the_report_is_for_the_deputy_team_leaders_and_managers_only(client, month):
    client.force_login(UserFactory(groups=["Contact worker"]))
    assert client.get(reverse("reports:monthly")).status_code == 403
    assert client.get(reverse("reports:csv", args=["summary"])).status_code == 403
    client.force_login(UserFactory(groups=["Team leader"]))
    assert client.get(reverse("reports:monthly")).status_code == 200
    assert client.get(reverse("reports:csv", args=["nonsense"])).status_code == 404


def test_a_manager_reads_the_report_and_nothing_else(client, month):
    client.force_login(UserFactory(groups=["Manager"]))
    assert client.get(reverse("reports:monthly")).status_code == 200
    assert client.get(reverse("casework:list")).status_code == 403


# --- agency sessions and taxis ------------------------------------------------------------


def test_a_team_leader_records_an_agency_session_and_a_taxi(client):
    leader = UserFactory(groups=["Team leader"])
    area = AreaFactory(team_leader=leader)
    away = ChildFactory(area=area, out_of_county=True)
    client.force_login(leader)
    assert client.get(reverse("reports:costs")).status_code == 200
    assert client.get(reverse("reports:agency_add")).status_code == 405
    client.post(
        reverse("reports:agency_add"),
        {
            "agency-child": away.pk,
            "agency-agency": "Far Care",
            "agency-held_on": "2026-12-02",
            "agency-duration_minutes": "120",
            "agency-cost": "150.00",
        },
    )
    client.post(
        reverse("reports:taxi_add"),
        {"taxi-area": area.pk, "taxi-day": "2026-12-03", "taxi-cost": "22.50"},
    )
    assert AgencySession.objects.get().cost == Decimal("150.00")
    assert TaxiBooking.objects.get().booked_by is not None


def test_an_agency_session_is_only_for_a_child_placed_out_of_county(client):
    child = ChildFactory()
    client.force_login(UserFactory(groups=["Deputy team leader"]))
    client.post(
        reverse("reports:agency_add"),
        {
            "agency-child": child.pk,
            "agency-agency": "Far Care",
            "agency-held_on": "2026-12-02",
            "agency-duration_minutes": "120",
            "agency-cost": "150.00",
        },
    )
    assert AgencySession.objects.count() == 0


def test_costs_are_refused_to_a_contact_worker(client):
    client.force_login(UserFactory(groups=["Contact worker"]))
    assert client.get(reverse("reports:costs")).status_code == 403
    assert client.post(reverse("reports:taxi_add"), {}).status_code == 403
