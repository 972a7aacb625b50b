import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from referrals.models import ContactPlan, Referral
from scheduling.models import ContactSession, RotaWeek
from scheduling.services.planning import week_plan_sessions
from tests.factories import (
    ChildFactory,
    ContactPlanFactory,
    ContactSessionFactory,
    ReferralFactory,
    RotaWeekFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 12, 7)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
FRIDAY = MONDAY + dt.timedelta(days=4)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Europe/London"))):
        yield


def test_it_creates_one_session_per_slot_copying_the_plan_and_slot():
    plan = ContactPlanFactory(
        duration_minutes=105,
        mode=ContactPlan.Mode.SUPERVISED,
        transport=ContactPlan.Transport.WORKER,
        transport_before_minutes=25,
        transport_after_minutes=30,
        slots=[
            {
                "weekday": 0,
                "earliest_start": dt.time(15, 30),
                "latest_start": dt.time(16, 30),
                "preferred_start": dt.time(16),
            },
            {"weekday": 3, "earliest_start": dt.time(10), "latest_start": dt.time(10)},
        ],
    )

    result = week_plan_sessions(week_start=MONDAY)

    assert (result.created, result.existing) == (2, 0)
    monday, thursday = ContactSession.objects.filter(plan=plan).order_by("day")
    assert monday.day == MONDAY and monday.rota_week.week_start == MONDAY
    assert (monday.earliest_start, monday.latest_start, monday.preferred_start) == (
        dt.time(15, 30),
        dt.time(16, 30),
        dt.time(16),
    )
    assert monday.duration_minutes == 105 and monday.mode == "supervised"
    assert (monday.transport_before_minutes, monday.transport_after_minutes) == (25, 30)
    assert monday.status == ContactSession.Status.PROPOSED and not monday.is_placed
    assert thursday.day == MONDAY + dt.timedelta(days=3)
    assert thursday.earliest_start == thursday.latest_start == dt.time(10)
    assert thursday.preferred_start is None


def test_running_it_twice_creates_nothing_twice():
    ContactPlanFactory(slots=[{"weekday": 0}, {"weekday": 2}, {"weekday": 4}])
    ContactPlanFactory(slots=[{"weekday": 1}])

    first = week_plan_sessions(week_start=MONDAY)
    second = week_plan_sessions(week_start=MONDAY)

    assert (first.created, first.existing) == (4, 0)
    assert (second.created, second.existing) == (0, 4)
    assert ContactSession.objects.count() == 4
    assert RotaWeek.objects.filter(week_start=MONDAY).count() == 1


def test_a_second_run_adds_only_what_a_new_plan_asks_for():
    ContactPlanFactory(slots=[{"weekday": 0}])
    week_plan_sessions(week_start=MONDAY)
    ContactPlanFactory(slots=[{"weekday": 1}])

    result = week_plan_sessions(week_start=MONDAY)

    assert (result.created, result.existing) == (1, 1)


def test_it_keeps_the_existing_rota_week():
    week = RotaWeekFactory(week_start=MONDAY, state=RotaWeek.State.PROPOSED)
    ContactPlanFactory()

    result = week_plan_sessions(week_start=MONDAY)

    assert result.rota_week == week
    week.refresh_from_db()
    assert week.state == RotaWeek.State.PROPOSED


def test_a_fortnightly_plan_meets_in_its_first_week_and_every_second_week_after():
    # Starts on a Thursday two weeks before MONDAY's week: weeks 0, 2, 4... from its start.
    plan = ContactPlanFactory(every_weeks=2, starts_on=MONDAY - dt.timedelta(days=11))

    meets = [
        week_plan_sessions(week_start=MONDAY + dt.timedelta(weeks=n)).created for n in range(4)
    ]

    assert meets == [1, 0, 1, 0]
    assert ContactSession.objects.filter(plan=plan).count() == 2


def test_a_fortnightly_plan_off_this_week_is_reported_as_skipped():
    plan = ContactPlanFactory(every_weeks=2, starts_on=MONDAY - dt.timedelta(weeks=1))

    result = week_plan_sessions(week_start=MONDAY)

    assert result.created == 0
    assert [(s.plan_id, s.reason) for s in result.skipped] == [
        (plan.pk, "fortnightly: not this week")
    ]


def test_a_plan_starting_midweek_has_no_session_before_its_first_day():
    plan = ContactPlanFactory(starts_on=WEDNESDAY, slots=[{"weekday": 0}, {"weekday": 2}])

    result = week_plan_sessions(week_start=MONDAY)

    assert list(ContactSession.objects.filter(plan=plan).values_list("day", flat=True)) == [
        WEDNESDAY
    ]
    assert [s.day for s in result.skipped] == [MONDAY]


def test_a_plan_ending_midweek_has_no_session_after_its_last_day():
    plan = ContactPlanFactory(ends_on=WEDNESDAY, slots=[{"weekday": 2}, {"weekday": 4}])

    week_plan_sessions(week_start=MONDAY)

    assert list(ContactSession.objects.filter(plan=plan).values_list("day", flat=True)) == [
        WEDNESDAY
    ]


def test_plans_outside_the_week_make_no_sessions():
    ContactPlanFactory(starts_on=MONDAY + dt.timedelta(weeks=1))
    ContactPlanFactory(starts_on=MONDAY - dt.timedelta(weeks=8), ends_on=MONDAY - dt.timedelta(1))

    result = week_plan_sessions(week_start=MONDAY)

    assert result.created == 0


@pytest.mark.parametrize(
    "status", [Referral.Status.RECEIVED, Referral.Status.ACCEPTED, Referral.Status.ENDED]
)
def test_only_active_referrals_make_sessions(status):
    ContactPlanFactory(referral=ReferralFactory(status=status))

    assert week_plan_sessions(week_start=MONDAY).created == 0


def test_a_child_placed_out_of_county_is_never_on_the_rota():
    siblings = [ChildFactory(), ChildFactory(out_of_county=True)]
    plan = ContactPlanFactory(referral=ReferralFactory(children=siblings))

    result = week_plan_sessions(week_start=MONDAY)

    assert result.created == 0
    assert [(s.plan_id, s.reason) for s in result.skipped] == [
        (plan.pk, "a child is placed out of county")
    ]


def test_an_existing_proposed_session_is_kept_when_its_plan_has_ended():
    plan = ContactPlanFactory(slots=[{"weekday": 4}])
    week_plan_sessions(week_start=MONDAY)
    plan.ends_on = MONDAY
    plan.save()

    result = week_plan_sessions(week_start=MONDAY)

    assert result.created == 0
    assert ContactSession.objects.filter(plan=plan, day=FRIDAY).exists()


def test_sessions_made_by_hand_do_not_block_the_plans_own():
    plan = ContactPlanFactory(slots=[{"weekday": 0}])
    ContactSessionFactory(plan=plan, slot=None, day=MONDAY, rota_week__week_start=MONDAY)

    assert week_plan_sessions(week_start=MONDAY).created == 1


def test_a_week_must_start_on_a_monday():
    with pytest.raises(ValidationError) as error:
        week_plan_sessions(week_start=WEDNESDAY)

    assert "starts on a Monday" in str(error.value)
    assert not RotaWeek.objects.exists()


def test_the_query_count_does_not_grow_with_the_plans(django_assert_max_num_queries):
    for weekday in range(5):
        ContactPlanFactory(slots=[{"weekday": weekday}, {"weekday": (weekday + 2) % 5}])

    with django_assert_max_num_queries(10):
        result = week_plan_sessions(week_start=MONDAY)

    assert result.created == 10


def test_the_command_prints_the_counts():
    ContactPlanFactory(slots=[{"weekday": 0}, {"weekday": 1}])
    ContactPlanFactory(referral=ReferralFactory(children=[ChildFactory(out_of_county=True)]))
    out = StringIO()

    call_command("plan_week", "2026-12-07", stdout=out)
    call_command("plan_week", "2026-12-07", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Week of Mon 07 Dec 2026: 2 sessions created, 0 already there, 1 skipped."
    assert lines[1] == "  skipped 1: a child is placed out of county"
    assert lines[2] == "Week of Mon 07 Dec 2026: 0 sessions created, 2 already there, 1 skipped."


@pytest.mark.parametrize(
    ("argument", "message"),
    [("2026-12-09", "Wednesday 09 Dec 2026 is not"), ("7/12/2026", "is not a date")],
)
def test_the_command_refuses_a_bad_week(argument, message):
    with pytest.raises(CommandError, match=message):
        call_command("plan_week", argument, stdout=StringIO())
