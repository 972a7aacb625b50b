"""loaddemo builds the county as it stands on the day: history held, weeks in motion, queues."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count

from reports.selectors import BAND, monthly_report
from scheduling.models import ContactSession, RotaWeek, SessionRecord, SessionWorker, SolverRun
from scheduling.selectors.sessions import approvals_queue
from tests.demo.loading import TUESDAY, demo_loaded
from venues.models import Area

pytestmark = pytest.mark.django_db

S = ContactSession.Status


@pytest.fixture(scope="module")
def tuesday(django_db_setup, django_db_blocker):
    """The demo loaded on Tuesday 1 December 2026 at 10:00, once for the module."""
    yield from demo_loaded(django_db_blocker, TUESDAY)


@pytest.fixture
def frozen_tuesday(tuesday):
    with time_machine.travel(TUESDAY, tick=False):
        yield tuesday


def _overlaps(rows):
    """(key, start, end) rows: the pairs of one key that overlap in time."""
    clashes, last = [], {}
    for key, start, end in sorted(rows, key=lambda r: (r[0], r[1])):
        if key in last and start < last[key]:
            clashes.append((key, start))
        last[key] = max(end, last.get(key, end))
    return clashes


def _snapshot():
    return (
        list(
            ContactSession.objects.order_by(
                "day", "plan__referral__reference", "starts_at"
            ).values_list("day", "plan__referral__reference", "status", "starts_at", "room__slug")
        ),
        list(
            SessionRecord.objects.order_by(
                "session__day", "session__plan__referral__reference"
            ).values_list("session__day", "session__plan__referral__reference", "submitted_at")
        ),
    )


class TestTheDemoOnATuesday:
    def test_it_prints_progress_lines_while_it_loads(self, frozen_tuesday):
        assert "history placed: 13 weeks from 01 Sep 2026" in frozen_tuesday
        assert "next week published" in frozen_tuesday
        assert "proposed by the solver" in frozen_tuesday

    def test_no_room_or_worker_is_booked_twice_among_the_sessions_not_cancelled(
        self, frozen_tuesday
    ):
        live = ContactSession.objects.not_cancelled().filter(starts_at__isnull=False)
        rooms = live.filter(room__isnull=False).values_list("room_id", "starts_at", "ends_at")
        assert live.count() > 3 * 1000
        assert _overlaps(rooms) == []
        workers = SessionWorker.objects.filter(holds_time=True, session__in=live).values_list(
            "worker_id", "busy_from", "busy_to"
        )
        assert _overlaps(workers) == []

    def test_only_sessions_over_by_now_are_held_and_only_held_sessions_have_records(
        self, frozen_tuesday
    ):
        held = ContactSession.objects.filter(status__in=ContactSession.HELD)
        assert held.exists() and not held.filter(ends_at__gt=TUESDAY).exists()
        assert not SessionRecord.objects.exclude(session__status=S.COMPLETED).exists()
        assert not SessionRecord.objects.filter(submitted_at__gt=TUESDAY).exists()
        assert SessionRecord.objects.filter(addenda__isnull=False).exists()
        # Everything from now on is still to happen.
        later = ContactSession.objects.filter(starts_at__gte=TUESDAY)
        assert not later.exclude(status__in=ContactSession.NOT_YET_HELD).exists()

    def test_the_past_three_months_are_inside_the_annual_reports_band(self, frozen_tuesday):
        report = monthly_report(month=dt.date(2026, 11, 1), today=TUESDAY.date())
        trend = {row[0]: row[3] for row in report.tables["trend"].rows}
        for month in ("2026-09", "2026-10", "2026-11"):
            assert BAND[0] <= trend[month] <= BAND[1], trend
        assert trend["2026-08"] == 0
        figures = report.figures
        assert figures["cancelled"] > 0 and figures["did_not_attend"] > 0
        assert figures["records_late"] > 0
        cancellations = report.tables["cancellations"].rows
        assert len(cancellations) >= 4  # several of the service's reasons

    def test_this_week_is_booked_with_todays_sessions_for_the_demo_worker(self, frozen_tuesday):
        week = RotaWeek.objects.get(week_start=dt.date(2026, 11, 30))
        assert week.state == RotaWeek.State.PUBLISHED
        mine = ContactSession.objects.filter(staffing__worker__user__username="jade.davies")
        today = mine.filter(day=TUESDAY.date())
        assert today.filter(status=S.BOOKED).exists()
        # Yesterday's held sessions wait for their records.
        yesterday = ContactSession.objects.filter(day=dt.date(2026, 11, 30), status=S.COMPLETED)
        assert yesterday.count() > 20 and not yesterday.filter(record__isnull=False).exists()
        rest = ContactSession.objects.filter(rota_week=week, day__gt=TUESDAY.date())
        assert rest.exists()
        placed = rest.filter(starts_at__isnull=False)
        assert not placed.exclude(status=S.BOOKED).exists()

    def test_each_team_leaders_queue_has_next_weeks_bookings(self, frozen_tuesday):
        week = RotaWeek.objects.get(week_start=dt.date(2026, 12, 7))
        assert week.state == RotaWeek.State.PUBLISHED
        for area in Area.objects.all():
            queue = approvals_queue(areas=[area])
            assert queue.filter(rota_week=week).count() > 20, area

    def test_the_week_after_is_proposed_by_the_solver_and_the_one_after_that_is_draft(
        self, frozen_tuesday
    ):
        proposed = RotaWeek.objects.get(week_start=dt.date(2026, 12, 14))
        assert proposed.state == RotaWeek.State.PROPOSED
        assert proposed.runs.filter(status=SolverRun.Status.SUCCEEDED).exists()
        draft = RotaWeek.objects.get(week_start=dt.date(2026, 12, 21))
        assert draft.state == RotaWeek.State.DRAFT
        assert draft.sessions.exists() and not draft.sessions.filter(starts_at__isnull=False)

    def test_referrals_wait_to_be_planned_and_a_relief_workers_supervision_is_due_this_week(
        self, frozen_tuesday
    ):
        report = monthly_report(month=dt.date(2026, 11, 1), today=TUESDAY.date())
        dues = [dt.date.fromisoformat(row[4]) for row in report.tables["supervision"].rows]
        assert any(dt.date(2026, 11, 30) <= due <= dt.date(2026, 12, 4) for due in dues), dues
        from referrals.models import Referral

        waiting = Referral.objects.filter(status=Referral.Status.RECEIVED)
        assert waiting.count() >= 3
        assert not ContactSession.objects.filter(plan__referral__in=waiting).exists()

    def test_no_plan_meets_more_often_than_its_slots_allow(self, frozen_tuesday):
        weekly = (
            ContactSession.objects.filter(replaces__isnull=True)
            .values("plan", "rota_week")
            .annotate(n=Count("pk", distinct=True), slots=Count("plan__slots", distinct=True))
        )
        assert not [row for row in weekly if row["n"] > row["slots"]]

    def test_reset_empties_the_county_and_the_same_seed_builds_the_same_one(self, frozen_tuesday):
        before = _snapshot()

        call_command("loaddemo", "--reset", stdout=StringIO())

        after = _snapshot()
        for old, new in zip(before, after, strict=True):
            assert len(old) == len(new)
            assert sorted(set(old) - set(new), key=str)[:5] == []

    def test_without_reset_a_second_load_is_refused_and_if_empty_does_nothing(self, frozen_tuesday):
        count = ContactSession.objects.count()
        with pytest.raises(CommandError, match="--reset"):
            call_command("loaddemo", stdout=StringIO())
        out = StringIO()
        call_command("loaddemo", "--if-empty", stdout=out)
        assert "already holds a county" in out.getvalue()
        assert ContactSession.objects.count() == count
