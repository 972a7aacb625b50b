"""A demo county true to the figures of the service's annual report, built in one go.

Everything is drawn from `random.Random(seed)` and dated relative to the Monday of the
current week, so the same seed on the same day gives the same county. Rows go in with
bulk_create: the demo loads on every `make run` and in tests.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lib.service_day import time_of_day
from lib.weeks import working_monday
from referrals.models import Child, ContactPlan, ContactPlanSlot, Referral, SiblingGroup
from scheduling.services.planning import week_plan_sessions
from staffing import roles
from staffing.models import Absence, ReliefSupervision, Skill, Worker, WorkingPattern
from venues.models import Area, Room, RoomClosure, RoomFeature, TravelTime, Venue

DEMO_PASSWORD = "contact-demo-2026"
FULL_TIME_MINUTES = 2220  # 37 hours
SESSIONS_A_WEEK = 285  # planned; ~89% held makes the annual report's 1,131 a month held

AREAS = [("north", "North"), ("central", "Central"), ("south", "South")]
FEATURES = [
    ("kitchen", "Kitchen"),
    ("outdoor", "Outdoor play"),
    ("two_way_mirror", "Two-way mirror"),
]

# (slug, name, area, address, [(room name, capacity, features)])
VENUES = [
    (
        "ollerton",
        "Ollerton Contact Centre",
        "north",
        "Sherwood Drive, Ollerton, NG22 9PP",
        [("Large room 1", 10, ["kitchen"]), ("Large room 2", 10, ["kitchen"])],
    ),
    (
        "worksop-priory",
        "Worksop Priory Contact Centre",
        "north",
        "Priorswell Road, Worksop, S80 2BY",
        [
            ("Bungalow 1 lounge", 8, ["kitchen", "outdoor"]),
            ("Bungalow 1 playroom", 6, ["outdoor"]),
            ("Bungalow 1 quiet room", 4, []),
            ("Bungalow 2 lounge", 8, ["kitchen", "outdoor"]),
            ("Bungalow 2 family room", 6, ["outdoor"]),
            ("Bungalow 2 sensory room", 4, []),
            ("Bungalow 3 lounge", 8, ["kitchen", "outdoor"]),
            ("Bungalow 3 small room", 4, []),
        ],
    ),
    (
        "retford",
        "Retford Post-16 Centre",
        "north",
        "Chancery Lane, Retford, DN22 6DF",
        [("Room A", 6, []), ("Room B", 6, [])],
    ),
    (
        "sandy-bank",
        "Sandy Bank",
        "central",
        "Sandy Lane, Mansfield, NG18 2LQ",
        [
            ("Oak", 10, ["kitchen", "outdoor"]),
            ("Ash", 6, ["outdoor"]),
            ("Beech", 8, ["kitchen"]),
            ("Birch", 5, []),
            ("Cedar", 6, ["outdoor"]),
            ("Elm", 8, ["kitchen", "outdoor"]),
            ("Hazel", 4, []),
            ("Holly", 5, []),
            ("Larch", 6, []),
            ("Maple", 8, ["kitchen", "outdoor"]),
            ("Rowan", 4, []),
            ("Willow", 6, ["outdoor"]),
        ],
    ),
    (
        "beeston",
        "Beeston Central",
        "south",
        "Station Road, Beeston, NG9 2AB",
        [("Room 1", 6, []), ("Room 2", 5, [])],
    ),
    (
        "gedling-view",
        "Gedling View",
        "south",
        "Arnold Lane, Gedling, NG4 4HQ",
        [
            ("Contact room 1", 8, ["kitchen", "outdoor"]),
            ("Contact room 2", 6, ["outdoor"]),
            ("Contact room 3", 6, []),
            ("Contact room 4", 5, []),
            ("Quiet room", 4, ["two_way_mirror"]),
            ("Meeting room", 6, []),
        ],
    ),
    (
        "hawtonville",
        "Hawtonville Children's Centre, Newark",
        "south",
        "Eton Avenue, Newark, NG24 4JF",
        [
            ("Large hall", 10, ["kitchen", "outdoor"]),
            ("Garden room", 6, ["outdoor"]),
            ("Family room", 5, []),
            ("Small room", 3, []),
        ],
    ),
]

# Driving minutes, one row per pair.
TRAVEL = {
    ("ollerton", "worksop-priory"): 28,
    ("ollerton", "retford"): 25,
    ("ollerton", "sandy-bank"): 22,
    ("ollerton", "beeston"): 45,
    ("ollerton", "gedling-view"): 30,
    ("ollerton", "hawtonville"): 25,
    ("worksop-priory", "retford"): 20,
    ("worksop-priory", "sandy-bank"): 30,
    ("worksop-priory", "beeston"): 55,
    ("worksop-priory", "gedling-view"): 45,
    ("worksop-priory", "hawtonville"): 45,
    ("retford", "sandy-bank"): 40,
    ("retford", "beeston"): 60,
    ("retford", "gedling-view"): 45,
    ("retford", "hawtonville"): 35,
    ("sandy-bank", "beeston"): 40,
    ("sandy-bank", "gedling-view"): 40,
    ("sandy-bank", "hawtonville"): 35,
    ("beeston", "gedling-view"): 23,
    ("beeston", "hawtonville"): 45,
    ("gedling-view", "hawtonville"): 30,
}

# Where each area's children usually meet, weighted by the rooms there.
SATELLITE_VENUES = {"retford", "ollerton", "beeston"}
HOME_VENUES = {
    "north": [("worksop-priory", 6), ("ollerton", 3), ("retford", 1)],
    "central": [("sandy-bank", 1)],
    "south": [("gedling-view", 4), ("hawtonville", 4), ("beeston", 2)],
}
# (full-timers, part-timers, bases weighted)
PERMANENT_STAFF = {
    "north": (7, 2, ["worksop-priory"] * 5 + ["ollerton"] * 3 + ["retford"]),
    "central": (7, 2, ["sandy-bank"]),
    "south": (6, 3, ["gedling-view"] * 4 + ["hawtonville"] * 3 + ["beeston"] * 2),
}
PART_TIME_MINUTES = 1110  # half time: 7 half-timers make the 3.5 FTE beyond 20 full-timers
EARLY_SHIFT, LATE_SHIFT = (dt.time(8, 30), dt.time(17)), (dt.time(10, 30), dt.time(19))


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Aisha Amy Ben Beth Callum Chloe Dan Demi Ellie Emma Faye Gemma Grace Hannah Harry "
    "Imran Jack Jade Jas Kate Kieran Laura Leah Liam Lucy Mark Megan Mo Naomi Nina Olivia "
    "Owen Paige Priya Rachel Rob Ryan Sam Sara Sophie Tom Vicky Will Zoe Abdul Carol Dev "
    "Helen"
)
SURNAMES = _words(
    "Ahmed Bailey Barker Bell Bennett Brooks Carter Clarke Cooper Davies Dixon Edwards "
    "Ellis Fletcher Foster Gibson Green Hall Harris Hill Holmes Hughes Jackson Khan Lee "
    "Marshall Mason Mills Moore Morris Owen Palmer Parker Patel Price Reid Richards "
    "Robinson Shaw Simpson Singh Stevens Taylor Turner Walker Ward Webb Wood Wright Young"
)
CHILD_NAMES = _words(
    "Alfie Amelia Archie Ava Bella Charlie Daisy Dylan Eden Eli Ella Evie Finley Freya "
    "George Harper Harvey Isla Ivy Jacob Jake Jayden Kai Layla Leo Lexi Lily Logan Luca "
    "Maisie Mason Mia Millie Noah Oliver Oscar Phoebe Poppy Reggie Riley Rosie Ruby "
    "Scarlett Sienna Sonny Teddy Theo Tommy Willow Zara"
)
PLACEMENTS = [
    ("Foster carer", 55),
    ("Kinship carer", 15),
    ("Independent fostering agency", 15),
    ("Children's home", 8),
    ("Parent and child placement", 4),
    ("Supported lodgings", 3),
]
ADULTS = [
    ("Mother", 1, 30),
    ("Father", 1, 12),
    ("Mother and father", 2, 16),
    ("Mother and maternal grandmother", 2, 8),
    ("Father and paternal grandparents", 3, 4),
    ("Maternal grandmother", 1, 8),
    ("Aunt", 1, 5),
    ("Mother and partner", 2, 6),
    ("Older sibling (in another placement)", 1, 6),
    ("Mother, father and older sibling", 3, 5),
]


SHARED_NOTES = [
    "",
    "",
    "Child may be unsettled at the start; allow time to settle with the carer.",
    "Parent must not discuss the court case with the child.",
    "Bring the life-story book; the child likes to show it.",
    "Check the parent's sobriety on arrival; end the session if in doubt.",
    "No photographs to be taken.",
]


@dataclass
class DemoSummary:
    today: dt.date
    monday: dt.date
    venues: int = 0
    rooms: int = 0
    workers: dict[str, int] = field(default_factory=dict)
    permanent_fte: float = 0.0
    children: int = 0
    referrals: int = 0
    sessions_by_week: dict[dt.date, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (role, username)


def database_has_county() -> bool:
    return Venue.objects.exists() or Worker.objects.exists() or Child.objects.exists()


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class _Builder:
    def __init__(self, *, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.today = today
        self.monday = working_monday(today)
        self.summary = DemoSummary(today=today, monday=self.monday)
        self.password = make_password(DEMO_PASSWORD)
        self.names = self._name_pool()

    def _name_pool(self):
        pairs = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
        return iter(self.rng.sample(pairs, 60))

    # --- places ---------------------------------------------------------------------------

    def build_places(self):
        areas = Area.objects.bulk_create([Area(code=c, name=n) for c, n in AREAS])
        self.areas = {area.code: area for area in areas}
        self.features = {
            f.code: f
            for f in RoomFeature.objects.bulk_create(
                [RoomFeature(code=c, name=n) for c, n in FEATURES]
            )
        }
        self.venues = {
            v.slug: v
            for v in Venue.objects.bulk_create(
                [
                    Venue(slug=slug, name=name, area=self.areas[area], address=address)
                    for slug, name, area, address, _ in VENUES
                ]
            )
        }
        rooms, room_features = [], []
        for slug, _, _, _, room_specs in VENUES:
            for name, capacity, features in room_specs:
                rooms.append(
                    Room(
                        slug=f"{slug}-{slugify(name)}",
                        venue=self.venues[slug],
                        name=name,
                        capacity=capacity,
                    )
                )
                room_features.append(features)
        Room.objects.bulk_create(rooms)
        self.rooms = {room.slug: room for room in rooms}
        Room.features.through.objects.bulk_create(
            [
                Room.features.through(room_id=room.pk, roomfeature_id=self.features[code].pk)
                for room, codes in zip(rooms, room_features, strict=True)
                for code in codes
            ]
        )
        # Which venues can offer a room with a feature (Retford's Room B is closed below).
        self.venues_with = {code: set() for code, _ in FEATURES}
        for room, codes in zip(rooms, room_features, strict=True):
            for code in codes:
                self.venues_with[code].add(room.venue.slug)
        TravelTime.objects.bulk_create(
            [
                TravelTime(from_venue=self.venues[a], to_venue=self.venues[b], minutes=m)
                for (a, b), m in TRAVEL.items()
            ]
        )
        self.summary.venues, self.summary.rooms = len(self.venues), len(rooms)

    def build_closures(self):
        monday = self.monday
        closures = [
            RoomClosure(
                room=self.rooms["retford-room-b"],
                starts_at=_at(monday - dt.timedelta(weeks=2), 8, 30),
                ends_at=_at(monday + dt.timedelta(weeks=12), 19),
                reason="Securing works (windows and doors)",
            ),
            RoomClosure(
                room=self.rooms["sandy-bank-rowan"],
                starts_at=_at(monday + dt.timedelta(days=2), 8, 30),
                ends_at=_at(monday + dt.timedelta(days=2), 12),
                reason="Deep clean",
            ),
            RoomClosure(
                room=self.rooms["worksop-priory-bungalow-3-small-room"],
                starts_at=_at(monday + dt.timedelta(weeks=1), 8, 30),
                ends_at=_at(monday + dt.timedelta(weeks=1, days=4), 19),
                reason="Refurbishment: new flooring",
            ),
            RoomClosure(
                room=self.rooms["hawtonville-small-room"],
                starts_at=_at(monday + dt.timedelta(weeks=2), 8, 30),
                ends_at=_at(monday + dt.timedelta(weeks=2, days=1), 19),
                reason="Infection control after a norovirus case",
            ),
        ]
        meeting_room = self.rooms["gedling-view-meeting-room"]
        for week in range(4):
            for weekday, start, end in [(1, 9, 13), (2, 14, 17), (3, 9, 13)]:
                day = monday + dt.timedelta(weeks=week, days=weekday)
                closures.append(
                    RoomClosure(
                        room=meeting_room,
                        starts_at=_at(day, start),
                        ends_at=_at(day, end),
                        reason="External booking: Family Hub partners",
                    )
                )
        RoomClosure.objects.bulk_create(closures)

    # --- people ---------------------------------------------------------------------------

    def _groups(self) -> dict[str, Group]:
        names = [roles.DEPUTY, roles.TEAM_LEADER, roles.CONTACT_WORKER, roles.ADMINISTRATOR]
        groups = {g.name: g for g in Group.objects.filter(name__in=names)}
        if len(groups) < len(names):
            groups = roles.sync_groups()
        return groups

    def _new_user(self, username, first, last, group, **extra):
        user = get_user_model()(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@contact-demo.example",
            password=self.password,  # one hash for all: hashing each would take seconds
            **extra,
        )
        self.users.append((user, group))
        return user

    def _username(self, first, last):
        base = f"{first}.{last}".lower()
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def build_people(self):
        groups = self._groups()
        self.users, self.usernames = [], set()
        self.workers, self.working_patterns = [], []
        deputy, leaders = self._office_staff()
        self.skill_driver = Skill.objects.create(code=Skill.DRIVER, name="Driver")
        permanent = self._permanent_staff()
        relief = self._relief_staff()
        residential = self._residential_staff()
        # Every other permanent and residential worker drives, and the first relief worker.
        drivers = permanent[1::2] + relief[:1] + residential[::2]
        self._save_people(groups, leaders, drivers)
        self.drivers = set(drivers)
        self.permanent_by_area = {
            code: [w for w in permanent if w.area_id == a.pk] for code, a in self.areas.items()
        }
        self._absences(self.workers, relief, deputy)
        self._summarise_people(deputy, leaders)

    def _office_staff(self):
        """The deputy, each area's team leader and the administrator."""
        deputy = self._new_user("deputy", "Dana", "Whitfield", roles.DEPUTY)
        leaders = {
            code: self._new_user(f"tl.{code}", first, last, roles.TEAM_LEADER)
            for code, (first, last) in zip(
                [c for c, _ in AREAS],
                [("Nadia", "Osborne"), ("Graham", "Kirk"), ("Fiona", "Doyle")],
                strict=True,
            )
        }
        self._new_user("admin", "Alex", "Rowe", roles.ADMINISTRATOR, is_staff=True)
        return deputy, leaders

    def _add_worker(self, code, kind, area, base, minutes, days) -> Worker:
        first, last = next(self.names)
        user = self._new_user(self._username(first, last), first, last, roles.CONTACT_WORKER)
        worker = Worker(
            code=code,
            name=f"{first} {last}",
            kind=kind,
            area=self.areas[area],
            base_venue=self.venues[base] if base else None,
            contract_minutes=minutes,
        )
        worker._user = user
        self.workers.append(worker)
        for weekday, (starts, ends) in days.items():
            self.working_patterns.append((worker, weekday, starts, ends))
        return worker

    def _permanent_staff(self) -> list[Worker]:
        permanent, number = [], 0
        for area, (full, part, bases) in PERMANENT_STAFF.items():
            for i in range(full + part):
                number += 1
                base = bases[i % len(bases)]
                if i < full:
                    # Most on the late shift: the hours from 15:30 are the peak, and the
                    # early shift ends before most after-school sessions do.
                    shift = EARLY_SHIFT if i % 5 == 0 else LATE_SHIFT
                    days = dict.fromkeys(range(5), shift)
                    minutes = FULL_TIME_MINUTES
                else:
                    part_time_shift = (dt.time(11), LATE_SHIFT[1])
                    days = dict.fromkeys(sorted(self.rng.sample(range(5), 3)), part_time_shift)
                    minutes = PART_TIME_MINUTES
                permanent.append(
                    self._add_worker(
                        f"w{number:02d}", Worker.Kind.PERMANENT, area, base, minutes, days
                    )
                )
        return permanent

    def _relief_staff(self) -> list[Worker]:
        relief_specs = [
            ("north", "worksop-priory", 1110, [0, 2, 3], (12, 0)),
            ("central", "sandy-bank", 960, [1, 2, 3, 4], (14, 0)),
            ("south", "gedling-view", 1200, [0, 1, 2, 3, 4], (15, 0)),
        ]
        relief = []
        for n, (area, base, minutes, weekdays, (h, m)) in enumerate(relief_specs, start=1):
            days = dict.fromkeys(weekdays, (dt.time(h, m), dt.time(19)))
            relief.append(
                self._add_worker(f"r{n:02d}", Worker.Kind.RELIEF, area, base, minutes, days)
            )
        return relief

    def _residential_staff(self) -> list[Worker]:
        residential_specs = [
            ("north", "worksop-priory", FULL_TIME_MINUTES, range(5)),
            ("north", "ollerton", FULL_TIME_MINUTES, range(5)),
            ("central", "sandy-bank", FULL_TIME_MINUTES, range(5)),
            ("south", "hawtonville", FULL_TIME_MINUTES, range(5)),
            ("south", "gedling-view", PART_TIME_MINUTES, [1, 3, 4]),
        ]
        residential = []
        for n, (area, base, minutes, weekdays) in enumerate(residential_specs, start=1):
            days = dict.fromkeys(weekdays, LATE_SHIFT)
            residential.append(
                self._add_worker(f"res{n:02d}", Worker.Kind.RESIDENTIAL, area, base, minutes, days)
            )
        return residential

    def _save_people(self, groups, leaders, drivers):
        User = get_user_model()
        User.objects.bulk_create([user for user, _ in self.users])
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=user.pk, group_id=groups[group].pk)
                for user, group in self.users
            ]
        )
        for worker in self.workers:
            worker.user = worker._user
        Worker.objects.bulk_create(self.workers)
        Worker.skills.through.objects.bulk_create(
            [Worker.skills.through(worker_id=w.pk, skill_id=self.skill_driver.pk) for w in drivers]
        )
        WorkingPattern.objects.bulk_create(
            [
                WorkingPattern(worker=w, weekday=d, starts=s, ends=e)
                for w, d, s, e in self.working_patterns
            ]
        )
        for code, area in self.areas.items():
            area.team_leader = leaders[code]
        Area.objects.bulk_update(self.areas.values(), ["team_leader"])

    def _summarise_people(self, deputy, leaders):
        kinds = [w.kind for w in self.workers]
        self.summary.workers = {kind: kinds.count(kind) for kind in Worker.Kind.values}
        self.summary.permanent_fte = (
            sum(w.contract_minutes for w in self.workers if w.kind == Worker.Kind.PERMANENT)
            / FULL_TIME_MINUTES
        )
        first_worker = self.permanent_by_area["central"][0]
        self.summary.logins = [
            ("Deputy team leader", deputy.username),
            *[(f"Team leader ({code})", leaders[code].username) for code, _ in AREAS],
            ("Contact worker", first_worker.user.username),
            ("Administrator", "admin"),
        ]

    def _absences(self, workers, relief, deputy):
        monday = self.monday
        permanent = [w for w in workers if w.kind == Worker.Kind.PERMANENT]
        picked = self.rng.sample(permanent, 6)
        residential = [w for w in workers if w.kind == Worker.Kind.RESIDENTIAL]

        def on(weeks, days):
            return monday + dt.timedelta(weeks=weeks, days=days)

        approved, requested = Absence.Status.APPROVED, Absence.Status.REQUESTED
        absences = [
            (picked[0], Absence.Kind.LEAVE, on(1, 0), on(1, 4), approved, "Half-term break"),
            (picked[1], Absence.Kind.SICKNESS, on(0, 1), on(0, 3), approved, ""),
            (picked[2], Absence.Kind.TRAINING, on(2, 2), on(2, 2), approved, "Court skills"),
            (picked[3], Absence.Kind.LEAVE, on(2, 3), on(2, 4), requested, ""),
            (picked[4], Absence.Kind.LEAVE, on(0, 4), on(0, 4), approved, ""),
            (picked[5], Absence.Kind.OTHER, on(1, 2), on(1, 2), approved, "Jury service"),
            (residential[0], Absence.Kind.LEAVE, on(1, 1), on(1, 2), approved, ""),
            (relief[1], Absence.Kind.SICKNESS, on(-1, 0), on(-1, 1), approved, ""),
        ]
        Absence.objects.bulk_create(
            [
                Absence(worker=w, kind=k, starts_on=s, ends_on=e, status=st, note=note)
                for w, k, s, e, st, note in absences
            ]
        )
        # Supervision every 4 to 12 weeks, more often for the most used.
        supervisions = []
        for worker, every in zip(relief, [4, 8, 12], strict=True):
            for n in (1, 2):
                held = self.today - dt.timedelta(weeks=every * n - 2)
                supervisions.append(
                    ReliefSupervision(
                        worker=worker, held_on=held, supervisor=deputy, notes="Use reviewed."
                    )
                )
        ReliefSupervision.objects.bulk_create(supervisions)

    # --- children, referrals and plans ------------------------------------------------------

    def build_cases(self):
        self.children, self.sibling_groups = [], []
        self.referrals, self.plans = [], []  # plans: (ContactPlan, extras)
        self.overseen_slots = 0
        self.day_load = [0] * 5
        steady, fortnightly = 0, [0, 0]
        # Active referrals until an ordinary week has the service's ~260 sessions (less the
        # few the plans starting and ending below add); each fortnightly plan joins the
        # lighter of the two alternating weeks.
        while steady + min(fortnightly) < SESSIONS_A_WEEK - 5:
            plan = self._case(status=Referral.Status.ACTIVE, parity=None, fortnightly=fortnightly)
            slots = len(plan._slots)
            if plan.every_weeks == 1:
                steady += slots
            else:
                fortnightly[plan._parity] += slots
        # Change at the edges of the coming weeks: plans ending and starting.
        for _ in range(3):
            self._case(status=Referral.Status.ACTIVE, ends_on=self.monday + dt.timedelta(days=11))
            self._case(status=Referral.Status.ACTIVE, starts_on=self.monday + dt.timedelta(days=7))
        for _ in range(6):
            self._case(status=Referral.Status.RECEIVED)
        for _ in range(5):
            self._case(status=Referral.Status.ACCEPTED)
        for _ in range(8):
            self._case(status=Referral.Status.ENDED)
        for _ in range(4):
            self._case(status=Referral.Status.ACTIVE, out_of_county=True)
        self._save_cases()

    def _age_born(self, age: int) -> dt.date:
        return self.today - dt.timedelta(days=age * 365 + self.rng.randint(30, 330))

    def _case(
        self,
        *,
        status,
        parity=None,
        fortnightly=None,
        starts_on=None,
        ends_on=None,
        out_of_county=False,
    ):
        """One case: the child or siblings, their referral and its contact plan with slots."""
        # Each step draws from the seeded generator in turn: reordering them changes the county.
        rng = self.rng
        area = _weighted(rng, [("north", 32), ("central", 34), ("south", 34)])
        priority = _weighted(
            rng,
            [
                (Referral.Priority.COURT, 45),
                (Referral.Priority.RISK, 20),
                (Referral.Priority.STANDARD, 35),
            ],
        )
        kids, ages = self._children(area, out_of_county)
        referral = self._referral(status, priority, area, kids)
        slot_count, every_weeks = self._frequency(priority)
        under_five = max(ages) < 5
        attendees, participants = self._attendees(len(kids))
        mode = self._mode(area, participants, under_five)
        duration = self._duration(mode, under_five)
        venues, features = self._venues_and_features(mode, area, under_five)
        if mode == ContactPlan.Mode.SUPERVISED:
            participants = min(participants, 6 if not features else 8)
        transport, before, after, skills = self._transport(mode)
        workers_needed = 2 if mode == ContactPlan.Mode.SUPERVISED and rng.random() < 0.08 else 1
        starts_on, ends_on, parity = self._plan_dates(
            status, every_weeks, parity, fortnightly, starts_on, ends_on
        )
        notes = rng.choice(SHARED_NOTES)
        plan = ContactPlan(
            referral=referral,
            attendees=attendees,
            participants=max(participants, len(kids) + 1),
            every_weeks=every_weeks,
            duration_minutes=duration,
            mode=mode,
            workers_needed=workers_needed,
            transport=transport,
            transport_before_minutes=before,
            transport_after_minutes=after,
            starts_on=starts_on,
            ends_on=ends_on,
            shared_notes=notes,
        )
        plan._parity, plan._venues, plan._features, plan._skills = parity, venues, features, skills
        # A worker who drives the child home must be back within their shift.
        plan._slots = self._slots(slot_count, duration + after, under_five)
        if mode == ContactPlan.Mode.OVERSEEN:
            self.overseen_slots += len(plan._slots)
        plan._continuity, plan._excluded = self._known_workers(area, transport)
        self.plans.append(plan)
        return plan

    def _children(self, area: str, out_of_county: bool) -> tuple[list[Child], list[int]]:
        """The children of one case, most alone, some with brothers and sisters; and their ages."""
        rng = self.rng
        size = _weighted(rng, [(1, 72), (2, 20), (3, 8)])
        eldest = _weighted(
            rng, [(rng.randint(0, 4), 25), (rng.randint(5, 11), 45), (rng.randint(12, 17), 30)]
        )
        ages = [max(0, eldest - k * rng.randint(1, 3)) for k in range(size)]
        group = None
        if size > 1:
            group = SiblingGroup(reference=f"SG-{len(self.sibling_groups) + 1:04d}")
            self.sibling_groups.append(group)
        placement = _weighted(rng, PLACEMENTS)
        kids = []
        for age in ages:
            number = len(self.children) + 1
            child = Child(
                first_name=rng.choice(CHILD_NAMES),
                reference=f"C-{number:04d}",
                date_of_birth=self._age_born(age),
                area=self.areas[area],
                placement=placement,
                mosaic_id=f"MOS{310000 + number * 7}",
                out_of_county=out_of_county,
            )
            child._group = group
            kids.append(child)
            self.children.append(child)
        if out_of_county:
            kids[0].placement = "Foster carer (out of county)"
        return kids, ages

    def _referral(self, status, priority, area: str, kids: list[Child]) -> Referral:
        rng, n = self.rng, len(self.referrals) + 1
        received = self.monday - dt.timedelta(days=rng.randint(20, 400))
        if status in (Referral.Status.RECEIVED, Referral.Status.ACCEPTED):
            received = self.monday - dt.timedelta(days=rng.randint(1, 20))
        team = {
            Referral.Priority.COURT: "Court and Assessment Team",
            Referral.Priority.RISK: "Child Protection Team",
            Referral.Priority.STANDARD: "Children in Care Team",
        }[priority]
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        referral = Referral(
            reference=f"REF-{n:04d}",
            mosaic_id=f"MR{520000 + n * 11}",
            referrer_name=f"{first} {last}",
            referrer_team=f"{team} ({dict(AREAS)[area]})",
            received_on=received,
            status=status,
            priority=priority,
        )
        referral._kids = kids
        self.referrals.append(referral)
        return referral

    def _frequency(self, priority) -> tuple[int, int]:
        """Slots a week and every how many weeks: court cases most, looked-after children least."""
        rng, every_weeks = self.rng, 1
        if priority == Referral.Priority.COURT:
            slot_count = _weighted(rng, [(1, 10), (2, 70), (3, 20)])
        elif priority == Referral.Priority.RISK:
            slot_count = _weighted(rng, [(1, 60), (2, 40)])
            every_weeks = 2 if rng.random() < 0.15 else 1
        else:
            slot_count = 1
            every_weeks = 2 if rng.random() < 0.5 else 1
        if every_weeks == 2 and slot_count > 1:
            slot_count = 1
        return slot_count, every_weeks

    def _attendees(self, children: int) -> tuple[str, int]:
        """Who comes to the sessions, and how many people that makes in the room."""
        adults, adult_count, _ = _weighted(self.rng, [((a, c, w), w) for a, c, w in ADULTS])
        attendees = adults + (f", {children} siblings together" if children > 1 else "")
        return attendees, min(children + adult_count, 8)

    def _mode(self, area: str, participants: int, under_five: bool):
        roll = self.rng.random()
        if area == "south" and roll < 0.12 and self.overseen_slots < 8 and participants <= 4:
            return ContactPlan.Mode.OVERSEEN
        if roll > 0.93 and not under_five:
            return ContactPlan.Mode.VIRTUAL
        return ContactPlan.Mode.SUPERVISED

    def _duration(self, mode, under_five: bool) -> int:
        if mode == ContactPlan.Mode.VIRTUAL:
            return self.rng.choice([30, 45, 60])
        if under_five:
            return self.rng.choice([60, 90, 90, 120])
        return self.rng.choice([60, 75, 90, 90, 105, 120])

    def _venues_and_features(self, mode, area: str, under_five: bool):
        """The venues a plan accepts and the room feature it needs (none for a call)."""
        if mode == ContactPlan.Mode.OVERSEEN:
            return ["gedling-view"], ["two_way_mirror"]
        if mode != ContactPlan.Mode.SUPERVISED:
            return [], []
        rng = self.rng
        home = _weighted(rng, HOME_VENUES[area])
        venues = [home]
        others = [v for v, _ in HOME_VENUES[area] if v != home]
        # The satellites have one or two rooms: families there also accept another venue
        # of the area, as the deputy would otherwise have nowhere to put them.
        if others and (home in SATELLITE_VENUES or rng.random() < 0.3):
            venues.append(rng.choice(others))
        features = []
        feature_roll = rng.random()
        if feature_roll < 0.08:
            features = ["kitchen"]
        elif feature_roll < 0.14 and not under_five or feature_roll < 0.2 and under_five:
            features = ["outdoor"]
        if features:
            venues = [v for v in venues if v in self.venues_with[features[0]]] or [
                v for v, _ in HOME_VENUES[area] if v in self.venues_with[features[0]]
            ]
        return venues, features

    def _transport(self, mode):
        """How the child gets there; minutes a driving worker spends before and after; skills."""
        transport, before, after, skills = ContactPlan.Transport.CARER, 0, 0, []
        if mode != ContactPlan.Mode.VIRTUAL:
            roll = self.rng.random()
            if roll < 0.06:
                transport, skills = ContactPlan.Transport.WORKER, [self.skill_driver]
                before = after = self.rng.choice([20, 25, 30, 35, 40])
            elif roll < 0.14:
                transport = ContactPlan.Transport.TAXI
        return transport, before, after, skills

    def _plan_dates(self, status, every_weeks, parity, fortnightly, starts_on, ends_on):
        """From and until when the plan runs, and which alternate week a fortnightly one meets."""
        rng, monday = self.rng, self.monday
        # From when: far enough back that the coming weeks are steady; a fortnightly plan
        # starts an even number of weeks back to meet this week, odd to meet next week.
        if starts_on is None:
            if status in (Referral.Status.RECEIVED, Referral.Status.ACCEPTED):
                starts_on = monday + dt.timedelta(weeks=rng.randint(1, 4))
            else:
                weeks_back = rng.randint(16, 60)
                if every_weeks == 2:
                    if fortnightly is not None:
                        parity = 0 if fortnightly[0] <= fortnightly[1] else 1
                    elif parity is None:
                        parity = rng.randint(0, 1)
                    if weeks_back % 2 != parity:
                        weeks_back += 1
                starts_on = monday - dt.timedelta(weeks=weeks_back, days=-rng.randint(0, 4))
        if status == Referral.Status.ENDED:
            ends_on = monday - dt.timedelta(days=rng.randint(3, 60))
            starts_on = min(starts_on, ends_on - dt.timedelta(weeks=8))
        return starts_on, ends_on, parity

    def _known_workers(self, area: str, transport) -> tuple[list[Worker], list[Worker]]:
        """The plan's continuity workers, and now and then one it must not be given."""
        # Continuity: one or two of the area's workers who have seen the family before.
        rng, pool = self.rng, self.permanent_by_area[area]
        if transport == ContactPlan.Transport.WORKER:
            pool = [w for w in pool if w in self.drivers] or pool
        continuity = [] if rng.random() < 0.15 else rng.sample(pool, rng.choice([1, 1, 2]))
        others = [w for w in self.permanent_by_area[area] if w not in continuity]
        excluded = [rng.choice(others)] if rng.random() < 0.04 else []
        return continuity, excluded

    def _slots(self, count: int, duration: int, under_five: bool) -> list[ContactPlanSlot]:
        rng = self.rng
        slots = []
        # Lean towards the quieter days so that no weekday is swamped.
        days = sorted(range(5), key=lambda d: self.day_load[d] + rng.random() * 8)[:count]
        for weekday in sorted(days):
            self.day_load[weekday] += 1
            if under_five:
                earliest = rng.choice(range(9 * 60 + 30, 13 * 60 + 1, 15))
                latest = min(earliest + rng.choice([0, 30, 60, 90, 120]), 14 * 60 + 30)
            else:
                # After school: most families ask for 15:30-16:30, many can come later.
                earliest = rng.choice(
                    [*range(15 * 60 + 30, 16 * 60 + 31, 15)] * 2
                    + [*range(16 * 60 + 45, 17 * 60 + 31, 15)]
                )
                latest = earliest + rng.choice([0, 30, 45, 60, 60, 90])
                latest = min(latest, 18 * 60, 19 * 60 - duration)
                earliest = min(earliest, latest)
            if rng.random() < 0.1:
                latest = earliest  # a time agreed with carers and family
            preferred = None
            if latest > earliest and rng.random() < 0.4:
                preferred = rng.choice(range(earliest, latest + 1, 15))
            slots.append(
                ContactPlanSlot(
                    weekday=weekday,
                    earliest_start=time_of_day(earliest),
                    latest_start=time_of_day(latest),
                    preferred_start=time_of_day(preferred) if preferred is not None else None,
                )
            )
        return slots

    def _save_cases(self):
        SiblingGroup.objects.bulk_create(self.sibling_groups)
        for child in self.children:
            child.sibling_group = child._group
        Child.objects.bulk_create(self.children)
        Referral.objects.bulk_create(self.referrals)
        Referral.children.through.objects.bulk_create(
            [
                Referral.children.through(referral_id=r.pk, child_id=c.pk)
                for r in self.referrals
                for c in r._kids
            ]
        )
        for plan in self.plans:
            plan.referral = plan.referral  # the referral has its pk now
        ContactPlan.objects.bulk_create(self.plans)
        slots = []
        for plan in self.plans:
            for slot in plan._slots:
                slot.plan = plan
                slots.append(slot)
        ContactPlanSlot.objects.bulk_create(slots)

        def links(relation, column, values):
            through = relation.through
            return through.objects.bulk_create(
                [
                    through(contactplan_id=plan.pk, **{column: value.pk})
                    for plan in self.plans
                    for value in values(plan)
                ]
            )

        links(ContactPlan.venues, "venue_id", lambda p: [self.venues[v] for v in p._venues])
        links(
            ContactPlan.room_features,
            "roomfeature_id",
            lambda p: [self.features[f] for f in p._features],
        )
        links(ContactPlan.worker_skills, "skill_id", lambda p: p._skills)
        links(ContactPlan.continuity_workers, "worker_id", lambda p: p._continuity)
        links(ContactPlan.excluded_workers, "worker_id", lambda p: p._excluded)
        self.summary.children = len(self.children)
        self.summary.referrals = len(self.referrals)

    def build_weeks(self, weeks: int = 3):
        for n in range(weeks):
            week_start = self.monday + dt.timedelta(weeks=n)
            self.summary.sessions_by_week[week_start] = week_plan_sessions(
                week_start=week_start
            ).total


@transaction.atomic
def demo_county_build(*, seed: int = 1, today: dt.date | None = None) -> DemoSummary:
    """Fill an empty database with the demo county and plan the next three weeks' sessions."""
    builder = _Builder(seed=seed, today=today or timezone.localdate())
    builder.build_places()
    builder.build_closures()
    builder.build_people()
    builder.build_cases()
    builder.build_weeks()
    return builder.summary
