"""Accounts: lockout after repeated failures, idle sessions end, weak passwords refused, and an
administrator disables an account at once."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

A_MORNING = dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC)


def _log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client):
    UserFactory(username="jade")
    answers = [
        _log_in(client, "jade", "wrong-password").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    response = _log_in(client, "jade", TEST_PASSWORD)

    assert response.status_code == 429
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_then_the_right_one_logs_in(client):
    UserFactory(username="jade")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, "jade", "wrong-password")

    assert _log_in(client, "jade", TEST_PASSWORD).status_code == 302


def test_the_lockout_lasts_fifteen_minutes():
    assert settings.AXES_COOLOFF_TIME * 60 == 15


def test_a_session_idle_for_more_than_eight_hours_is_over(client):
    with time_machine.travel(A_MORNING, tick=False) as traveller:
        client.force_login(UserFactory(username="jade"))
        assert client.get(reverse("home")).status_code == 200

        traveller.shift(dt.timedelta(hours=8, minutes=1))
        response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_in_use_is_renewed_and_outlives_eight_hours(client):
    with time_machine.travel(A_MORNING, tick=False) as traveller:
        client.force_login(UserFactory(username="jade"))
        for _ in range(5):  # a request every two hours
            traveller.shift(dt.timedelta(hours=2))
            assert client.get(reverse("home")).status_code == 200


def test_the_session_row_is_not_rewritten_on_every_request(client):
    with time_machine.travel(A_MORNING, tick=False) as traveller:
        client.force_login(UserFactory(username="jade"))
        client.get(reverse("home"))
        expiry = Session.objects.get().expire_date
        traveller.shift(dt.timedelta(minutes=2))
        client.get(reverse("home"))
        assert Session.objects.get().expire_date == expiry
        traveller.shift(dt.timedelta(minutes=4))
        client.get(reverse("home"))
        assert Session.objects.get().expire_date > expiry


@pytest.mark.parametrize("password", ["short1!", "password123", "12345678901234", "jadedavies2026"])
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="jadedavies", first_name="Jade", last_name="Davies")

    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted():
    validate_password("plum-harbour-lantern-47", UserFactory.build(username="x"))


def _administrator(client):
    admin = UserFactory(username="administrator", is_staff=True, groups=["Administrator"])
    client.force_login(admin)
    return admin


def test_disabling_an_account_logs_it_out_at_once(client, django_user_model):
    worker = UserFactory(username="leaver")
    from django.test import Client

    their_browser = Client()
    their_browser.force_login(worker)
    assert their_browser.get(reverse("home")).status_code == 200
    _administrator(client)

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "disable_accounts", "_selected_action": [worker.pk]},
    )

    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.is_active is False
    assert their_browser.get(reverse("home")).status_code == 302  # back to the login page
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(worker.pk) for s in Session.objects.all()
    )


def test_an_administrator_cannot_disable_their_own_account_or_a_superuser(client):
    admin = _administrator(client)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)

    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "disable_accounts", "_selected_action": [admin.pk, root.pk]},
    )

    admin.refresh_from_db()
    root.refresh_from_db()
    assert admin.is_active and root.is_active


def test_disabling_is_in_the_audit_trail(client):
    from audit import history_for

    worker = UserFactory(username="leaver")
    admin = _administrator(client)

    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "disable_accounts", "_selected_action": [worker.pk]},
    )

    entry = history_for(worker)[0]
    assert entry.actor == admin
    assert entry.changes_dict["is_active"] == ["True", "False"]
