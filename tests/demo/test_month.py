"""play_month: the demo history the report is shown with."""

import datetime as dt

import pytest
from django.core.management import call_command

from referrals.models import ContactPlan
from reports.models import AgencySession, TaxiBooking
from scheduling.models import ContactSession
from tests.factories import (
    ChildFactory,
    ContactPlanFactory,
    ContactPlanSlotFactory,
    RoomFactory,
    WorkerFactory,
    WorkingPatternFactory,
)

pytestmark = pytest.mark.django_db


def test_playing_a_month_solves_its_weeks_and_records_what_happened(capsys):
    room = RoomFactory()
    worker = WorkerFactory(area=room.venue.area, base_venue=room.venue)
    for weekday in range(5):
        WorkingPatternFactory(worker=worker, weekday=weekday, starts=dt.time(9), ends=dt.time(19))
    plan = ContactPlanFactory(
        referral__children=[ChildFactory(area=room.venue.area)],
        venues=[room.venue],
        transport=ContactPlan.Transport.TAXI,
        starts_on=dt.date(2026, 9, 1),
        slots=[],
    )
    ContactPlanSlotFactory(plan=plan, weekday=1)
    ContactPlanFactory(
        referral__children=[ChildFactory(area=room.venue.area, out_of_county=True)],
        starts_on=dt.date(2026, 9, 1),
    )
    call_command("play_month", "2026-10", "--time-limit", "1", "--seed", "3")
    out = capsys.readouterr().out
    october = ContactSession.objects.filter(day__month=10, plan=plan)
    assert october.count() == 4  # the Tuesdays of October 2026
    assert not october.filter(status=ContactSession.Status.PROPOSED).exists()
    assert (
        TaxiBooking.objects.count()
        == october.exclude(status=ContactSession.Status.CANCELLED).count()
    )
    assert AgencySession.objects.filter(held_on__month=10).count() in (4, 5)
    assert "planned: 4" in out
