"""Sessions that end after a spell of inactivity, without a database write on every request."""

import time

from django.conf import settings

RENEWED_AT = "_renewed_at"


class IdleSessionRenewalMiddleware:
    """Push a logged-in session's expiry on at most every SESSION_RENEW_SECONDS.

    SESSION_SAVE_EVERY_REQUEST would write the session row on every page view (a large share
    of a light page's cost under load); renewing every few minutes gives the same idle timeout,
    give or take that interval. Must sit after SessionMiddleware and AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        now = int(time.time())
        if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
            # Marks the session modified: SessionMiddleware, outside this one, saves it with a
            # fresh expiry and sends the cookie again.
            session[RENEWED_AT] = now
        return response


def stamp_session_at_login(sender, request, user, **kwargs):
    """user_logged_in receiver: a fresh session counts as renewed now."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = int(time.time())
