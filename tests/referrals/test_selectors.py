import datetime as dt

import pytest

from referrals.models import Referral
from referrals.selectors import contact_plans_in_force
from tests.factories import A_MONDAY, ChildFactory, ContactPlanFactory, ReferralFactory

pytestmark = pytest.mark.django_db

FRIDAY = A_MONDAY + dt.timedelta(days=4)


def in_force():
    return list(contact_plans_in_force(first_day=A_MONDAY, last_day=FRIDAY))


def test_it_gives_the_plans_of_active_referrals_touching_the_days():
    current = ContactPlanFactory()
    ending_monday = ContactPlanFactory(ends_on=A_MONDAY)
    starting_friday = ContactPlanFactory(starts_on=FRIDAY)
    ContactPlanFactory(ends_on=A_MONDAY - dt.timedelta(days=1))
    ContactPlanFactory(starts_on=FRIDAY + dt.timedelta(days=1))
    ContactPlanFactory(referral=ReferralFactory(status=Referral.Status.ACCEPTED))

    assert in_force() == [current, ending_monday, starting_friday]


def test_it_marks_plans_with_a_child_placed_out_of_county():
    home = ContactPlanFactory()
    away = ContactPlanFactory(
        referral=ReferralFactory(children=[ChildFactory(), ChildFactory(out_of_county=True)])
    )

    flags = {plan: plan.has_child_out_of_county for plan in in_force()}

    assert flags == {home: False, away: True}


def test_its_slots_come_in_one_query_whatever_the_number_of_plans(django_assert_num_queries):
    for weekday in range(5):
        ContactPlanFactory(slots=[{"weekday": weekday}, {"weekday": (weekday + 1) % 5}])

    with django_assert_num_queries(2):
        slots = [slot.weekday for plan in in_force() for slot in plan.slots.all()]

    assert sorted(slots) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
