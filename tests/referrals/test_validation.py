"""Bad contact plans get a clear message, through the admin as through the plan form."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from referrals.forms import ContactPlanForm
from referrals.models import ContactPlan, ContactPlanSlot
from referrals.validators import validate_overseen_venues, validate_slot_fits_service_hours
from staffing.roles import DEPUTY
from tests.factories import (
    ContactPlanFactory,
    ReferralFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    """The deputy at the admin's plan pages (administrators may read cases, not change them)."""
    client.force_login(UserFactory(username="deputy-staff", is_staff=True, groups=[DEPUTY]))
    return client


def _plan_data(*, referral, venues=(), slots=(), existing_slots=0, **fields):
    data = {
        "referral": referral.pk,
        "attendees": "Mother",
        "participants": "2",
        "every_weeks": "1",
        "duration_minutes": "90",
        "mode": "supervised",
        "venues": [v.pk for v in venues],
        "workers_needed": "1",
        "transport": "carer",
        "transport_before_minutes": "0",
        "transport_after_minutes": "0",
        "starts_on": "2026-11-02",
        "ends_on": "",
        "shared_notes": "",
        "slots-TOTAL_FORMS": str(len(slots)),
        "slots-INITIAL_FORMS": str(existing_slots),
    }
    for n, slot in enumerate(slots):
        data.update({f"slots-{n}-{key}": value for key, value in slot.items()})
    data.update(fields)
    return data


def _errors(response) -> list[str]:
    """Every error message on an admin change form, its inlines included."""
    messages = []
    form = response.context["adminform"].form
    for errors in form.errors.values():
        messages += errors
    for inline in response.context["inline_admin_formsets"]:
        for errors in inline.formset.errors:
            for field_errors in errors.values():
                messages += field_errors
        messages += inline.formset.non_form_errors()
    return messages


# --- slots within service hours -------------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        pytest.param(
            {"weekday": "0", "earliest_start": "08:00", "latest_start": "09:00"},
            "The service opens at 08:30; a session cannot start at 08:00.",
            id="starting before the service opens",
        ),
        pytest.param(
            {"weekday": "2", "earliest_start": "16:00", "latest_start": "18:00"},
            "A 90-minute session starting at 18:00 ends after the service closes at 19:00.",
            id="latest start running past closing",
        ),
    ],
)
def test_a_slot_outside_service_hours_is_refused(admin_client, slot, message):
    data = _plan_data(referral=ReferralFactory(), slots=[slot])

    response = admin_client.post(reverse("admin:referrals_contactplan_add"), data)

    assert response.status_code == 200
    assert message in _errors(response)
    assert not ContactPlan.objects.exists()
    assert not ContactPlanSlot.objects.exists()


def test_a_plan_with_slots_inside_service_hours_is_saved(admin_client):
    referral = ReferralFactory()
    data = _plan_data(
        referral=referral,
        slots=[{"weekday": "2", "earliest_start": "16:00", "latest_start": "17:30"}],
    )

    response = admin_client.post(reverse("admin:referrals_contactplan_add"), data)

    assert response.status_code == 302, _errors(response)
    plan = referral.plans.get()
    assert plan.slots.get().latest_start == dt.time(17, 30)


def _a_90_minute_plan_starting_16_to_17_on_mondays():
    return ContactPlanFactory(
        duration_minutes=90, slots=[{"earliest_start": dt.time(16), "latest_start": dt.time(17)}]
    )


def _lengthen_to_150_minutes_on_the_plan_page(client, plan, *, earliest_start, latest_start):
    """Post the plan's admin page with 150 minutes and its one slot at the given starts."""
    slot = plan.slots.get()
    data = _plan_data(
        referral=plan.referral,
        duration_minutes="150",
        existing_slots=1,
        slots=[
            {
                "id": slot.pk,
                "plan": plan.pk,
                "weekday": "0",
                "earliest_start": earliest_start,
                "latest_start": latest_start,
            }
        ],
    )
    return client.post(reverse("admin:referrals_contactplan_change", args=[plan.pk]), data)


def test_lengthening_a_plan_past_its_slots_is_refused_on_the_plan_page(admin_client):
    plan = _a_90_minute_plan_starting_16_to_17_on_mondays()

    response = _lengthen_to_150_minutes_on_the_plan_page(
        admin_client, plan, earliest_start="16:00", latest_start="17:00"
    )

    assert response.status_code == 200
    assert (
        "A 150-minute session starting at 17:00 ends after the service closes at 19:00."
        in _errors(response)
    )
    plan.refresh_from_db()
    assert plan.duration_minutes == 90


def test_lengthening_a_plan_and_moving_its_slot_earlier_together_is_saved(admin_client):
    plan = _a_90_minute_plan_starting_16_to_17_on_mondays()

    response = _lengthen_to_150_minutes_on_the_plan_page(
        admin_client, plan, earliest_start="15:30", latest_start="16:30"
    )

    assert response.status_code == 302, _errors(response)
    plan.refresh_from_db()
    assert plan.duration_minutes == 150


def test_lengthening_a_plan_past_its_saved_slots_is_refused_by_the_plan_form():
    plan = _a_90_minute_plan_starting_16_to_17_on_mondays()
    data = _plan_data(referral=plan.referral, duration_minutes="150")

    form = ContactPlanForm(data=data, instance=plan)

    assert not form.is_valid()
    assert form.errors["duration_minutes"] == [
        "A 150-minute session starting at 17:00 (Monday slot) ends after the service closes "
        "at 19:00."
    ]
    plan.refresh_from_db()
    assert plan.duration_minutes == 90


def test_lengthening_a_plan_from_the_referral_page_checks_its_saved_slots(admin_client):
    plan = _a_90_minute_plan_starting_16_to_17_on_mondays()
    referral = plan.referral
    plan_fields = _plan_data(referral=referral, duration_minutes="150")
    data = {
        "reference": referral.reference,
        "mosaic_id": referral.mosaic_id,
        "children": [c.pk for c in referral.children.all()],
        "referrer_name": referral.referrer_name,
        "referrer_team": referral.referrer_team,
        "received_on": f"{referral.received_on:%Y-%m-%d}",
        "status": referral.status,
        "priority": referral.priority,
        "notes": "",
        "plans-TOTAL_FORMS": "1",
        "plans-INITIAL_FORMS": "1",
        "plans-0-id": plan.pk,
        "plans-0-referral": referral.pk,
        **{
            f"plans-0-{key}": value
            for key, value in plan_fields.items()
            if not key.startswith("slots-") and key != "referral"
        },
    }

    response = admin_client.post(
        reverse("admin:referrals_referral_change", args=[referral.pk]), data
    )

    assert response.status_code == 200
    assert (
        "A 150-minute session starting at 17:00 (Monday slot) ends after the service closes "
        "at 19:00." in _errors(response)
    )
    plan.refresh_from_db()
    assert plan.duration_minutes == 90


def test_the_slot_check_accepts_a_session_ending_at_closing_time():
    validate_slot_fits_service_hours(latest_start=dt.time(17, 30), duration_minutes=90)

    with pytest.raises(ValidationError):
        validate_slot_fits_service_hours(latest_start=dt.time(17, 31), duration_minutes=90)


# --- overseen contact needs a two-way mirror --------------------------------------------------


def test_an_overseen_plan_without_a_mirror_room_among_its_venues_is_refused(admin_client):
    gedling = VenueFactory(name="Gedling View")
    RoomFactory(venue=gedling, features=["kitchen"])
    VenueFactory(name="Arnold Hub")
    elsewhere = RoomFactory(features=["two_way_mirror"])
    assert elsewhere.venue != gedling
    referral = ReferralFactory()
    data = _plan_data(referral=referral, mode="overseen", venues=[gedling])

    response = admin_client.post(reverse("admin:referrals_contactplan_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["venues"] == [
        "Overseen contact needs a room with a two-way mirror; none of Gedling View has one."
    ]
    assert not ContactPlan.objects.exists()


def test_an_overseen_plan_names_every_venue_without_a_mirror():
    gedling = VenueFactory(name="Gedling View")
    arnold = VenueFactory(name="Arnold Hub")

    with pytest.raises(ValidationError) as refused:
        validate_overseen_venues(mode="overseen", venues=[gedling, arnold])

    assert refused.value.messages == [
        "Overseen contact needs a room with a two-way mirror; "
        "none of Arnold Hub or Gedling View has one."
    ]


def test_an_inactive_mirror_room_does_not_count():
    gedling = VenueFactory(name="Gedling View")
    RoomFactory(venue=gedling, features=["two_way_mirror"], is_active=False)

    with pytest.raises(ValidationError):
        validate_overseen_venues(mode="overseen", venues=[gedling])


def test_an_overseen_plan_open_to_any_venue_needs_a_mirror_somewhere():
    VenueFactory(name="Gedling View")

    with pytest.raises(ValidationError) as refused:
        validate_overseen_venues(mode="overseen", venues=[])

    assert refused.value.messages == [
        "Overseen contact needs a room with a two-way mirror; no venue has one."
    ]


def test_an_overseen_plan_at_a_venue_with_a_mirror_room_is_saved(admin_client):
    gedling = VenueFactory(name="Gedling View")
    RoomFactory(venue=gedling, features=["two_way_mirror"])
    referral = ReferralFactory()
    data = _plan_data(referral=referral, mode="overseen", venues=[gedling])

    response = admin_client.post(reverse("admin:referrals_contactplan_add"), data)

    assert response.status_code == 302, _errors(response)
    assert list(referral.plans.get().venues.all()) == [gedling]


def test_supervised_contact_needs_no_mirror():
    validate_overseen_venues(mode="supervised", venues=[VenueFactory()])
