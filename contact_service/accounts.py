"""Account safety: disabling an account at once."""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone


@transaction.atomic
def accounts_disable(*, users, by) -> int:
    """Deactivate the accounts and end their open sessions, so nobody stays logged in as them.

    Returns how many accounts were active before. The user that asks is never disabled.
    """
    ids = {user.pk for user in users} - {getattr(by, "pk", None)}
    User = get_user_model()
    targets = list(User.objects.select_for_update().filter(pk__in=ids))
    was_active = 0
    for user in targets:
        if user.is_active:
            was_active += 1
            user.is_active = False
            user.save(update_fields=["is_active"])  # saved one by one: the audit trail sees it
    # Sessions are stored signed and encoded: read each live one to find whose it is.
    wanted = {str(pk) for pk in ids}
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") in wanted
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return was_active
