"""Admin additions that belong to no single app.

Imported last of the apps' admin modules (TrustConfig is last in INSTALLED_APPS), so it extends
the admin classes the apps registered: an "Audit log" page on each audited model, and a
"Disable accounts" action on users.
"""

from auditlog.mixins import AuditlogHistoryAdminMixin
from auditlog.registry import auditlog
from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from .accounts import accounts_disable
from .audit import register_models

# The admin app's ready() imports this module before TrustConfig.ready() runs.
register_models()


def _extend(model, mixin, **attrs) -> None:
    current = admin.site._registry.get(model)
    base = type(current) if current is not None else admin.ModelAdmin
    if issubclass(base, mixin):
        return
    extended = type(f"{mixin.__name__}{base.__name__}", (mixin, base), attrs)
    if current is not None:
        admin.site.unregister(model)
    admin.site.register(model, extended)


for _model in auditlog.get_models():
    if admin.site.is_registered(_model):
        _extend(_model, AuditlogHistoryAdminMixin, show_auditlog_history_link=True)


@admin.action(description="Disable accounts (log them out at once)", permissions=["change"])
def disable_accounts(modeladmin, request, queryset):
    if queryset.filter(pk=request.user.pk).exists():
        modeladmin.message_user(request, "You cannot disable your own account.", messages.ERROR)
    if not request.user.is_superuser and queryset.filter(is_superuser=True).exists():
        modeladmin.message_user(
            request, "Only a superuser can disable a superuser.", messages.ERROR
        )
        queryset = queryset.filter(is_superuser=False)
    count = accounts_disable(users=list(queryset), by=request.user)
    modeladmin.message_user(request, f"{count} account(s) disabled and logged out.")


class DisableAccountsMixin:
    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            actions["disable_accounts"] = self.get_action(disable_accounts)
        return actions


_extend(get_user_model(), DisableAccountsMixin)
