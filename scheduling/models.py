import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from lib.weeks import week_days
from referrals.models import Child
from scheduling.constraints import PostgresExclusionConstraint, TsTzRange


class RotaWeek(models.Model):
    """The rota of one Monday-to-Friday week, as the deputy builds and publishes it."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SOLVING = "solving", "Being planned"
        PROPOSED = "proposed", "Proposed"
        PUBLISHED = "published", "Published"

    week_start = models.DateField(unique=True, help_text="The Monday the week starts.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start"]
        permissions = [
            ("plan_rota", "Can plan, change, pin and publish the rota"),
            ("view_rota_board", "Can view the county's rota board"),
        ]

    def __str__(self):
        return f"Week of {self.week_start:%d %b %Y}"

    @property
    def days(self) -> list[dt.date]:
        return week_days(self.week_start)


class ContactSessionQuerySet(models.QuerySet):
    """The groups of a session's life, defined once (see `ContactSession.NOT_YET_HELD`)."""

    def not_yet_held(self):
        return self.filter(status__in=ContactSession.NOT_YET_HELD)

    def live(self):
        return self.filter(status__in=ContactSession.LIVE)

    def recordable(self):
        return self.live()

    def seen_by_workers(self):
        return self.filter(status__in=ContactSession.SEEN_BY_WORKERS)

    def settled(self, now: dt.datetime | None = None):
        """Sessions no plan or hand move may change (see `ContactSession.is_settled`)."""
        return self.filter(ContactSession.settled_q(now))

    def not_cancelled(self):
        return self.exclude(status=ContactSession.Status.CANCELLED)

    def with_area(self):
        """Annotate `area_id`: the one area a session belongs to.

        The room's venue's area once the session has a room, else its first child's: the
        team leader who approves it, the area page, the board and the report all use this.
        """
        first_child_area = Subquery(
            Child.objects.filter(referrals=OuterRef("plan__referral"))
            .order_by("pk")
            .values("area")[:1]
        )
        return self.annotate(
            area_id=Coalesce(
                "room__venue__area_id", first_child_area, output_field=BigIntegerField()
            )
        )

    def in_areas(self, areas):
        return self.with_area().filter(area_id__in=[area.pk for area in areas])


class ContactSession(models.Model):
    """One contact session a plan asks for in a week, and where the rota puts it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        BOOKED = "booked", "Booked"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    class CancelReason(models.TextChoices):
        CHILD_ILL = "child_ill", "Child ill"
        PARENT_DID_NOT_ATTEND = "parent_dna", "Parent did not attend"
        CARER_CANCELLED = "carer_cancelled", "Carer cancelled"
        WORKER_ABSENT = "worker_absent", "Worker absent"
        VENUE_CLOSED = "venue_closed", "Venue closed"
        COURT_ORDER = "court_order", "Court or plan change"
        OTHER = "other", "Other"

    # Not yet held: the deputy may still move it, a team leader cancel it, and ending a
    # referral or changing its plan stops it.
    NOT_YET_HELD = (Status.PROPOSED, Status.AWAITING_APPROVAL, Status.BOOKED)
    # Published and not cancelled: it holds its time (the solver keeps it where it is),
    # someone is due to turn up, and its record may be written once it has started.
    LIVE = (Status.AWAITING_APPROVAL, Status.BOOKED, Status.COMPLETED, Status.DID_NOT_ATTEND)
    # What a worker's own pages show: live sessions, and cancelled ones so they know not to go.
    SEEN_BY_WORKERS = (*LIVE, Status.CANCELLED)
    # It took place (or was due and nobody came): what happened is on record.
    HELD = (Status.COMPLETED, Status.DID_NOT_ATTEND)

    rota_week = models.ForeignKey(RotaWeek, on_delete=models.PROTECT, related_name="sessions")
    plan = models.ForeignKey(
        "referrals.ContactPlan", on_delete=models.PROTECT, related_name="sessions"
    )
    slot = models.ForeignKey(
        "referrals.ContactPlanSlot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    day = models.DateField()
    earliest_start = models.TimeField()
    latest_start = models.TimeField()
    preferred_start = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(
        max_length=20,
        choices=(("supervised", "Supervised"), ("overseen", "Overseen"), ("virtual", "Virtual")),
    )
    transport_before_minutes = models.PositiveSmallIntegerField(default=0)
    transport_after_minutes = models.PositiveSmallIntegerField(default=0)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    room = models.ForeignKey(
        "venues.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    workers = models.ManyToManyField(
        "staffing.Worker", through="SessionWorker", related_name="sessions", blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    cancel_reason = models.CharField(max_length=30, choices=CancelReason.choices, blank=True)
    cancel_note = models.CharField(max_length=200, blank=True)
    pinned = models.BooleanField(default=False, help_text="Fixed by hand; the solver keeps it.")
    unplaced_reason = models.CharField(max_length=300, blank=True)
    changed_in_replan = models.BooleanField(
        default=False, help_text="Moved by the last re-plan of a published week."
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the team leader returned the booking."
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replacements",
        help_text="The cancelled session this one stands in for (virtual when a child is ill).",
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactSessionQuerySet.as_manager()

    class Meta:
        ordering = ["day", "starts_at", "earliest_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slot", "day"], name="one_session_per_plan_slot_and_day"
            ),
            models.CheckConstraint(
                condition=(Q(starts_at__isnull=True) & Q(ends_at__isnull=True))
                | Q(starts_at__lt=F("ends_at")),
                name="session_has_start_and_end_in_order",
                violation_error_message="A session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(earliest_start__lte=F("latest_start")),
                name="session_window_ordered",
                violation_error_message="The earliest start cannot be after the latest start.",
            ),
            PostgresExclusionConstraint(
                name="no_room_double_booking",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                    ("room", RangeOperators.EQUAL),
                ],
                condition=Q(room__isnull=False, starts_at__isnull=False)
                & ~Q(status__in=["cancelled"]),
                violation_error_message="The room is already booked at that time.",
            ),
        ]
        indexes = [models.Index(fields=["day", "status"])]

    def __str__(self):
        when = f"{self.starts_at:%a %d %b %H:%M}" if self.starts_at else f"{self.day:%a %d %b}"
        return f"{self.plan.referral} {when}"

    @property
    def is_placed(self) -> bool:
        return self.starts_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def can_cancel(self) -> bool:
        return self.status in self.NOT_YET_HELD

    @property
    def can_move(self) -> bool:
        return self.status in self.NOT_YET_HELD and not self.is_settled()

    def has_started(self, now: dt.datetime | None = None) -> bool:
        """Placed, and its start is at or before `now` (default: this moment)."""
        return self.starts_at is not None and self.starts_at <= (now or timezone.now())

    @property
    def has_record(self) -> bool:
        return SessionRecord.objects.filter(session_id=self.pk).exists() if self.pk else False

    def is_settled(self, now: dt.datetime | None = None) -> bool:
        """Started, held or recorded: the past, so no re-plan, solver run or hand move may
        change its time, room, workers or status (an absence recorded later cannot undo it).
        """
        return self.status in self.HELD or self.has_started(now) or self.has_record

    @classmethod
    def settled_q(cls, now: dt.datetime | None = None) -> Q:
        """`is_settled` as a query, for `ContactSession.objects.settled()` and exclusions."""
        return (
            Q(status__in=cls.HELD)
            | Q(starts_at__lte=now or timezone.now())
            | Q(record__isnull=False)
        )

    def why_settled(self, now: dt.datetime | None = None) -> str:
        """Why it cannot change, in words for the deputy; empty when it can."""
        if self.status in self.HELD:
            return f"it is {self.get_status_display().lower()}"
        if self.has_started(now):
            return f"it has started (at {timezone.localtime(self.starts_at):%H:%M})"
        if self.has_record:
            return "its record has been started"
        return ""

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def can_record(self) -> bool:
        return self.status in self.LIVE

    def clean(self):
        """A session placed by hand must keep to its day, its window and its venue's hours."""
        if not self.starts_at:
            return
        errors = {}
        start = timezone.localtime(self.starts_at)
        if self.day and start.date() != self.day:
            errors["starts_at"] = (
                f"The session is on {self.day:%a %d %b}; it cannot start on {start:%a %d %b}."
            )
        elif (
            self.earliest_start
            and self.latest_start
            and not self.earliest_start <= start.time() <= self.latest_start
        ):
            errors["starts_at"] = (
                f"The session must start between {self.earliest_start:%H:%M} and "
                f"{self.latest_start:%H:%M}; {start:%H:%M} is outside its window."
            )
        if self.room_id and self.ends_at and "starts_at" not in errors:
            venue = self.room.venue
            end = timezone.localtime(self.ends_at)
            if (
                start.time() < venue.opens
                or end.date() != start.date()
                or end.time() > venue.closes
            ):
                errors["ends_at" if start.time() >= venue.opens else "starts_at"] = (
                    f"{start:%H:%M}–{end:%H:%M} is outside {venue.name}'s hours "
                    f"{venue.opens:%H:%M}–{venue.closes:%H:%M}."
                )
        if errors:
            raise ValidationError(errors)


class SessionWorker(models.Model):
    """A worker on a session, busy from transport before to transport after."""

    session = models.ForeignKey(ContactSession, on_delete=models.CASCADE, related_name="staffing")
    worker = models.ForeignKey("staffing.Worker", on_delete=models.PROTECT, related_name="staffing")
    busy_from = models.DateTimeField()
    busy_to = models.DateTimeField()
    # False once the session is cancelled, so the worker's time is free again; kept on this
    # row because an exclusion constraint's condition can only see its own table.
    holds_time = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "worker"], name="worker_once_per_session"),
            models.CheckConstraint(
                condition=Q(busy_from__lt=F("busy_to")),
                name="worker_busy_interval_ordered",
            ),
            PostgresExclusionConstraint(
                name="no_worker_double_booking",
                expressions=[
                    (TsTzRange("busy_from", "busy_to"), RangeOperators.OVERLAPS),
                    ("worker", RangeOperators.EQUAL),
                ],
                condition=Q(holds_time=True),
                violation_error_message="The worker is already busy at that time.",
            ),
        ]

    def __str__(self):
        return f"{self.worker} on {self.session}"


class SolverRun(models.Model):
    """One run of the rota solver for a week: who started it, how it went, what it found."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Weekly schedule"
        BROWSER = "browser", "Started in the browser"
        COMMAND = "command", "Command line"
        REPLAN = "replan", "Re-plan after a change"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    rota_week = models.ForeignKey(RotaWeek, on_delete=models.CASCADE, related_name="runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    parameters = models.JSONField(default=dict, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    objective = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    sessions_total = models.PositiveIntegerField(null=True, blank=True)
    sessions_placed = models.PositiveIntegerField(null=True, blank=True)
    court_total = models.PositiveIntegerField(null=True, blank=True)
    court_placed = models.PositiveIntegerField(null=True, blank=True)
    travel_minutes = models.PositiveIntegerField(null=True, blank=True)
    continuity_rate = models.FloatField(null=True, blank=True)
    relief_sessions = models.PositiveIntegerField(null=True, blank=True)
    changes = models.PositiveIntegerField(null=True, blank=True)
    wall_seconds = models.FloatField(null=True, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One week is never solved by two runs at once.
            models.UniqueConstraint(
                fields=["rota_week"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_solver_run_per_week",
                violation_error_message="This week is already being planned.",
            )
        ]

    def __str__(self):
        return f"Solver run {self.pk} for {self.rota_week} ({self.get_status_display()})"


# A generous bound on a record's text: the longest real records are a few thousand characters.
RECORD_MAX_CHARS = 20_000


class SessionRecord(models.Model):
    """The worker's record of a session: court evidence, so never edited once submitted."""

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Everyone attended"
        PARTLY = "partly", "Some did not attend"
        PARENT_DNA = "parent_dna", "Parent did not attend"
        CHILD_DNA = "child_dna", "Child did not attend"

    session = models.OneToOneField(ContactSession, on_delete=models.PROTECT, related_name="record")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    actual_start = models.TimeField(null=True, blank=True)
    actual_end = models.TimeField(null=True, blank=True)
    # TextField's max_length sizes the form only; the validator holds services to it too.
    observations = models.TextField(
        blank=True, max_length=RECORD_MAX_CHARS, validators=[MaxLengthValidator(RECORD_MAX_CHARS)]
    )
    concerns = models.TextField(
        blank=True, max_length=RECORD_MAX_CHARS, validators=[MaxLengthValidator(RECORD_MAX_CHARS)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Record of {self.session}"


class SessionRecordAddendum(models.Model):
    """A later addition to a submitted record, with its own author and time."""

    record = models.ForeignKey(SessionRecord, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Addendum to {self.record} at {self.created_at:%d %b %H:%M}"
