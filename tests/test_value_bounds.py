"""Values no service would mean are refused with a message, and nothing is saved.

The bounds live on the models (validators and constraints), so the admin, the forms and the
services agree: a planning week in year 1 or 9999, a child born in the future or in year 1,
a referral received tomorrow, a drive of 2^40 minutes, an agency session of 0 minutes, a
record longer than any worker writes.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from casework.forms import NewChildForm, ReferralIntakeForm
from mywork.forms import RecordForm
from referrals.models import Child, ContactPlan, Referral
from reports.models import AgencySession
from reports.services import agency_session_create
from scheduling.models import RotaWeek, SessionRecord
from scheduling.services.records import session_record_save
from scheduling.services.weeks import rota_week_get
from tests.builders import placed_session, team
from tests.factories import AreaFactory, ChildFactory, ContactPlanFactory, UserFactory
from venues.models import Area

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 8)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# --- planning weeks -------------------------------------------------------------------------


@pytest.mark.parametrize("monday", [dt.date(1, 1, 1), dt.date(9999, 12, 27)])
def test_a_rota_week_out_of_range_is_refused(monday):
    with pytest.raises(ValidationError, match="out of range"):
        rota_week_get(week_start=monday)
    assert not RotaWeek.objects.exists()


@pytest.mark.parametrize("command", ["plan_week", "solve_week"])
@pytest.mark.parametrize("monday", ["0001-01-01", "9999-12-27"])
def test_planning_a_week_out_of_range_from_the_command_line_is_refused(command, monday):
    with pytest.raises(CommandError, match="out of range"):
        call_command(command, monday)
    assert not RotaWeek.objects.exists()


# --- children and referrals -----------------------------------------------------------------


def _child_form(born: dt.date) -> NewChildForm:
    area = AreaFactory()
    return NewChildForm(
        data={
            "first_name": "Ada",
            "reference": "C-9001",
            "date_of_birth": born.isoformat(),
            "area": area.pk,
        },
        areas=Area.objects.all(),
    )


def test_a_child_born_in_the_future_is_refused():
    form = _child_form(TODAY + dt.timedelta(days=1))

    assert not form.is_valid()
    assert form.errors["date_of_birth"] == ["A date of birth cannot be in the future."]
    assert not Child.objects.exists()


def test_a_child_born_in_year_one_is_refused():
    form = _child_form(dt.date(1, 1, 1))

    assert not form.is_valid()
    assert "25 years" in form.errors["date_of_birth"][0]
    assert not Child.objects.exists()


def test_a_child_born_today_is_accepted():
    assert _child_form(TODAY).is_valid()


def test_a_referral_received_in_the_future_is_refused():
    form = ReferralIntakeForm(
        data={
            "referrer_name": "A Social Worker",
            "received_on": (TODAY + dt.timedelta(days=1)).isoformat(),
            "priority": Referral.Priority.STANDARD,
        },
        user=UserFactory(groups=["Deputy team leader"]),
    )

    assert not form.is_valid()
    assert form.errors["received_on"] == ["A referral cannot be received in the future."]
    assert not Referral.objects.exists()


# --- contact plans and agency sessions ------------------------------------------------------


@pytest.mark.parametrize("field", ["transport_before_minutes", "transport_after_minutes"])
@pytest.mark.parametrize("minutes", [2**40, 241])
def test_transport_minutes_beyond_four_hours_are_refused(field, minutes):
    plan = ContactPlanFactory()
    before = ContactPlan.objects.get(pk=plan.pk)
    setattr(plan, field, minutes)
    plan.transport = ContactPlan.Transport.WORKER

    with pytest.raises(ValidationError) as refused:
        plan.full_clean()

    assert refused.value.message_dict[field] == [
        "A drive with the child takes at most 240 minutes."
    ]
    assert ContactPlan.objects.get(pk=plan.pk).transport_before_minutes == (
        before.transport_before_minutes
    )


@pytest.mark.parametrize("minutes", [0, 14, 601, 2**40])
def test_an_agency_session_of_no_or_endless_minutes_is_refused(minutes):
    child = ChildFactory(out_of_county=True)

    with pytest.raises(ValidationError) as refused:
        agency_session_create(
            child=child, agency="Kin Ltd", held_on=TODAY, cost="90.00", duration_minutes=minutes
        )

    assert "between 15 minutes and 10 hours" in " ".join(
        refused.value.message_dict["duration_minutes"]
    )
    assert not AgencySession.objects.exists()


# --- session records ------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["observations", "concerns"])
def test_a_record_longer_than_twenty_thousand_characters_is_refused(field):
    t = team()
    session = placed_session(room=t["room"], workers=[t["worker"]])

    with pytest.raises(ValidationError) as refused:
        session_record_save(
            session=session,
            author=UserFactory(),
            attendance=SessionRecord.Attendance.ATTENDED,
            **{field: "x" * 20_001},
        )

    assert "at most 20000 characters" in refused.value.message_dict[field][0]
    assert not SessionRecord.objects.exists()


@pytest.mark.parametrize("field", ["observations", "concerns"])
def test_the_record_form_refuses_more_than_twenty_thousand_characters(field):
    form = RecordForm(data={"attendance": "attended", field: "x" * 20_001})

    assert not form.is_valid()
    assert "at most 20000 characters" in form.errors[field][0]


def test_the_record_form_refuses_a_nul_byte():
    # Django's CharField refuses NUL (ProhibitNullCharactersValidator); kept here as the bound.
    form = RecordForm(data={"attendance": "attended", "observations": "seen\x00"})

    assert not form.is_valid()
    assert "Null characters are not allowed." in form.errors["observations"]
