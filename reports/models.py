"""Costs and records the monthly report needs that the rota itself does not hold."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

AGENCY_DURATION_MESSAGE = "A session lasts between 15 minutes and 10 hours."


class AgencySession(models.Model):
    """A session for a child placed out of county, supervised by a commissioned agency.

    These never reach the rota (the agency staffs them), but they are the service's sessions
    and its cost, so the monthly report counts them.
    """

    child = models.ForeignKey(
        "referrals.Child",
        on_delete=models.PROTECT,
        related_name="agency_sessions",
        limit_choices_to={"out_of_county": True},
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agency_sessions",
    )
    agency = models.CharField(max_length=120)
    held_on = models.DateField()
    # The same bounds as a contact plan's sessions (referrals.ContactPlan).
    duration_minutes = models.PositiveSmallIntegerField(
        default=90,
        validators=[
            MinValueValidator(15, AGENCY_DURATION_MESSAGE),
            MaxValueValidator(600, AGENCY_DURATION_MESSAGE),
        ],
    )
    cost = models.DecimalField(max_digits=8, decimal_places=2, help_text="Invoiced, in pounds.")
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on"]
        permissions = [("view_report", "Can view the monthly report")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gte=0), name="agency_session_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=600),
                name="agency_session_duration_sensible",
                violation_error_message=AGENCY_DURATION_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.child} with {self.agency} on {self.held_on}"


class TaxiBooking(models.Model):
    """A taxi booked to bring a child to contact (or home), at a cost to the budget."""

    session = models.ForeignKey(
        "scheduling.ContactSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="taxi_bookings",
    )
    area = models.ForeignKey("venues.Area", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    cost = models.DecimalField(max_digits=7, decimal_places=2, help_text="In pounds.")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="taxi_cost_not_negative")
        ]

    def __str__(self):
        return f"Taxi {self.day} £{self.cost}"


class MileageRate(models.Model):
    """What a mile of a worker's driving costs, and how many miles a minute of it covers."""

    DEFAULT_PENCE_PER_MILE = Decimal("45")
    DEFAULT_AVERAGE_MPH = 30

    starts_on = models.DateField(unique=True)
    pence_per_mile = models.DecimalField(max_digits=5, decimal_places=1)
    average_mph = models.PositiveSmallIntegerField(
        default=DEFAULT_AVERAGE_MPH, help_text="Turns travel minutes between venues into miles."
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return f"{self.pence_per_mile}p a mile from {self.starts_on}"

    @classmethod
    def in_force(cls, day: dt.date) -> "MileageRate":
        rate = cls.objects.filter(starts_on__lte=day).order_by("-starts_on").first()
        return rate or cls(
            starts_on=day,
            pence_per_mile=cls.DEFAULT_PENCE_PER_MILE,
            average_mph=cls.DEFAULT_AVERAGE_MPH,
        )
