"""factory_boy factories for every model; shared by all the tests (add, don't rewrite)."""

import datetime as dt
import functools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from referrals.models import Child, ContactPlan, ContactPlanSlot, Referral, SiblingGroup
from scheduling.models import ContactSession, RotaWeek, SessionWorker, SolverRun
from staffing.models import Absence, ReliefSupervision, Skill, Worker, WorkingPattern
from venues.models import Area, Room, RoomClosure, RoomFeature, TravelTime, Venue

# A fixed Monday, so factories never depend on the clock; tests that care about "today"
# freeze time themselves.
A_MONDAY = dt.date(2026, 12, 7)


TEST_PASSWORD = "contact-demo-2026"


@functools.cache
def _password_hash() -> str:
    return make_password(TEST_PASSWORD)


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


# --- venues -------------------------------------------------------------------------------


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    slug = factory.Sequence(lambda n: f"venue-{n}")
    name = factory.Sequence(lambda n: f"Contact Centre {n}")
    area = factory.SubFactory(AreaFactory)


class RoomFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomFeature
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"feature-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " ").capitalize())


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"room-{n}")
    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 6

    @factory.post_generation
    def features(self, create, extracted, **kwargs):
        """RoomFactory(features=["kitchen", feature_obj]) — codes are created as needed."""
        if create and extracted:
            self.features.set(
                f if isinstance(f, RoomFeature) else RoomFeatureFactory(code=f) for f in extracted
            )


class RoomClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomClosure

    room = factory.SubFactory(RoomFactory)
    starts_at = factory.LazyFunction(lambda: _aware(A_MONDAY, dt.time(8, 30)))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    reason = "Deep clean"


class TravelTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelTime

    from_venue = factory.SubFactory(VenueFactory)
    to_venue = factory.SubFactory(VenueFactory, area=factory.SelfAttribute("..from_venue.area"))
    minutes = 25


# --- staffing -----------------------------------------------------------------------------


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = "driver"
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " ").capitalize())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    # One hash for every user: hashing per user would cost a third of a second each.
    password = factory.LazyFunction(lambda: _password_hash())

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """UserFactory(groups=["Team leader"]) — group names, created if missing."""
        if create and extracted:
            self.groups.set(
                g if isinstance(g, Group) else Group.objects.get_or_create(name=g)[0]
                for g in extracted
            )


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, groups=["Contact worker"])
    code = factory.Sequence(lambda n: f"w{n:03d}")
    name = factory.Sequence(lambda n: f"Worker {n}")
    kind = Worker.Kind.PERMANENT
    area = factory.SubFactory(AreaFactory)
    base_venue = factory.SubFactory(VenueFactory, area=factory.SelfAttribute("..area"))
    contract_minutes = 2220

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        """WorkerFactory(skills=["driver"])."""
        if create and extracted:
            self.skills.set(s if isinstance(s, Skill) else SkillFactory(code=s) for s in extracted)


class WorkingPatternFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingPattern

    worker = factory.SubFactory(WorkerFactory)
    weekday = WorkingPattern.Weekday.MONDAY
    starts = dt.time(8, 30)
    ends = dt.time(17, 0)


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    worker = factory.SubFactory(WorkerFactory)
    kind = Absence.Kind.LEAVE
    starts_on = A_MONDAY
    ends_on = factory.LazyAttribute(lambda o: o.starts_on)
    status = Absence.Status.APPROVED


class ReliefSupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReliefSupervision

    worker = factory.SubFactory(WorkerFactory, kind=Worker.Kind.RELIEF, contract_minutes=1110)
    held_on = A_MONDAY - dt.timedelta(weeks=4)


# --- referrals ----------------------------------------------------------------------------


class SiblingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiblingGroup

    reference = factory.Sequence(lambda n: f"SG-{n:04d}")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Faker("first_name", locale="en_GB")
    reference = factory.Sequence(lambda n: f"C-T{n:04d}")
    date_of_birth = dt.date(2017, 3, 14)
    area = factory.SubFactory(AreaFactory)
    placement = "Foster carer"
    mosaic_id = factory.Sequence(lambda n: f"MOS-T{n:06d}")


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"REF-T{n:04d}")
    mosaic_id = factory.Sequence(lambda n: f"MOSR-T{n:06d}")
    referrer_name = factory.Faker("name", locale="en_GB")
    referrer_team = "Children in Care"
    received_on = A_MONDAY - dt.timedelta(weeks=6)
    status = Referral.Status.ACTIVE
    priority = Referral.Priority.STANDARD

    @factory.post_generation
    def children(self, create, extracted, **kwargs):
        """ReferralFactory(children=[a, b]); by default one new child."""
        if not create:
            return
        self.children.set(extracted if extracted is not None else [ChildFactory()])


class ContactPlanFactory(factory.django.DjangoModelFactory):
    """A weekly 90-minute supervised plan; slots=[...] as ContactPlanSlot kwargs or objects.

    By default one Monday slot starting 16:00–17:00. venues=[...] sets allowed venues.
    """

    class Meta:
        model = ContactPlan
        skip_postgeneration_save = True

    referral = factory.SubFactory(ReferralFactory)
    attendees = "Mother"
    participants = 2
    every_weeks = 1
    duration_minutes = 90
    mode = ContactPlan.Mode.SUPERVISED
    workers_needed = 1
    transport = ContactPlan.Transport.CARER
    starts_on = A_MONDAY - dt.timedelta(weeks=4)

    @factory.post_generation
    def venues(self, create, extracted, **kwargs):
        if create and extracted:
            self.venues.set(extracted)

    @factory.post_generation
    def room_features(self, create, extracted, **kwargs):
        if create and extracted:
            self.room_features.set(
                f if isinstance(f, RoomFeature) else RoomFeatureFactory(code=f) for f in extracted
            )

    @factory.post_generation
    def worker_skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.worker_skills.set(
                s if isinstance(s, Skill) else SkillFactory(code=s) for s in extracted
            )

    @factory.post_generation
    def continuity_workers(self, create, extracted, **kwargs):
        if create and extracted:
            self.continuity_workers.set(extracted)

    @factory.post_generation
    def excluded_workers(self, create, extracted, **kwargs):
        if create and extracted:
            self.excluded_workers.set(extracted)

    @factory.post_generation
    def slots(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [{}]
        for slot in extracted:
            if isinstance(slot, ContactPlanSlot):
                slot.plan = self
                slot.save()
            else:
                ContactPlanSlotFactory(plan=self, **slot)


class ContactPlanSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPlanSlot

    plan = factory.SubFactory(ContactPlanFactory, slots=[])
    weekday = ContactPlanSlot.Weekday.MONDAY
    earliest_start = dt.time(16, 0)
    latest_start = dt.time(17, 0)
    preferred_start = None


# --- scheduling ---------------------------------------------------------------------------


class RotaWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotaWeek
        django_get_or_create = ("week_start",)

    week_start = A_MONDAY
    state = RotaWeek.State.DRAFT


class ContactSessionFactory(factory.django.DjangoModelFactory):
    """An unplaced session; pass starts_at (and room) to place it — ends_at follows."""

    class Meta:
        model = ContactSession

    rota_week = factory.SubFactory(RotaWeekFactory)
    plan = factory.SubFactory(ContactPlanFactory, slots=[])
    slot = None
    day = factory.LazyAttribute(lambda o: o.rota_week.week_start)
    earliest_start = dt.time(16, 0)
    latest_start = dt.time(17, 0)
    preferred_start = None
    duration_minutes = factory.LazyAttribute(lambda o: o.plan.duration_minutes)
    mode = factory.LazyAttribute(lambda o: o.plan.mode)
    starts_at = None
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + dt.timedelta(minutes=o.duration_minutes) if o.starts_at else None
    )
    room = None
    status = ContactSession.Status.PROPOSED


class SessionWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionWorker

    session = factory.SubFactory(
        ContactSessionFactory, starts_at=factory.LazyFunction(lambda: _aware(A_MONDAY, dt.time(16)))
    )
    worker = factory.SubFactory(WorkerFactory)
    busy_from = factory.LazyAttribute(
        lambda o: o.session.starts_at - dt.timedelta(minutes=o.session.transport_before_minutes)
    )
    busy_to = factory.LazyAttribute(
        lambda o: o.session.ends_at + dt.timedelta(minutes=o.session.transport_after_minutes)
    )
    holds_time = True


class SolverRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolverRun

    rota_week = factory.SubFactory(RotaWeekFactory)
    trigger = SolverRun.Trigger.COMMAND
    status = SolverRun.Status.QUEUED


def working_weekdays(workers, *, starts=dt.time(8, 30), ends=dt.time(19, 0)) -> None:
    """Each of `workers` works Monday to Friday, `starts` to `ends`."""
    for worker in workers:
        for weekday in range(5):
            WorkingPatternFactory(worker=worker, weekday=weekday, starts=starts, ends=ends)
