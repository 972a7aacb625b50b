from django.apps import AppConfig


class TrustConfig(AppConfig):
    """The project's own app: the audit trail's registrations and the account admin actions."""

    name = "contact_service"
    verbose_name = "Contact Service"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import audit
        from .middleware import stamp_session_at_login

        audit.register_models()
        user_logged_in.connect(stamp_session_at_login, dispatch_uid="stamp_session_at_login")
