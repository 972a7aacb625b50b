import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from lib.service_day import SERVICE_CLOSES, SERVICE_OPENS, minutes_of_day

from .validators import validate_date_of_birth, validate_received_on

# No drive with a child in the county takes longer; more is a slip (and 2^40 overflows).
MAX_TRANSPORT_MINUTES = 240
TRANSPORT_TOO_LONG = f"A drive with the child takes at most {MAX_TRANSPORT_MINUTES} minutes."


class SiblingGroup(models.Model):
    """Children who come to contact together."""

    reference = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self):
        return self.reference


class Child(models.Model):
    """A looked-after child: as little identity as the work needs (Mosaic holds the case)."""

    first_name = models.CharField(max_length=60)
    reference = models.CharField(
        max_length=40, unique=True, help_text="Local reference shown instead of a full name."
    )
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    area = models.ForeignKey("venues.Area", on_delete=models.PROTECT, related_name="children")
    placement = models.CharField(
        max_length=120, blank=True, help_text="e.g. foster carer, kinship."
    )
    mosaic_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    sibling_group = models.ForeignKey(
        SiblingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    out_of_county = models.BooleanField(
        default=False, help_text="Supervised by a commissioned agency; never on the rota."
    )

    class Meta:
        ordering = ["first_name", "reference"]
        verbose_name_plural = "children"

    def __str__(self):
        return f"{self.first_name} ({self.reference})"

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Referral(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACCEPTED = "accepted", "Accepted"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class Priority(models.TextChoices):
        # Order matters: court cases first, their records are evidence.
        COURT = "court", "Before the court"
        RISK = "risk", "Significant risk"
        STANDARD = "standard", "Long-term looked after"

    reference = models.CharField(max_length=40, unique=True)
    mosaic_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    children = models.ManyToManyField(Child, related_name="referrals")
    referrer_name = models.CharField(max_length=120)
    referrer_team = models.CharField(max_length=120, blank=True)
    received_on = models.DateField(validators=[validate_received_on])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    priority = models.CharField(max_length=20, choices=Priority.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_on", "reference"]

    def __str__(self):
        return self.reference


class ContactPlan(models.Model):
    """How contact happens for a referral, from a date: who, how often, how long, where."""

    class Mode(models.TextChoices):
        SUPERVISED = "supervised", "Supervised"
        OVERSEEN = "overseen", "Overseen (two-way mirror)"
        VIRTUAL = "virtual", "Virtual (audio or video)"

    class Transport(models.TextChoices):
        CARER = "carer", "Carer brings the child"
        WORKER = "worker", "A worker drives the child"
        TAXI = "taxi", "Taxi"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="plans")
    attendees = models.CharField(
        max_length=200, help_text="Who attends, e.g. mother, two siblings."
    )
    participants = models.PositiveSmallIntegerField(
        help_text="People in the room, children and adults."
    )
    every_weeks = models.PositiveSmallIntegerField(
        default=1, help_text="1: each time slot every week; 2: every other week."
    )
    duration_minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.SUPERVISED)
    venues = models.ManyToManyField("venues.Venue", blank=True, related_name="plans")
    room_features = models.ManyToManyField("venues.RoomFeature", blank=True, related_name="+")
    workers_needed = models.PositiveSmallIntegerField(default=1)
    worker_skills = models.ManyToManyField("staffing.Skill", blank=True, related_name="+")
    transport = models.CharField(max_length=20, choices=Transport.choices, default=Transport.CARER)
    transport_before_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_TRANSPORT_MINUTES, TRANSPORT_TOO_LONG)]
    )
    transport_after_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_TRANSPORT_MINUTES, TRANSPORT_TOO_LONG)]
    )
    continuity_workers = models.ManyToManyField(
        "staffing.Worker", blank=True, related_name="continuity_plans"
    )
    excluded_workers = models.ManyToManyField(
        "staffing.Worker", blank=True, related_name="excluded_plans"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    shared_notes = models.TextField(
        blank=True, help_text="What the supervising worker needs to know (shared with them)."
    )

    class Meta:
        ordering = ["referral", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=F("ends_on")),
                name="plan_ends_on_or_after_start",
                violation_error_message="A plan cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(workers_needed__in=[1, 2]),
                name="plan_needs_one_or_two_workers",
                violation_error_message="A session needs one worker, or two for high-risk contact.",
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__in=[1, 2]),
                name="plan_weekly_or_fortnightly",
                violation_error_message="Contact is weekly or fortnightly.",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=600),
                name="plan_duration_sensible",
                violation_error_message="A session lasts between 15 minutes and 10 hours.",
            ),
            models.CheckConstraint(
                condition=Q(transport_before_minutes__lte=MAX_TRANSPORT_MINUTES)
                & Q(transport_after_minutes__lte=MAX_TRANSPORT_MINUTES),
                name="plan_transport_sensible",
                violation_error_message=TRANSPORT_TOO_LONG,
            ),
        ]

    def __str__(self):
        return f"{self.referral} plan from {self.starts_on}"

    def clean(self):
        if self.transport == self.Transport.WORKER and not (
            self.transport_before_minutes or self.transport_after_minutes
        ):
            raise ValidationError(
                {"transport_before_minutes": "Give the minutes a worker spends driving the child."}
            )
        if self.mode == self.Mode.VIRTUAL and self.transport != self.Transport.CARER:
            raise ValidationError({"transport": "A virtual session needs no transport."})


class ContactPlanSlot(models.Model):
    """A day and time window in which one session of the plan takes place."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4

    plan = models.ForeignKey(ContactPlan, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    earliest_start = models.TimeField()
    latest_start = models.TimeField()
    preferred_start = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "weekday", "earliest_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(earliest_start__lte=F("latest_start")),
                name="slot_window_ordered",
                violation_error_message="The earliest start cannot be after the latest start.",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.earliest_start:%H:%M}–{self.latest_start:%H:%M}"

    def clean(self):
        errors = {}
        if self.earliest_start and self.earliest_start < SERVICE_OPENS:
            errors["earliest_start"] = (
                f"The service opens at {SERVICE_OPENS:%H:%M}; "
                f"a session cannot start at {self.earliest_start:%H:%M}."
            )
        if self.latest_start and self.plan_id:
            ends = minutes_of_day(self.latest_start) + self.plan.duration_minutes
            if ends > minutes_of_day(SERVICE_CLOSES):
                errors["latest_start"] = (
                    f"A {self.plan.duration_minutes}-minute session starting at "
                    f"{self.latest_start:%H:%M} ends after the service closes at "
                    f"{SERVICE_CLOSES:%H:%M}."
                )
        if (
            self.preferred_start
            and self.earliest_start
            and self.latest_start
            and not self.earliest_start <= self.preferred_start <= self.latest_start
        ):
            errors["preferred_start"] = "The preferred start must be inside the window."
        if errors:
            raise ValidationError(errors)
