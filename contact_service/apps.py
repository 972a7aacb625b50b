from django.apps import AppConfig


class ContactServiceConfig(AppConfig):
    """The project itself: settings, URLs, Celery, and stamping a session at login."""

    name = "contact_service"
    verbose_name = "Contact Service"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_at_login

        user_logged_in.connect(stamp_session_at_login, dispatch_uid="stamp_session_at_login")
