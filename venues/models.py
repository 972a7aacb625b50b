from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from lib.service_day import SERVICE_CLOSES, SERVICE_OPENS
from lib.travel import TravelTimes


class Area(models.Model):
    """One of the service's three areas (north, central, south)."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=60)
    team_leader = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_areas",
        help_text="The team leader who approves this area's bookings.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Venue(models.Model):
    slug = models.SlugField(max_length=40, unique=True, help_text="Short id used in rota files.")
    name = models.CharField(max_length=120, unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="venues")
    address = models.TextField(blank=True)
    opens = models.TimeField(default=SERVICE_OPENS)
    closes = models.TimeField(default=SERVICE_CLOSES)
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")),
                name="venue_opens_before_it_closes",
                violation_error_message="A venue must open before it closes.",
            )
        ]

    def __str__(self):
        return self.name


class RoomFeature(models.Model):
    """Something a session may need of a room: a kitchen, outdoor play, a two-way mirror."""

    TWO_WAY_MIRROR = "two_way_mirror"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Room(models.Model):
    slug = models.SlugField(max_length=60, unique=True, help_text="Short id used in rota files.")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80)
    capacity = models.PositiveSmallIntegerField(
        help_text="People in the room, adults and children."
    )
    features = models.ManyToManyField(RoomFeature, blank=True, related_name="rooms")
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Youngest age suited."
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Oldest age suited."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["venue__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="room_name_unique_in_venue"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="room_holds_someone",
                violation_error_message="A room must hold at least one person.",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                name="room_age_range_ordered",
                violation_error_message="The youngest suitable age cannot be above the oldest.",
            ),
        ]

    def __str__(self):
        return f"{self.venue.name} – {self.name}"


class RoomClosure(models.Model):
    """A time a room cannot be used: refurbishment, cleaning, infection control, a booking."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="room_closure_ends_after_start",
                violation_error_message="A closure must end after it starts.",
            )
        ]

    def __str__(self):
        return f"{self.room} closed {self.starts_at:%d %b %H:%M}–{self.ends_at:%d %b %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The closure ends before it starts."})


class TravelTimeQuerySet(models.QuerySet):
    def table(self) -> TravelTimes:
        """The driving times keyed by venue id, both ways, with the one default for a gap."""
        return TravelTimes(self.values_list("from_venue_id", "to_venue_id", "minutes"))


class TravelTime(models.Model):
    """Driving minutes between two venues; one row serves both directions."""

    from_venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="+")
    to_venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveSmallIntegerField()

    objects = TravelTimeQuerySet.as_manager()

    class Meta:
        ordering = ["from_venue__name", "to_venue__name"]
        constraints = [
            models.UniqueConstraint(fields=["from_venue", "to_venue"], name="travel_pair_unique"),
            models.CheckConstraint(
                condition=~Q(from_venue=F("to_venue")),
                name="travel_between_two_venues",
                violation_error_message="Travel time joins two different venues.",
            ),
        ]

    def __str__(self):
        return f"{self.from_venue} ↔ {self.to_venue}: {self.minutes} min"

    def clean(self):
        if self.from_venue_id and self.to_venue_id:
            reverse = TravelTime.objects.filter(
                from_venue_id=self.to_venue_id, to_venue_id=self.from_venue_id
            ).exclude(pk=self.pk)
            if reverse.exists():
                raise ValidationError("The travel time between these venues is already recorded.")
