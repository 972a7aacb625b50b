"""Roles, logging in and out, and what each role finds on the home page."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from staffing import roles
from tests.factories import TEST_PASSWORD, AreaFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

# A Wednesday: this week's Monday is 7 December, the week to plan starts 21 December.
A_WEDNESDAY = timezone.make_aware(dt.datetime(2026, 12, 9, 10, 0))


def _perms(group: Group) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    }


# --- roles --------------------------------------------------------------------------------


def test_the_four_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Deputy team leader",
        "Team leader",
        "Contact worker",
        "Administrator",
    }


@pytest.mark.parametrize("role", list(roles.ROLE_PERMISSIONS))
def test_each_group_has_exactly_its_intended_permissions(role):
    # A typo in roles.py would drop a permission silently, so compare both ways.
    assert _perms(Group.objects.get(name=role)) == set(roles.ROLE_PERMISSIONS[role])


def test_every_permission_named_in_the_roles_exists():
    existing = {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    named = {code for codes in roles.ROLE_PERMISSIONS.values() for code in codes}

    assert named - existing == set()


def test_the_roles_differ_where_it_matters():
    deputy = _perms(Group.objects.get(name=roles.DEPUTY))
    leader = _perms(Group.objects.get(name=roles.TEAM_LEADER))
    worker = _perms(Group.objects.get(name=roles.CONTACT_WORKER))
    administrator = _perms(Group.objects.get(name=roles.ADMINISTRATOR))

    assert "scheduling.plan_rota" in deputy
    assert "scheduling.plan_rota" not in leader
    assert "scheduling.change_contactsession" in leader
    assert "venues.change_room" not in deputy
    assert "venues.change_room" in administrator
    assert "auth.change_user" in administrator
    assert worker == {"staffing.view_own_sessions"}


def test_syncing_the_groups_twice_changes_nothing():
    before = {g.name: _perms(g) for g in Group.objects.all()}

    roles.sync_groups()

    assert {g.name: _perms(g) for g in Group.objects.all()} == before


# --- logging in -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/admin/", "/rota/2026-12-07/", "/me/sessions/"])
def test_every_page_needs_a_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert "login" in response.url
    assert f"next={path}" in response.url.replace("%2F", "/")


def test_the_home_page_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")

    assert response.url == f"{reverse('login')}?next=/"


def test_the_login_page_shows_a_form(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_a_user_logs_in_and_lands_on_the_home_page(client):
    UserFactory(username="priya")

    response = client.post(reverse("login"), {"username": "priya", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused(client):
    UserFactory(username="priya")

    response = client.post(reverse("login"), {"username": "priya", "password": "guess"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logging_out_is_a_post(client):
    client.force_login(UserFactory())

    refused = client.get(reverse("logout"))
    response = client.post(reverse("logout"))

    assert refused.status_code == 405
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get("/").status_code == 302


def test_a_contact_worker_cannot_reach_the_admin(client):
    client.force_login(UserFactory(groups=[roles.CONTACT_WORKER]))

    response = client.get("/admin/")
    venues = client.get(reverse("admin:venues_venue_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert venues.status_code == 302


def test_staff_status_without_the_administrator_role_shows_no_venues(client):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("admin:venues_venue_changelist"))

    assert response.status_code == 403


def test_an_administrator_lists_venues_rooms_and_workers_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, groups=[roles.ADMINISTRATOR]))
    VenueFactory(name="Gedling View")

    index = client.get("/admin/")
    venues = client.get(reverse("admin:venues_venue_changelist"), {"q": "Gedling"})

    assert index.status_code == 200
    assert "Gedling View" in venues.content.decode()
    for name in ["venues_room", "staffing_worker", "auth_user"]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


# --- the home page, by role -------------------------------------------------------------------


def _home(client, user, when=A_WEDNESDAY):
    # Log in inside the frozen time too, so the session has not expired by then.
    with time_machine.travel(when, tick=False):
        client.force_login(user)
        response = client.get("/")
    assert response.status_code == 200
    # Only the page's own content: the navigation bar has links of its own.
    page = response.content.decode()
    return page[page.index('<main id="main"') :]


def test_a_deputy_sees_this_weeks_rota_and_the_week_to_plan(client):
    page = _home(client, UserFactory(groups=[roles.DEPUTY]))

    assert 'href="/rota/2026-12-07/"' in page
    assert 'href="/rota/2026-12-21/"' in page
    assert "/approvals/" not in page
    assert "/me/sessions/" not in page


def test_on_a_monday_the_rota_links_start_that_day(client):
    a_monday = timezone.make_aware(dt.datetime(2026, 12, 14, 8))
    page = _home(client, UserFactory(groups=[roles.DEPUTY]), when=a_monday)

    assert 'href="/rota/2026-12-14/"' in page
    assert 'href="/rota/2026-12-28/"' in page


def test_a_team_leader_sees_their_area_and_approvals(client):
    leader = UserFactory(groups=[roles.TEAM_LEADER])
    AreaFactory(code="south", name="South", team_leader=leader)
    AreaFactory(code="north", name="North")

    page = _home(client, leader)

    assert "South" in page
    assert "North" not in page
    assert 'href="/approvals/"' in page
    assert "/rota/" not in page


def test_a_contact_worker_sees_their_sessions(client):
    page = _home(client, UserFactory(groups=[roles.CONTACT_WORKER]))

    assert 'href="/me/sessions/"' in page
    assert "My sessions" in page
    assert "/rota/" not in page
    assert "/admin/" not in page


def test_an_administrator_sees_the_admin(client):
    page = _home(client, UserFactory(is_staff=True, groups=[roles.ADMINISTRATOR]))

    assert f'href="{reverse("admin:index")}"' in page
    assert "/approvals/" not in page


def test_a_user_with_no_role_is_told_to_ask_an_administrator(client):
    page = _home(client, UserFactory())

    assert "No role yet: ask an administrator." in page


@pytest.mark.parametrize(
    ("path", "view_name"),
    [
        ("/rota/2026-12-07/", "scheduling:rota_week"),
        ("/approvals/", "desk:approvals"),
        ("/me/sessions/", "mywork:my_sessions"),
    ],
)
def test_the_home_page_links_lead_to_real_pages(path, view_name):
    from django.urls import resolve

    assert resolve(path).view_name == view_name
