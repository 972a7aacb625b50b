"""The intake page offers a team leader only the children and areas they lead."""

import datetime as dt

import pytest
from django.urls import reverse

from referrals.models import Referral
from tests.builders import intake_post
from tests.factories import AreaFactory, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


def _intake(**overrides) -> dict:
    return intake_post(**overrides)


@pytest.fixture
def areas(client):
    leader = UserFactory(groups=["Team leader"])
    own = AreaFactory(code="central", name="Central", team_leader=leader)
    other = AreaFactory(code="north", name="North", team_leader=UserFactory(groups=["Team leader"]))
    client.force_login(leader)
    return own, other


def test_a_team_leader_is_offered_only_the_children_of_their_own_area(client, areas):
    own, other = areas
    mine = ChildFactory(area=own, first_name="Maisie")
    theirs = ChildFactory(area=other, first_name="Zebedee", date_of_birth=dt.date(2019, 2, 3))

    form = client.get(reverse("casework:intake")).context["forms"].referral
    offered = list(form.fields["existing_children"].queryset)

    assert offered == [mine]
    assert theirs not in offered


def test_a_team_leader_posting_another_areas_child_is_refused_and_nothing_is_saved(client, areas):
    own, other = areas
    theirs = ChildFactory(area=other, date_of_birth=dt.date(2019, 2, 3))

    response = client.post(
        reverse("casework:intake"), _intake(**{"referral-existing_children": [str(theirs.pk)]})
    )

    assert response.status_code == 200
    errors = response.context["forms"].referral.errors["existing_children"]
    assert "not one of the available choices" in errors[0]
    assert not Referral.objects.exists()
    assert not theirs.referrals.exists()


def test_a_team_leader_cannot_add_a_new_child_to_another_area(client, areas):
    own, other = areas
    new_child = {
        "child-0-first_name": "Amy",
        "child-0-reference": "C-AMY",
        "child-0-date_of_birth": "2016-05-01",
        "child-0-area": str(other.pk),
    }

    page = client.get(reverse("casework:intake")).context["forms"].children.forms[0]
    response = client.post(reverse("casework:intake"), _intake(**new_child))

    assert list(page.fields["area"].queryset) == [own]
    assert response.status_code == 200
    assert "area" in response.context["forms"].children.forms[0].errors
    assert not Referral.objects.exists()


def test_the_deputy_is_offered_every_child_in_the_county(client):
    north, south = AreaFactory(code="north"), AreaFactory(code="south")
    children = {ChildFactory(area=north), ChildFactory(area=south)}
    client.force_login(UserFactory(groups=["Deputy team leader"]))

    form = client.get(reverse("casework:intake")).context["forms"].referral

    assert set(form.fields["existing_children"].queryset) == children
