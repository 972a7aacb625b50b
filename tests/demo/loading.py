"""Loading the living demo once for a test module, on a given day, rolled back afterwards."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

LONDON = ZoneInfo("Europe/London")
TUESDAY = dt.datetime(2026, 12, 1, 10, tzinfo=LONDON)
SATURDAY = dt.datetime(2026, 12, 5, 10, tzinfo=LONDON)


def demo_loaded(django_db_blocker, now: dt.datetime, *args):
    """Yield loaddemo's output with the demo built as of `now`; roll it back after the module.

    A build costs tens of seconds, so module-scoped fixtures share one.
    """
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
