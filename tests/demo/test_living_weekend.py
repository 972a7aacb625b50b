"""loaddemo on a Saturday: no sessions today, so the coming week is the one in motion."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from scheduling.models import ContactSession, RotaWeek

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TUESDAY = dt.datetime(2026, 12, 1, 10, tzinfo=LONDON)
SATURDAY = dt.datetime(2026, 12, 5, 10, tzinfo=LONDON)
S = ContactSession.Status


def _loaded(django_db_blocker, now, *args):
    with (
        django_db_blocker.unblock(),
        time_machine.travel(now, tick=False),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("loaddemo", *args, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def tuesday(django_db_setup, django_db_blocker):
    """The demo loaded on Tuesday 1 December 2026 at 10:00, once for the module."""
    yield from _loaded(django_db_blocker, TUESDAY)


@pytest.fixture
def frozen_tuesday(tuesday):
    with time_machine.travel(TUESDAY, tick=False):
        yield tuesday


@pytest.fixture(scope="module")
def saturday(django_db_setup, django_db_blocker):
    yield from _loaded(django_db_blocker, SATURDAY)


def test_at_a_weekend_the_demo_shows_the_coming_week_booked_and_fridays_records_waiting(
    saturday,
):
    with time_machine.travel(SATURDAY, tick=False):
        coming = RotaWeek.objects.get(week_start=dt.date(2026, 12, 7))
        assert coming.state == RotaWeek.State.PUBLISHED
        mine = ContactSession.objects.filter(staffing__worker__user__username="jade.davies")
        assert mine.filter(rota_week=coming, status=S.BOOKED).exists()
        friday = ContactSession.objects.filter(day=dt.date(2026, 12, 4), status=S.COMPLETED)
        assert friday.count() > 20 and not friday.filter(record__isnull=False).exists()
        assert not ContactSession.objects.filter(
            day__lte=dt.date(2026, 12, 4),
            status__in=ContactSession.NOT_YET_HELD,
            starts_at__isnull=False,
        ).exists()
        assert RotaWeek.objects.get(week_start=dt.date(2026, 12, 14)).state == "published"
