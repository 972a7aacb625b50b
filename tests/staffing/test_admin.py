"""Keeping staff current in the admin: a worker's base venue, pattern and absences."""

import datetime as dt

import pytest
from django.urls import reverse

from staffing.forms import WorkerForm
from staffing.models import Absence, Worker
from staffing.roles import ADMINISTRATOR
from tests.factories import AreaFactory, UserFactory, VenueFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin-role", is_staff=True, groups=[ADMINISTRATOR]))
    return client


@pytest.fixture
def north():
    return AreaFactory(code="north", name="North")


@pytest.fixture
def south():
    return AreaFactory(code="south", name="South")


def _worker_data(*, area, base_venue, **fields):
    data = {
        "code": "pshah",
        "name": "Priya Shah",
        "kind": "permanent",
        "area": area.pk,
        "base_venue": base_venue.pk if base_venue else "",
        "contract_minutes": "2220",
        "user": "",
        "is_active": "on",
        "pattern-TOTAL_FORMS": "0",
        "pattern-INITIAL_FORMS": "0",
        "absences-TOTAL_FORMS": "0",
        "absences-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def test_a_worker_based_outside_their_area_is_refused(admin_client, north, south):
    mansfield = VenueFactory(name="Mansfield House", area=north)

    response = admin_client.post(
        reverse("admin:staffing_worker_add"), _worker_data(area=south, base_venue=mansfield)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["base_venue"] == [
        "Mansfield House is not in the worker's area (South)."
    ]
    assert not Worker.objects.exists()


def test_a_contact_support_worker_without_a_base_venue_is_refused(admin_client, north):
    response = admin_client.post(
        reverse("admin:staffing_worker_add"), _worker_data(area=north, base_venue=None)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["base_venue"] == [
        "A contact support worker needs a base venue."
    ]
    assert not Worker.objects.exists()


def test_a_relief_worker_needs_no_base_venue(admin_client, north):
    response = admin_client.post(
        reverse("admin:staffing_worker_add"),
        _worker_data(area=north, base_venue=None, kind="relief"),
    )

    assert response.status_code == 302
    assert Worker.objects.get().kind == "relief"


def test_a_worker_is_saved_with_their_week_and_leave(admin_client, north):
    arnold = VenueFactory(name="Arnold Hub", area=north)
    data = _worker_data(
        area=north,
        base_venue=arnold,
        **{
            "pattern-TOTAL_FORMS": "1",
            "pattern-0-weekday": "0",
            "pattern-0-starts": "08:30",
            "pattern-0-ends": "17:00",
            "absences-TOTAL_FORMS": "1",
            "absences-0-kind": "leave",
            "absences-0-starts_on": "2026-12-21",
            "absences-0-ends_on": "2026-12-24",
            "absences-0-status": "approved",
        },
    )

    response = admin_client.post(reverse("admin:staffing_worker_add"), data)

    assert response.status_code == 302
    worker = Worker.objects.get()
    assert worker.base_venue == arnold
    assert [(p.weekday, p.starts) for p in worker.pattern.all()] == [(0, dt.time(8, 30))]
    assert worker.absences.get().ends_on == dt.date(2026, 12, 24)


def test_an_absence_that_ends_before_it_starts_is_refused(admin_client):
    worker = WorkerFactory()
    data = {
        "worker": worker.pk,
        "kind": "sickness",
        "starts_on": "2026-12-10",
        "ends_on": "2026-12-08",
        "status": "approved",
        "note": "",
    }

    response = admin_client.post(reverse("admin:staffing_absence_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_on"] == [
        "The absence ends before it starts."
    ]
    assert not Absence.objects.exists()


def test_a_contract_typed_in_hours_instead_of_minutes_is_caught(north):
    arnold = VenueFactory(area=north)
    form = WorkerForm(data=_worker_data(area=north, base_venue=arnold, contract_minutes="22200"))

    assert not form.is_valid()
    assert form.errors["contract_minutes"] == [
        "22200 minutes is more than 60 hours a week; contracts are in minutes (37 hours = 2,220)."
    ]


def test_the_calendar_feed_secret_is_not_shown_in_the_admin(admin_client):
    worker = WorkerFactory(calendar_token="s3cret-token")

    response = admin_client.get(reverse("admin:staffing_worker_change", args=[worker.pk]))

    assert response.status_code == 200
    assert "s3cret-token" not in response.content.decode()
