"""Intake and the life of a referral: services first, then the intake page."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from referrals.intake import (
    contact_plan_change,
    referral_accept,
    referral_activate,
    referral_create,
    referral_end,
    referrals_end_expired,
)
from referrals.models import ContactPlan, Referral
from referrals.tasks import end_expired_referrals
from scheduling.models import ContactSession
from tests.factories import (
    A_MONDAY,
    AreaFactory,
    ChildFactory,
    ContactPlanFactory,
    ContactSessionFactory,
    RotaWeekFactory,
    SessionWorkerFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

PLAN = {
    "attendees": "Mother",
    "participants": 2,
    "every_weeks": 1,
    "duration_minutes": 90,
    "mode": ContactPlan.Mode.SUPERVISED,
    "workers_needed": 1,
    "transport": ContactPlan.Transport.CARER,
    "starts_on": A_MONDAY,
}
SLOT = {"weekday": 0, "earliest_start": dt.time(16), "latest_start": dt.time(17)}


def _new_child(area, **extra):
    return {
        "first_name": "Amy",
        "reference": extra.pop("reference", "C-NEW1"),
        "date_of_birth": dt.date(2015, 5, 1),
        "area": area,
        **extra,
    }


# --- services -----------------------------------------------------------------------------


def test_a_referral_for_two_children_makes_them_a_sibling_group_with_a_plan():
    area = AreaFactory()
    existing = ChildFactory(area=area)
    referral = referral_create(
        referral_fields={
            "referrer_name": "Sam Social",
            "priority": Referral.Priority.COURT,
            "received_on": A_MONDAY,
        },
        children=[existing],
        new_children=[_new_child(area)],
        plan_fields=PLAN,
        slots=[SLOT],
    )
    children = list(referral.children.all())
    assert len(children) == 2
    assert children[0].sibling_group is not None
    assert {c.sibling_group_id for c in children} == {children[0].sibling_group_id}
    assert referral.status == Referral.Status.RECEIVED
    assert referral.reference.startswith("REF-")
    plan = referral.plans.get()
    assert plan.slots.count() == 1


def test_a_referral_with_a_broken_plan_writes_nothing():
    area = AreaFactory()
    with pytest.raises(ValidationError):
        referral_create(
            referral_fields={
                "referrer_name": "Sam",
                "priority": Referral.Priority.RISK,
                "received_on": A_MONDAY,
            },
            new_children=[_new_child(area)],
            plan_fields=PLAN,
            slots=[{**SLOT, "latest_start": dt.time(18, 0)}],  # 18:00 + 90 min ends after 19:00
        )
    assert Referral.objects.count() == 0
    assert ContactPlan.objects.count() == 0


def test_a_referral_goes_from_received_to_accepted_to_active_with_continuity_workers():
    plan = ContactPlanFactory(referral__status=Referral.Status.RECEIVED)
    worker = WorkerFactory()
    referral = referral_accept(referral=plan.referral, continuity_workers=[worker])
    assert referral.status == Referral.Status.ACCEPTED
    assert list(plan.continuity_workers.all()) == [worker]
    assert referral_activate(referral=referral).status == Referral.Status.ACTIVE


def test_a_referral_cannot_skip_acceptance_or_allocate_an_excluded_worker():
    worker = WorkerFactory()
    plan = ContactPlanFactory(referral__status=Referral.Status.RECEIVED, excluded_workers=[worker])
    with pytest.raises(ValidationError, match="cannot be made active"):
        referral_activate(referral=plan.referral)
    with pytest.raises(ValidationError, match="must never supervise"):
        referral_accept(referral=plan.referral, continuity_workers=[worker])
    plan.referral.refresh_from_db()
    assert plan.referral.status == Referral.Status.RECEIVED


def test_ending_a_referral_cancels_later_sessions_and_keeps_earlier_ones():
    plan = ContactPlanFactory(slots=[])
    held = ContactSessionFactory(
        plan=plan, rota_week=RotaWeekFactory(), status=ContactSession.Status.COMPLETED
    )
    later_week = RotaWeekFactory(week_start=A_MONDAY + dt.timedelta(weeks=1))
    staffed = SessionWorkerFactory(
        session__plan=plan,
        session__rota_week=later_week,
        session__day=later_week.week_start,
        session__status=ContactSession.Status.BOOKED,
    )
    later = staffed.session
    referral_end(referral=plan.referral, last_day=A_MONDAY + dt.timedelta(days=3))
    held.refresh_from_db()
    later.refresh_from_db()
    staffed.refresh_from_db()
    plan.refresh_from_db()
    assert held.status == ContactSession.Status.COMPLETED
    assert later.status == ContactSession.Status.CANCELLED
    assert later.cancel_reason == ContactSession.CancelReason.COURT_ORDER
    assert later.cancel_note == "plan ended"
    assert staffed.holds_time is False
    assert plan.ends_on == A_MONDAY + dt.timedelta(days=3)
    assert plan.referral.status == Referral.Status.ENDED


def test_time_limited_plans_end_by_themselves_the_day_after_their_end_date():
    ends = A_MONDAY + dt.timedelta(days=10)
    limited = ContactPlanFactory(ends_on=ends)
    open_ended = ContactPlanFactory()
    later = ContactSessionFactory(
        plan=limited,
        rota_week=RotaWeekFactory(week_start=A_MONDAY + dt.timedelta(weeks=2)),
    )
    assert referrals_end_expired(today=ends) == []
    with time_machine.travel(dt.datetime(2026, 12, 18, 9, 0), tick=False):
        assert end_expired_referrals() == "Ended 1 referral(s)"
    limited.referral.refresh_from_db()
    open_ended.referral.refresh_from_db()
    later.refresh_from_db()
    assert limited.referral.status == Referral.Status.ENDED
    assert open_ended.referral.status == Referral.Status.ACTIVE
    assert later.status == ContactSession.Status.CANCELLED
    assert referrals_end_expired(today=ends + dt.timedelta(days=5)) == []


def test_a_plan_change_starts_a_new_plan_and_never_rewrites_held_sessions():
    worker = WorkerFactory()
    plan = ContactPlanFactory(continuity_workers=[worker], duration_minutes=90)
    held = ContactSessionFactory(plan=plan, status=ContactSession.Status.COMPLETED)
    week_after = RotaWeekFactory(week_start=A_MONDAY + dt.timedelta(weeks=1))
    future = ContactSessionFactory(plan=plan, rota_week=week_after)
    change_day = A_MONDAY + dt.timedelta(days=1)
    new_plan = contact_plan_change(
        plan=plan,
        from_day=change_day,
        plan_fields={**PLAN, "duration_minutes": 60},
        slots=[{**SLOT, "weekday": 2}],
    )
    plan.refresh_from_db()
    held.refresh_from_db()
    future.refresh_from_db()
    assert plan.ends_on == A_MONDAY
    assert new_plan.starts_on == change_day
    assert new_plan.duration_minutes == 60
    assert list(new_plan.continuity_workers.all()) == [worker]
    assert held.status == ContactSession.Status.COMPLETED
    assert held.duration_minutes == 90
    assert held.plan_id == plan.pk
    assert future.status == ContactSession.Status.CANCELLED
    assert future.cancel_note == "plan changed"


def test_a_plan_change_cannot_start_before_the_plan_did():
    plan = ContactPlanFactory()
    with pytest.raises(ValidationError, match="must start after"):
        contact_plan_change(plan=plan, from_day=plan.starts_on, plan_fields=PLAN, slots=[SLOT])
    assert ContactPlan.objects.count() == 1
