from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Q

from audit import HistoryAdminMixin

from . import services
from .forms import AbsenceForm, WorkerForm
from .models import Absence, ReliefSupervision, Skill, Worker, WorkingPattern
from .selectors import groups_grantable_by


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class WorkingPatternInline(admin.TabularInline):
    model = WorkingPattern
    extra = 0
    max_num = 5


class AbsenceInline(admin.TabularInline):
    model = Absence
    form = AbsenceForm
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        # Years of leave pile up; the worker's page shows the latest first (Meta ordering).
        return super().get_queryset(request).select_related("worker")


@admin.register(Worker)
class WorkerAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = WorkerForm
    list_display = [
        "name",
        "code",
        "kind",
        "area",
        "base_venue",
        "contract_hours",
        "skill_list",
        "user",
        "is_active",
    ]
    list_filter = ["area", "kind", "is_active", "skills", "base_venue"]
    list_select_related = ["area", "base_venue", "user"]
    search_fields = ["name", "code", "user__username", "user__email", "base_venue__name"]
    autocomplete_fields = ["area", "base_venue", "user"]
    filter_horizontal = ["skills"]
    inlines = [WorkingPatternInline, AbsenceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("skills")

    @admin.display(description="Hours a week", ordering="contract_minutes")
    def contract_hours(self, obj):
        return f"{obj.contract_minutes / 60:g}"

    @admin.display(description="Skills")
    def skill_list(self, obj):
        return ", ".join(skill.name for skill in obj.skills.all())


@admin.register(WorkingPattern)
class WorkingPatternAdmin(admin.ModelAdmin):
    list_display = ["worker", "weekday", "starts", "ends"]
    list_filter = ["weekday", "worker__area"]
    list_select_related = ["worker"]
    search_fields = ["worker__name", "worker__code"]
    autocomplete_fields = ["worker"]


@admin.register(Absence)
class AbsenceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = AbsenceForm
    list_display = ["worker", "kind", "starts_on", "ends_on", "status", "note"]
    list_filter = ["status", "kind", "worker__area"]
    list_select_related = ["worker"]
    search_fields = ["worker__name", "worker__code", "note"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["worker"]


@admin.register(ReliefSupervision)
class ReliefSupervisionAdmin(admin.ModelAdmin):
    list_display = ["worker", "held_on", "supervisor"]
    list_filter = ["worker__area"]
    list_select_related = ["worker", "supervisor"]
    search_fields = ["worker__name", "worker__code"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["worker", "supervisor"]


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """The roles are kept by code (`staffing/roles.py`, synced after every migrate): read-only
    here for all but a superuser, or an administrator could make a group of permissions their
    own role lacks and hand it on."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class _GivesOnlyRolesHeld:
    """An account form whose roles are those the editing user may hand on, and the ones the
    account has already (keeping a role is not giving it; dropping it silently would be)."""

    granted_by = None
    REFUSED = (
        "You can only give roles whose every permission you hold yourself; "
        "ask a superuser to give any other."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["groups"]
        has = self.instance.groups.values("pk") if self.instance.pk else Group.objects.none()
        grantable = groups_grantable_by(user=self.granted_by).values("pk")
        field.queryset = Group.objects.filter(Q(pk__in=grantable) | Q(pk__in=has))
        field.error_messages["invalid_choice"] = self.REFUSED


@admin.register(User)
class AccountAdmin(HistoryAdminMixin, UserAdmin):
    """Accounts, kept by the Administrator role, which must not be a way to become superuser."""

    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role_list",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["groups", "is_staff", "is_active", "is_superuser"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def role_list(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Roles are given through groups; single permissions and superuser status are
            # only for a superuser to hand out.
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser or "groups" not in form.base_fields:
            return form
        return type(form.__name__, (_GivesOnlyRolesHeld, form), {"granted_by": request.user})

    def _touches_a_superuser(self, request, obj):
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if self._touches_a_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._touches_a_superuser(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            actions["disable_accounts"] = self.get_action(disable_accounts)
        return actions


@admin.action(description="Disable accounts (log them out at once)", permissions=["change"])
def disable_accounts(modeladmin, request, queryset):
    if queryset.filter(pk=request.user.pk).exists():
        modeladmin.message_user(request, "You cannot disable your own account.", messages.ERROR)
    if not request.user.is_superuser and queryset.filter(is_superuser=True).exists():
        modeladmin.message_user(
            request, "Only a superuser can disable a superuser.", messages.ERROR
        )
        queryset = queryset.filter(is_superuser=False)
    count = services.accounts_disable(users=list(queryset), by=request.user)
    modeladmin.message_user(request, f"{count} account(s) disabled and logged out.")
