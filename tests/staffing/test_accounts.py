"""Accounts in the admin: the Administrator role gives roles, not superuser powers."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from staffing.roles import ADMINISTRATOR, CONTACT_WORKER, MANAGER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def administrator():
    return UserFactory(username="admin-role", is_staff=True, groups=[ADMINISTRATOR])


def test_the_account_list_shows_each_users_roles(client, administrator):
    UserFactory(username="priya", groups=[CONTACT_WORKER])
    client.force_login(administrator)

    response = client.get(reverse("admin:auth_user_changelist"), {"q": "priya"})

    assert response.status_code == 200
    assert "Contact worker" in response.content.decode()


def test_an_administrator_gives_a_role_but_cannot_make_a_superuser(client, administrator):
    priya = UserFactory(username="priya")
    # Manager: a role whose permissions the Administrator role holds (tests/staffing/
    # test_role_grants.py: no other may be given).
    worker_group = priya.groups.model.objects.get(name=MANAGER)
    client.force_login(administrator)
    data = {
        "username": "priya",
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya@example.org",
        "is_active": "on",
        "is_staff": "",
        "is_superuser": "on",
        "groups": [worker_group.pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-11-01",
        "date_joined_1": "09:00",
    }

    response = client.post(reverse("admin:auth_user_change", args=[priya.pk]), data)

    assert response.status_code == 302
    priya.refresh_from_db()
    assert list(priya.groups.values_list("name", flat=True)) == [MANAGER]
    assert not priya.is_superuser


def test_an_administrator_cannot_change_a_superusers_account(client, administrator):
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(administrator)

    page = client.get(reverse("admin:auth_user_change", args=[root.pk]))
    password = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "taken-over-2026", "password2": "taken-over-2026"},
    )

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert password.status_code == 403
    root.refresh_from_db()
    assert not root.check_password("taken-over-2026")
