from django.apps import AppConfig


class TrustConfig(AppConfig):
    """The project's own app: the audit trail's registrations and the account admin actions."""

    name = "contact_service"
    verbose_name = "Contact Service"

    def ready(self):
        from . import audit

        audit.register_models()
