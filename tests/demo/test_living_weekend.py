"""loaddemo on a Saturday: no sessions today, so the coming week is the one in motion."""

import datetime as dt

import pytest
import time_machine

from scheduling.models import ContactSession, RotaWeek
from tests.demo.loading import SATURDAY, demo_loaded

pytestmark = pytest.mark.django_db

S = ContactSession.Status


@pytest.fixture(scope="module")
def saturday(django_db_setup, django_db_blocker):
    yield from demo_loaded(django_db_blocker, SATURDAY)


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
