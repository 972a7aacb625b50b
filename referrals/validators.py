"""Checks on contact plans that need related rows (venues, rooms, slots), so Model.clean can't."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from lib.service_day import SERVICE_CLOSES, minutes_of_day
from venues.models import Room, RoomFeature, Venue


def _names(venues: Iterable[Venue]) -> str:
    names = sorted(venue.name for venue in venues)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def validate_overseen_venues(*, mode: str, venues: Iterable[Venue]) -> None:
    """Overseen contact happens behind a two-way mirror: one of the venues must have one.

    No venues chosen means any venue will do, so then any active mirror room in the county counts.
    """
    from .models import ContactPlan

    if mode != ContactPlan.Mode.OVERSEEN:
        return
    venues = list(venues)
    rooms = Room.objects.filter(
        is_active=True, venue__is_active=True, features__code=RoomFeature.TWO_WAY_MIRROR
    )
    if venues:
        if rooms.filter(venue__in=venues).exists():
            return
        raise ValidationError(
            f"Overseen contact needs a room with a two-way mirror; none of {_names(venues)} "
            "has one.",
            code="no_mirror_room",
        )
    if not rooms.exists():
        raise ValidationError(
            "Overseen contact needs a room with a two-way mirror; no venue has one.",
            code="no_mirror_room",
        )


def validate_slot_fits_service_hours(
    *, latest_start: dt.time, duration_minutes: int, label: str = ""
) -> None:
    """A session starting at the latest time of its window must still end by closing time."""
    ends = minutes_of_day(latest_start) + duration_minutes
    if ends > minutes_of_day(SERVICE_CLOSES):
        where = f" ({label})" if label else ""
        raise ValidationError(
            f"A {duration_minutes}-minute session starting at {latest_start:%H:%M}{where} ends "
            f"after the service closes at {SERVICE_CLOSES:%H:%M}.",
            code="slot_after_closing",
        )


# A child's contact record can outlive their childhood (care leavers to 25), and a referral
# as old as its child; anything older, or in the future, is a slip of the keyboard.
OLDEST_AGE_YEARS = 25


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def validate_date_of_birth(value: dt.date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError("A date of birth cannot be in the future.", code="born_in_future")
    if value < _years_before(today, OLDEST_AGE_YEARS):
        raise ValidationError(
            f"A child of the service was born within the last {OLDEST_AGE_YEARS} years.",
            code="born_too_long_ago",
        )


def validate_received_on(value: dt.date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            "A referral cannot be received in the future.", code="received_in_future"
        )
    if value < _years_before(today, OLDEST_AGE_YEARS):
        raise ValidationError(
            f"A referral was received within the last {OLDEST_AGE_YEARS} years.",
            code="received_too_long_ago",
        )
