from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Rota and sessions"

    def ready(self):
        import audit

        from .models import (
            ContactSession,
            RotaWeek,
            SessionRecord,
            SessionRecordAddendum,
            SessionWorker,
        )

        audit.track(SessionRecord)
        audit.track(SessionRecordAddendum)
        # A week's row is made without a log entry (see services.weeks.rota_week_get).
        audit.track(RotaWeek)
        audit.track(SessionWorker, child_of="session")
        audit.track(ContactSession)

        # Registers the Celery tasks in every process (web and worker alike), so services
        # can queue them by name without importing the module that imports them.
        from . import tasks  # noqa: F401
