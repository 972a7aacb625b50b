import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from django.test import override_settings

from demo.county import DEMO_PASSWORD, demo_county_build
from lib.weeks import working_monday
from referrals.models import Child, ContactPlan, ContactPlanSlot, Referral, SiblingGroup
from scheduling.models import ContactSession, RotaWeek
from scheduling.services.planning import week_plan_sessions
from staffing import roles
from staffing.models import Skill, Worker
from venues.models import Area, Room, RoomFeature, TravelTime, Venue

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)  # a Wednesday
MONDAY = dt.date(2026, 11, 30)
WEEKS = [MONDAY + dt.timedelta(weeks=n) for n in range(3)]
NOW = dt.datetime(2026, 12, 2, 9, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The demo hashes its password once, but each check costs a PBKDF2 round in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def week_sessions(week_start):
    return ContactSession.objects.filter(rota_week__week_start=week_start)


@pytest.fixture(scope="class")
def county(django_db_setup, django_db_blocker):
    """The seed-1 county, built once for the class and rolled back after it.

    Each test runs inside its own savepoint within this transaction, so the tests only read.
    """
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield demo_county_build(seed=1)
        transaction.set_rollback(True)


class TestTheDemoCounty:
    def test_the_county_has_seven_venues_and_about_35_rooms_in_three_areas(self, county):
        assert Venue.objects.count() == county.venues == 7
        assert 33 <= Room.objects.count() == county.rooms <= 37
        assert set(Area.objects.values_list("code", flat=True)) == {"north", "central", "south"}
        by_area = {
            code: set(Venue.objects.filter(area__code=code).values_list("slug", flat=True))
            for code in ("north", "central", "south")
        }
        assert by_area == {
            "north": {"ollerton", "worksop-priory", "retford"},
            "central": {"sandy-bank"},
            "south": {"beeston", "gedling-view", "hawtonville"},
        }
        rooms = dict(Venue.objects.annotate(n=Count("rooms")).values_list("slug", "n"))
        assert rooms["worksop-priory"] == 8 and rooms["sandy-bank"] == 12
        assert set(RoomFeature.objects.values_list("code", flat=True)) >= {
            "kitchen",
            "outdoor",
            "two_way_mirror",
        }
        mirror_venues = set(
            Venue.objects.filter(rooms__features__code="two_way_mirror").values_list(
                "slug", flat=True
            )
        )
        assert mirror_venues == {"gedling-view"}

    def test_every_pair_of_venues_has_a_travel_time(self, county):
        pairs = {
            frozenset(p)
            for p in TravelTime.objects.values_list("from_venue__slug", "to_venue__slug")
        }
        assert len(pairs) == TravelTime.objects.count() == 7 * 6 // 2
        minutes = {
            frozenset((t.from_venue.slug, t.to_venue.slug)): t.minutes
            for t in TravelTime.objects.select_related("from_venue", "to_venue")
        }
        assert minutes[frozenset({"ollerton", "worksop-priory"})] == 28
        assert minutes[frozenset({"beeston", "gedling-view"})] == 23

    def test_the_staff_match_the_services_figures(self, county):
        User = get_user_model()
        leaders = User.objects.filter(groups__name=roles.TEAM_LEADER)
        assert leaders.count() == 3
        assert set(Area.objects.values_list("team_leader", flat=True)) == set(
            leaders.values_list("pk", flat=True)
        )
        assert User.objects.filter(groups__name=roles.DEPUTY).count() == 1
        admin = User.objects.get(groups__name=roles.ADMINISTRATOR)
        assert admin.is_staff and not admin.is_superuser
        assert admin.has_perm("venues.change_room")

        permanent = Worker.objects.filter(kind=Worker.Kind.PERMANENT)
        fte = permanent.aggregate(m=Sum("contract_minutes"))["m"] / 2220
        assert fte == county.permanent_fte == 23.5
        assert Worker.objects.filter(kind=Worker.Kind.RELIEF).count() == 3
        residential = Worker.objects.filter(kind=Worker.Kind.RESIDENTIAL)
        assert sorted(residential.values_list("contract_minutes", flat=True)) == [1110] + [2220] * 4
        for worker in Worker.objects.select_related("base_venue", "user"):
            assert worker.user.groups.filter(name=roles.CONTACT_WORKER).exists()
            assert worker.pattern.exists()
            worker.full_clean()  # a base venue in the worker's own area
        drivers = permanent.filter(skills__code=Skill.DRIVER).count()
        assert permanent.count() * 0.4 <= drivers <= permanent.count() * 0.6

    def test_each_printed_login_works_with_the_demo_password(self, county):
        User = get_user_model()
        roles_printed = [role for role, _ in county.logins]
        assert roles_printed[0] == "Deputy team leader" and roles_printed[-1] == "Administrator"
        for _, username in county.logins:
            assert User.objects.get(username=username).check_password(DEMO_PASSWORD)

    def test_each_week_has_about_the_services_260_sessions(self, county):
        for week_start in WEEKS:
            assert 230 <= county.sessions_by_week[week_start] <= 300
            assert 230 <= week_sessions(week_start).count() <= 300
        # ... and so does any week in the months ahead.
        for n in range(3, 14):
            assert 230 <= week_plan_sessions(week_start=MONDAY + dt.timedelta(weeks=n)).total <= 300

    def test_the_sessions_have_the_variety_the_rota_must_handle(self, county):
        sessions = week_sessions(MONDAY)
        assert sessions.filter(plan__referral__priority=Referral.Priority.COURT).count() > 50
        assert sessions.filter(plan__referral__priority=Referral.Priority.RISK).exists()
        assert sessions.filter(mode=ContactPlan.Mode.VIRTUAL).exists()
        assert sessions.filter(mode=ContactPlan.Mode.OVERSEEN).exists()
        by_worker = sessions.filter(plan__transport=ContactPlan.Transport.WORKER)
        assert by_worker.exists()
        assert not by_worker.filter(transport_before_minutes=0).exists()
        assert sessions.filter(plan__transport=ContactPlan.Transport.TAXI).exists()
        assert sessions.filter(plan__workers_needed=2).exists()
        assert sessions.filter(earliest_start__lt=dt.time(15)).exists()  # under-fives by day
        peak = sessions.filter(earliest_start__gte=dt.time(15, 30)).count()
        assert peak > sessions.count() / 2
        assert sessions.filter(earliest_start=F("latest_start")).exists()  # fixed times
        assert sessions.filter(preferred_start__isnull=False).exists()
        assert ContactPlan.objects.filter(every_weeks=2, referral__status="active").exists()
        assert ContactPlan.objects.filter(continuity_workers__isnull=False).exists()
        assert ContactPlan.objects.filter(excluded_workers__isnull=False).exists()

    def test_overseen_sessions_only_go_where_there_is_a_two_way_mirror(self, county):
        overseen = ContactPlan.objects.filter(mode=ContactPlan.Mode.OVERSEEN)
        assert overseen.exists()
        for plan in overseen.prefetch_related("venues"):
            assert plan.venues.exists()
            for venue in plan.venues.all():
                assert venue.rooms.filter(features__code="two_way_mirror").exists()

    def test_virtual_plans_need_no_venue_or_transport_and_worker_transport_needs_a_driver(
        self, county
    ):
        for plan in ContactPlan.objects.filter(mode=ContactPlan.Mode.VIRTUAL):
            assert not plan.venues.exists()
            assert plan.transport == ContactPlan.Transport.CARER
        for plan in ContactPlan.objects.filter(transport=ContactPlan.Transport.WORKER):
            assert list(plan.worker_skills.values_list("code", flat=True)) == [Skill.DRIVER]
            assert 20 <= plan.transport_before_minutes <= 40

    def test_children_referrals_and_plans_are_valid_and_varied(self, county):
        assert Child.objects.count() == county.children
        assert Referral.objects.count() == county.referrals
        for model in (Child, Referral, ContactPlan, ContactPlanSlot):
            for obj in model.objects.all():
                obj.full_clean()
        assert not Referral.objects.annotate(n=Count("plans")).exclude(n=1).exists()
        statuses = set(Referral.objects.values_list("status", flat=True))
        assert statuses == {"received", "accepted", "active", "ended"}
        priorities = Referral.objects.values("priority").annotate(n=Count("pk"))
        share = {row["priority"]: row["n"] / county.referrals for row in priorities}
        assert 0.35 <= share["court"] <= 0.55 and 0.1 <= share["risk"] <= 0.3
        ages = [child.age_on(TODAY) for child in Child.objects.all()]
        assert min(ages) < 2 and max(ages) >= 15
        groups = SiblingGroup.objects.annotate(n=Count("children"))
        assert groups.exists() and not groups.filter(n__lt=2).exists()

    def test_children_placed_out_of_county_have_referrals_but_no_sessions(self, county):
        away = Child.objects.filter(out_of_county=True)
        assert away.exists()
        assert Referral.objects.filter(children__in=away, status="active").exists()
        assert not ContactSession.objects.filter(plan__referral__children__in=away).exists()


def test_the_same_seed_gives_the_same_county():
    def snapshot():
        summary = demo_county_build(seed=1)
        referrals = list(
            Referral.objects.order_by("reference").values_list(
                "reference", "priority", "status", "received_on"
            )
        )
        slots = list(
            ContactPlanSlot.objects.order_by("plan__referral__reference", "weekday").values_list(
                "plan__referral__reference", "weekday", "earliest_start", "latest_start"
            )
        )
        return summary.sessions_by_week, summary.children, referrals, slots

    first = snapshot()
    _wipe()
    second = snapshot()

    assert first == second


def test_another_seed_gives_another_county():
    demo_county_build(seed=1)
    one = set(Referral.objects.values_list("reference", "priority"))
    _wipe()
    summary = demo_county_build(seed=7)
    assert set(Referral.objects.values_list("reference", "priority")) != one
    assert all(230 <= n <= 300 for n in summary.sessions_by_week.values())


def _wipe():
    ContactSession.objects.all().delete()
    RotaWeek.objects.all().delete()
    Referral.objects.all().delete()
    Child.objects.all().delete()
    SiblingGroup.objects.all().delete()
    Worker.objects.all().delete()
    Skill.objects.all().delete()
    Area.objects.update(team_leader=None)
    get_user_model().objects.all().delete()
    Venue.objects.all().delete()
    RoomFeature.objects.all().delete()
    Area.objects.all().delete()


def test_the_demo_weeks_start_on_this_weeks_monday_or_the_next_at_a_weekend():
    assert working_monday(TODAY) == MONDAY
    assert working_monday(MONDAY) == MONDAY
    assert working_monday(dt.date(2026, 12, 5)) == dt.date(2026, 12, 7)  # a Saturday


def test_the_command_loads_the_county_and_prints_the_figures_and_logins():
    out = StringIO()

    # The bare county: the living demo's own command test is in test_living.py.
    call_command("loaddemo", "--county-only", stdout=out)

    text = out.getvalue()
    assert "7 venues, 3" in text
    assert "27 permanent, 3 relief, 5 residential (23.5 FTE permanent)" in text
    assert "week of Mon 30 Nov 2026:" in text and "week of Mon 14 Dec 2026:" in text
    assert DEMO_PASSWORD in text
    for username in ("deputy", "tl.north", "tl.central", "tl.south", "admin"):
        assert f" {username}\n" in text
    assert RotaWeek.objects.filter(week_start__in=WEEKS).count() == 3


@pytest.fixture
def loaded():
    return demo_county_build(seed=1)


def test_the_command_with_if_empty_leaves_a_loaded_database_alone(loaded):
    before = (Venue.objects.count(), Referral.objects.count(), ContactSession.objects.count())
    out = StringIO()

    call_command("loaddemo", "--if-empty", stdout=out)

    assert "already holds a county" in out.getvalue()
    after = (Venue.objects.count(), Referral.objects.count(), ContactSession.objects.count())
    assert after == before


def test_the_command_refuses_to_load_twice(loaded):
    with pytest.raises(CommandError, match="would duplicate"):
        call_command("loaddemo", stdout=StringIO())
    assert Venue.objects.count() == 7
