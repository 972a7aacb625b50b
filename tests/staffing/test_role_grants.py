"""Roles are kept by code: an administrator gives only roles whose permissions they hold."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from staffing.roles import ADMINISTRATOR, DEPUTY, MANAGER, TEAM_LEADER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def administrator(client):
    user = UserFactory(username="admin-role", is_staff=True, groups=[ADMINISTRATOR])
    client.force_login(user)
    return user


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(user)
    return user


def _account(user, *groups) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in groups],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-11-01",
        "date_joined_1": "09:00",
    }


def _reads_records() -> Permission:
    return Permission.objects.get(codename="view_sessionrecord")


def test_an_administrator_cannot_add_a_group_in_the_admin(client, administrator):
    page = client.get(reverse("admin:auth_group_add"))
    response = client.post(
        reverse("admin:auth_group_add"), {"name": "Readers", "permissions": [_reads_records().pk]}
    )

    assert page.status_code == 403
    assert response.status_code == 403
    assert not Group.objects.filter(name="Readers").exists()


def test_an_administrator_sees_a_role_read_only_and_cannot_change_or_delete_it(
    client, administrator
):
    role = Group.objects.get(name=ADMINISTRATOR)
    held = set(role.permissions.all())

    page = client.get(reverse("admin:auth_group_change", args=[role.pk]))
    change = client.post(
        reverse("admin:auth_group_change", args=[role.pk]),
        {"name": ADMINISTRATOR, "permissions": [p.pk for p in held | {_reads_records()}]},
    )
    delete = client.post(reverse("admin:auth_group_delete", args=[role.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert change.status_code == 403
    assert delete.status_code == 403
    assert set(Group.objects.get(name=ADMINISTRATOR).permissions.all()) == held


def test_an_administrator_cannot_give_a_role_whose_permissions_exceed_their_own(
    client, administrator
):
    clerk = UserFactory(username="clerk", is_staff=True)
    deputy = Group.objects.get(name=DEPUTY)

    response = client.post(
        reverse("admin:auth_user_change", args=[clerk.pk]), _account(clerk, deputy)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["groups"]
    assert "only give roles whose every permission you hold" in errors[0]
    assert not clerk.groups.exists()


def test_an_administrator_cannot_give_themselves_another_role(client, administrator):
    own = Group.objects.get(name=ADMINISTRATOR)
    deputy = Group.objects.get(name=DEPUTY)

    response = client.post(
        reverse("admin:auth_user_change", args=[administrator.pk]),
        _account(administrator, own, deputy),
    )

    assert response.status_code == 200
    assert list(administrator.groups.all()) == [own]


def test_a_home_made_group_that_reads_records_cannot_be_given_by_an_administrator(
    client, administrator
):
    readers = Group.objects.create(name="Readers")
    readers.permissions.add(_reads_records())
    clerk = UserFactory(username="clerk", is_staff=True)

    response = client.post(
        reverse("admin:auth_user_change", args=[clerk.pk]), _account(clerk, readers)
    )

    assert response.status_code == 200
    assert not clerk.groups.exists()


def test_an_administrator_gives_a_role_within_their_own_permissions(client, administrator):
    clerk = UserFactory(username="clerk")
    manager = Group.objects.get(name=MANAGER)

    page = client.get(reverse("admin:auth_user_change", args=[clerk.pk]))
    offered = set(page.context["adminform"].form.fields["groups"].queryset)
    html = page.content.decode()
    assert offered == {manager, Group.objects.get(name=ADMINISTRATOR)}
    assert f'<option value="{manager.pk}">' in html
    assert DEPUTY not in html

    response = client.post(
        reverse("admin:auth_user_change", args=[clerk.pk]), _account(clerk, manager)
    )

    assert response.status_code == 302
    assert list(clerk.groups.all()) == [manager]


def test_an_administrator_editing_a_team_leader_keeps_the_role_they_cannot_give(
    client, administrator
):
    leader = UserFactory(username="leader", groups=[TEAM_LEADER])
    role = Group.objects.get(name=TEAM_LEADER)
    data = _account(leader, role) | {"email": "new@example.org"}

    response = client.post(reverse("admin:auth_user_change", args=[leader.pk]), data)

    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.email == "new@example.org"
    assert list(leader.groups.all()) == [role]


def test_a_superuser_still_adds_groups_and_gives_any_role(client, superuser):
    clerk = UserFactory(username="clerk", is_staff=True)
    deputy = Group.objects.get(name=DEPUTY)

    added = client.post(
        reverse("admin:auth_group_add"), {"name": "Readers", "permissions": [_reads_records().pk]}
    )
    given = client.post(reverse("admin:auth_user_change", args=[clerk.pk]), _account(clerk, deputy))

    assert added.status_code == 302
    assert Group.objects.get(name="Readers").permissions.get() == _reads_records()
    assert given.status_code == 302
    assert list(clerk.groups.all()) == [deputy]
