"""The agency and taxi costs page shows a team leader their own areas' costs only."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from reports.models import AgencySession, TaxiBooking
from tests.factories import AreaFactory, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    with time_machine.travel(dt.datetime(2026, 12, 10, 12, 0), tick=False):
        leader = UserFactory(groups=["Team leader"])
        own = AreaFactory(code="central", name="Central", team_leader=leader)
        other = AreaFactory(code="north", name="North")
        mine = ChildFactory(area=own, first_name="Maisie", out_of_county=True)
        theirs = ChildFactory(area=other, first_name="Zebedee", out_of_county=True)
        AgencySession.objects.create(
            child=theirs, agency="Secret Care", held_on=dt.date(2026, 12, 2), cost=99
        )
        TaxiBooking.objects.create(area=other, day=dt.date(2026, 12, 3), cost=12, notes="N-taxi")
        client.force_login(leader)
        yield {"own": own, "other": other, "mine": mine, "theirs": theirs}


def test_a_team_leader_sees_no_other_areas_children_or_costs(client, world):
    response = client.get(reverse("reports:costs"))

    page = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["agency_form"].fields["child"].queryset) == [world["mine"]]
    assert list(response.context["taxi_form"].fields["area"].queryset) == [world["own"]]
    assert "Zebedee" not in page
    assert "Secret Care" not in page
    assert "N-taxi" not in page


def test_a_team_leader_cannot_record_costs_against_another_area(client, world):
    client.post(
        reverse("reports:agency_add"),
        {
            "agency-child": world["theirs"].pk,
            "agency-agency": "Far Care",
            "agency-held_on": "2026-12-04",
            "agency-duration_minutes": "120",
            "agency-cost": "150.00",
        },
    )
    response = client.post(
        reverse("reports:taxi_add"),
        {"taxi-area": world["other"].pk, "taxi-day": "2026-12-05", "taxi-cost": "22.50"},
        follow=True,
    )

    assert not AgencySession.objects.filter(agency="Far Care").exists()
    assert TaxiBooking.objects.count() == 1
    assert "not one of the available choices" in response.content.decode()


def test_the_deputy_sees_the_whole_countys_costs(client, world):
    client.force_login(UserFactory(groups=["Deputy team leader"]))

    response = client.get(reverse("reports:costs"))

    assert set(response.context["agency_form"].fields["child"].queryset) == {
        world["mine"],
        world["theirs"],
    }
    assert "Secret Care" in response.content.decode()
