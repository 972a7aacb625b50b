from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


class Skill(models.Model):
    """Something a session may need of a worker, such as `driver`."""

    DRIVER = "driver"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Worker(models.Model):
    class Kind(models.TextChoices):
        PERMANENT = "permanent", "Contact support worker"
        RELIEF = "relief", "Relief worker"
        RESIDENTIAL = "residential", "Residential services (lent)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
    )
    code = models.SlugField(max_length=40, unique=True, help_text="Short id used in rota files.")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERMANENT)
    area = models.ForeignKey("venues.Area", on_delete=models.PROTECT, related_name="workers")
    base_venue = models.ForeignKey(
        "venues.Venue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="based_workers",
        help_text="The office the worker starts from and returns to each day.",
    )
    contract_minutes = models.PositiveIntegerField(
        help_text="Contracted minutes a week (37 hours = 2,220)."
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="workers")
    is_active = models.BooleanField(default=True)
    calendar_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="Secret of the worker's calendar feed URL; regenerate to revoke.",
    )

    class Meta:
        ordering = ["area__name", "name"]
        permissions = [("view_own_sessions", "Can see their own sessions and write records")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.PERMANENT and not self.base_venue_id:
            raise ValidationError({"base_venue": "A contact support worker needs a base venue."})
        if self.base_venue_id and self.area_id and self.base_venue.area_id != self.area_id:
            raise ValidationError(
                {"base_venue": f"{self.base_venue} is not in the worker's area ({self.area})."}
            )


class WorkingPattern(models.Model):
    """The hours a worker works on one weekday, every week."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="pattern")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["worker", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "weekday"], name="one_pattern_per_weekday"),
            models.CheckConstraint(
                condition=Q(starts__lt=F("ends")),
                name="pattern_starts_before_end",
                violation_error_message="A working day must start before it ends.",
            ),
        ]

    def __str__(self):
        return f"{self.worker} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Absence(models.Model):
    """Whole days a worker is away (inclusive dates)."""

    class Kind(models.TextChoices):
        LEAVE = "leave", "Annual leave"
        SICKNESS = "sickness", "Sickness"
        TRAINING = "training", "Training"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPROVED)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="absence_ends_on_or_after_start",
                violation_error_message="An absence cannot end before it starts.",
            )
        ]

    def __str__(self):
        return f"{self.worker}: {self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class ReliefSupervision(models.Model):
    """A supervision held with a relief worker (due every 4 to 12 weeks by use)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="supervisions")
    held_on = models.DateField()
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.worker} supervised {self.held_on}"
