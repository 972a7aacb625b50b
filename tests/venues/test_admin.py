"""The admin where an administrator keeps venues, rooms, staff and accounts current."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staffing.roles import ADMINISTRATOR, ROLE_PERMISSIONS
from tests.factories import (
    AreaFactory,
    ChildFactory,
    ContactPlanFactory,
    ContactSessionFactory,
    ReferralFactory,
    RoomClosureFactory,
    RoomFactory,
    SolverRunFactory,
    TravelTimeFactory,
    UserFactory,
    VenueFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"venues", "staffing", "referrals", "scheduling"}


@pytest.fixture
def admin_client_for_role(client):
    """A client logged in as an Administrator-group member with is_staff (not a superuser)."""
    user = UserFactory(username="admin-role", is_staff=True, groups=[ADMINISTRATOR])
    client.force_login(user)
    return client


def _model_admin_urls():
    from django.apps import apps

    for model in (m for m in apps.get_models() if admin.site.is_registered(m)):
        opts = model._meta
        if f"{opts.app_label}.view_{opts.model_name}" not in ROLE_PERMISSIONS[ADMINISTRATOR]:
            continue
        yield pytest.param(
            f"admin:{opts.app_label}_{opts.model_name}_changelist", id=opts.label_lower
        )


@pytest.mark.parametrize("url_name", list(_model_admin_urls()))
def test_every_admin_list_page_renders_for_an_administrator(admin_client_for_role, url_name):
    response = admin_client_for_role.get(reverse(url_name))

    assert response.status_code == 200


def test_every_model_is_registered_in_the_admin():
    from django.apps import apps

    ours = [
        m for m in apps.get_models() if m._meta.app_label in OUR_APPS and not m._meta.auto_created
    ]
    # SessionWorker and the record addenda are edited inline on their parents.
    inline_only = {"scheduling.sessionworker", "scheduling.sessionrecordaddendum"}
    missing = [
        m._meta.label_lower
        for m in ours
        if not admin.site.is_registered(m) and m._meta.label_lower not in inline_only
    ]
    assert missing == []


def test_an_administrator_can_add_a_venue_with_its_rooms(admin_client_for_role):
    area = AreaFactory(code="central", name="Central")
    data = {
        "name": "Gedling View",
        "slug": "gedling-view",
        "area": area.pk,
        "address": "1 High Street",
        "opens": "08:30",
        "closes": "19:00",
        "is_active": "on",
        "notes": "",
        "rooms-TOTAL_FORMS": "1",
        "rooms-INITIAL_FORMS": "0",
        "rooms-0-name": "Blue room",
        "rooms-0-slug": "gedling-blue",
        "rooms-0-capacity": "6",
        "rooms-0-is_active": "on",
    }

    response = admin_client_for_role.post(reverse("admin:venues_venue_add"), data)

    assert response.status_code == 302, response.context["adminform"].errors
    venue = area.venues.get()
    assert [room.name for room in venue.rooms.all()] == ["Blue room"]


def test_a_venue_that_closes_before_it_opens_is_refused(admin_client_for_role):
    area = AreaFactory()
    data = {
        "name": "Backwards",
        "slug": "backwards",
        "area": area.pk,
        "opens": "19:00",
        "closes": "08:30",
        "rooms-TOTAL_FORMS": "0",
        "rooms-INITIAL_FORMS": "0",
    }

    response = admin_client_for_role.post(reverse("admin:venues_venue_add"), data)

    assert response.status_code == 200
    assert "A venue must open before it closes." in response.content.decode()
    assert not area.venues.exists()


def test_an_administrator_can_search_venues_rooms_and_workers(admin_client_for_role):
    gedling = VenueFactory(name="Gedling View", slug="gedling-view")
    VenueFactory(name="Mansfield House", slug="mansfield-house")
    RoomFactory(venue=gedling, name="Sunflower room", slug="gedling-sunflower")
    RoomFactory(name="Oak room", slug="mansfield-oak")
    WorkerFactory(name="Priya Shah", code="pshah")
    WorkerFactory(name="Tom Brown", code="tbrown")

    venues = admin_client_for_role.get(reverse("admin:venues_venue_changelist"), {"q": "gedling"})
    rooms = admin_client_for_role.get(reverse("admin:venues_room_changelist"), {"q": "sunflower"})
    workers = admin_client_for_role.get(reverse("admin:staffing_worker_changelist"), {"q": "pshah"})

    assert [v.name for v in venues.context["cl"].result_list] == ["Gedling View"]
    assert [r.name for r in rooms.context["cl"].result_list] == ["Sunflower room"]
    assert [w.name for w in workers.context["cl"].result_list] == ["Priya Shah"]


def test_autocomplete_finds_venues_for_the_room_form(admin_client_for_role):
    VenueFactory(name="Gedling View", slug="gedling-view")
    VenueFactory(name="Mansfield House", slug="mansfield-house")

    response = admin_client_for_role.get(
        reverse("admin:autocomplete"),
        {"term": "ged", "app_label": "venues", "model_name": "room", "field_name": "venue"},
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Gedling View"]


def test_the_rota_fields_of_a_session_are_read_only_in_the_admin(admin_client_for_role):
    session = ContactSessionFactory()

    response = admin_client_for_role.get(
        reverse("admin:scheduling_contactsession_change", args=[session.pk])
    )

    form = response.context["adminform"].form
    assert "starts_at" in form.fields
    assert "room" in form.fields
    for rota_field in ["plan", "day", "earliest_start", "latest_start", "duration_minutes"]:
        assert rota_field not in form.fields


def test_sessions_cannot_be_typed_into_the_admin(admin_client_for_role):
    response = admin_client_for_role.get(reverse("admin:scheduling_contactsession_add"))

    assert response.status_code == 403


def test_a_solver_run_is_read_only_in_the_admin(admin_client_for_role):
    run = SolverRunFactory()
    url = reverse("admin:scheduling_solverrun_change", args=[run.pk])

    page = admin_client_for_role.get(url)
    post = admin_client_for_role.post(url, {"status": "failed"})

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert post.status_code == 403
    run.refresh_from_db()
    assert run.status == "queued"
    assert admin_client_for_role.get(reverse("admin:scheduling_solverrun_add")).status_code == 403


def _changelist_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _make_rooms(n):
    for _ in range(n):
        room = RoomFactory(features=["kitchen", "two_way_mirror"])
        RoomClosureFactory(room=room)


def _make_workers(n):
    for _ in range(n):
        WorkerFactory(skills=["driver"])


def _make_children(n):
    for _ in range(n):
        ChildFactory(sibling_group=None)


def _make_referrals(n):
    for _ in range(n):
        ContactPlanFactory(referral=ReferralFactory(children=[ChildFactory(), ChildFactory()]))


def _make_travel(n):
    for _ in range(n):
        TravelTimeFactory()


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("admin:venues_room_changelist", _make_rooms),
        ("admin:venues_venue_changelist", _make_rooms),
        ("admin:venues_roomclosure_changelist", _make_rooms),
        ("admin:venues_traveltime_changelist", _make_travel),
        ("admin:staffing_worker_changelist", _make_workers),
        ("admin:referrals_child_changelist", _make_children),
        ("admin:referrals_referral_changelist", _make_referrals),
        ("admin:referrals_contactplan_changelist", _make_referrals),
        ("admin:referrals_contactplanslot_changelist", _make_referrals),
    ],
)
def test_admin_list_pages_query_the_database_a_fixed_number_of_times(
    admin_client_for_role, url_name, make
):
    url = reverse(url_name)
    make(5)
    with_five = _changelist_queries(admin_client_for_role, url)
    make(15)
    with_twenty = _changelist_queries(admin_client_for_role, url)

    assert with_twenty == with_five


def test_the_session_list_queries_a_fixed_number_of_times(admin_client_for_role):
    from tests.factories import SessionWorkerFactory

    url = reverse("admin:scheduling_contactsession_changelist")

    def make(n):
        for _ in range(n):
            SessionWorkerFactory(session__room=RoomFactory())

    make(2)
    with_two = _changelist_queries(admin_client_for_role, url)
    make(8)
    with_ten = _changelist_queries(admin_client_for_role, url)

    assert with_ten == with_two
