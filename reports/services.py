"""Writes of the costs the monthly report counts."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import AgencySession, TaxiBooking


@transaction.atomic
def agency_session_create(
    *, child, agency: str, held_on, cost, duration_minutes=90, referral=None, notes=""
):
    """A session a commissioned agency held for a child placed out of county."""
    if not child.out_of_county:
        raise ValidationError(
            {"child": f"{child} is not placed out of county; the service supervises them."}
        )
    session = AgencySession(
        child=child,
        referral=referral,
        agency=agency,
        held_on=held_on,
        cost=cost,
        duration_minutes=duration_minutes,
        notes=notes,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def taxi_booking_create(*, area, day, cost, session=None, booked_by=None, notes=""):
    booking = TaxiBooking(
        area=area, day=day, cost=cost, session=session, booked_by=booked_by, notes=notes
    )
    booking.full_clean()
    booking.save()
    return booking
