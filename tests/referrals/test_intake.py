"""Intake and the life of a referral: services first, then the intake page."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from referrals.intake import referral_accept, referral_activate, referral_create
from referrals.models import ContactPlan, Referral
from scheduling.models import ContactSession
from scheduling.services.plan_changes import (
    contact_plan_change,
    referral_end,
    referrals_end_expired,
)
from scheduling.tasks import end_expired_referrals
from tests.builders import intake_post
from tests.factories import (
    A_MONDAY,
    AreaFactory,
    ChildFactory,
    ContactPlanFactory,
    ContactSessionFactory,
    RoomFactory,
    RotaWeekFactory,
    SessionWorkerFactory,
    UserFactory,
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


# Received on A_MONDAY, so on or after it: a referral cannot be received in the future.
@time_machine.travel(dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC), tick=False)
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


# --- the intake page ----------------------------------------------------------------------


def _post_data(area, **overrides):
    new_child = {
        "child-0-first_name": "Amy",
        "child-0-reference": "C-AMY",
        "child-0-date_of_birth": "2016-05-01",
        "child-0-area": str(area.pk),
    }
    return intake_post(**{**new_child, **overrides})


@pytest.fixture
def team_leader(client):
    user = UserFactory(groups=["Team leader"])
    client.force_login(user)
    return user


def lead_area_of(plan, team_leader):
    """Make the team leader the leader of the area of the plan's child."""
    area = plan.referral.children.get().area
    area.team_leader = team_leader
    area.save()


def test_a_team_leader_cannot_open_or_change_a_referral_of_another_area(client, team_leader):
    plan = ContactPlanFactory()

    assert client.get(reverse("casework:detail", args=[plan.referral.pk])).status_code == 404
    assert client.get(reverse("casework:plan_change", args=[plan.pk])).status_code == 404
    response = client.post(reverse("casework:activate", args=[plan.referral.pk]))
    assert response.status_code == 404
    assert plan.referral.pk not in [
        r.pk for r in client.get(reverse("casework:list")).context["referrals"]
    ]


def test_a_team_leader_receives_a_referral_through_the_intake_page(client, team_leader):
    area = AreaFactory(team_leader=team_leader)
    response = client.post(reverse("casework:intake"), _post_data(area))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("casework:detail", args=[referral.pk])
    assert referral.children.get().reference == "C-AMY"
    assert referral.plans.get().slots.get().earliest_start == dt.time(16)
    detail = client.get(response.url)
    assert detail.status_code == 200
    history = detail.content.decode().split('id="history-heading"')[1]
    assert team_leader.get_full_name() in history


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slot-0-earliest_start": "08:00"}, "The service opens at 08:30"),
        ({"slot-0-latest_start": "18:00"}, "ends after the service closes at 19:00"),
        (
            {"slot-0-earliest_start": "10:00", "slot-0-latest_start": "12:00"},
            "could fall in school hours",
        ),
        ({"plan-mode": "overseen", "plan-venues": "VENUE"}, "needs a room with a two-way mirror"),
    ],
    ids=["before opening", "after closing", "school hours", "overseen without mirror"],
)
def test_the_intake_page_refuses_an_undeliverable_plan_and_says_why(
    client, team_leader, overrides, message
):
    area = AreaFactory(team_leader=team_leader)
    if overrides.get("plan-venues") == "VENUE":
        overrides["plan-venues"] = str(RoomFactory(venue__area=area).venue.pk)
    response = client.post(reverse("casework:intake"), _post_data(area, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Referral.objects.count() == 0


def test_a_school_hours_window_is_allowed_when_agreed_with_school_or_for_a_toddler(
    client, team_leader
):
    area = AreaFactory(team_leader=team_leader)
    daytime = {"slot-0-earliest_start": "10:00", "slot-0-latest_start": "12:00"}
    agreed = _post_data(area, **daytime, **{"plan-agreed_with_school": "on"})
    assert client.post(reverse("casework:intake"), agreed).status_code == 302
    assert "agreed" in Referral.objects.get().plans.get().shared_notes
    toddler = _post_data(
        area,
        **daytime,
        **{"child-0-date_of_birth": "2023-01-01", "child-0-reference": "C-TOT"},
    )
    assert client.post(reverse("casework:intake"), toddler).status_code == 302


def test_an_existing_child_can_be_referred_again_with_a_new_sibling(client, team_leader):
    area = AreaFactory(team_leader=team_leader)
    known = ChildFactory(area=area, date_of_birth=dt.date(2022, 1, 1))
    data = _post_data(area, **{"referral-existing_children": [str(known.pk)]})
    assert client.post(reverse("casework:intake"), data).status_code == 302
    referral = Referral.objects.get()
    assert referral.children.count() == 2
    known.refresh_from_db()
    assert known.sibling_group is not None


def test_the_intake_page_is_refused_to_a_contact_worker(client):
    client.force_login(UserFactory(groups=["Contact worker"]))
    assert client.get(reverse("casework:intake")).status_code == 403


def test_a_team_leader_accepts_activates_and_ends_a_referral_from_its_page(client, team_leader):
    plan = ContactPlanFactory(referral__status=Referral.Status.RECEIVED)
    lead_area_of(plan, team_leader)
    worker = WorkerFactory()
    referral = plan.referral
    url = reverse("casework:accept", args=[referral.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"continuity_workers": [worker.pk]})
    client.post(reverse("casework:activate", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACTIVE
    client.post(reverse("casework:end", args=[referral.pk]), {"last_day": "2026-12-31"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ENDED
    assert list(plan.continuity_workers.all()) == [worker]


def test_a_plan_change_page_starts_the_new_plan_from_the_date_given(client, team_leader):
    plan = ContactPlanFactory()
    lead_area_of(plan, team_leader)
    url = reverse("casework:plan_change", args=[plan.pk])
    assert client.get(url).status_code == 200
    data = {
        k.replace("referral-", "x-"): v
        for k, v in _post_data(plan.referral.children.get().area).items()
    }
    data["plan-starts_on"] = "2026-12-14"
    data["plan-duration_minutes"] = "60"
    response = client.post(url, data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.ends_on == dt.date(2026, 12, 13)
    assert plan.referral.plans.count() == 2
