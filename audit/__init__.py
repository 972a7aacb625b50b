"""The audit trail: how an app asks for its models to be watched, and how a page reads history.

django-auditlog keeps every change in one LogEntry table (a JSON diff, the actor from its
middleware), so no app needs a shadow table or a migration of its own. Each app registers its
own models with `track` from its `AppConfig.ready`. The library hooks model signals:
`QuerySet.update()`, `bulk_create` and `bulk_update` bypass it, so services that write in bulk
log the change themselves with `log_bulk_change(s)`.
"""

from .trail import HistoryAdminMixin, history_for, log_bulk_change, log_bulk_changes, track

__all__ = ["HistoryAdminMixin", "history_for", "log_bulk_change", "log_bulk_changes", "track"]
