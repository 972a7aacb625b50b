"""Admin for the rota. The rota board and the solver own these rows, so most fields are shown
read-only here; an administrator can still correct a session's place by hand."""

from django.contrib import admin
from django.db.models import Count, F

from audit import HistoryAdminMixin

from .models import (
    ContactSession,
    RotaWeek,
    SessionRecord,
    SessionRecordAddendum,
    SessionWorker,
    SolverRun,
)


class ReadOnlyAdminMixin:
    """Rows written only by the application: visible to those who may view them, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RotaWeek)
class RotaWeekAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["week_start", "state", "session_count", "published_at", "published_by"]
    list_filter = ["state"]
    list_select_related = ["published_by"]
    search_fields = ["week_start"]
    date_hierarchy = "week_start"
    readonly_fields = ["state", "published_at", "published_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["week_start", *self.readonly_fields]
        return self.readonly_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(session_total=Count("sessions"))
            .order_by(*self.model._meta.ordering)
        )

    @admin.display(description="Sessions", ordering="session_total")
    def session_count(self, obj):
        return obj.session_total


class SessionWorkerInline(admin.TabularInline):
    model = SessionWorker
    extra = 0
    autocomplete_fields = ["worker"]
    fields = ["worker", "busy_from", "busy_to", "holds_time"]

    # The workers are part of the session: whoever may change the session may staff it (the
    # roles grant no separate SessionWorker permissions).
    def _may_change_session(self, request):
        return request.user.has_perm("scheduling.change_contactsession")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("scheduling.view_contactsession")

    def has_add_permission(self, request, obj=None):
        return self._may_change_session(request)

    def has_change_permission(self, request, obj=None):
        return self._may_change_session(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_change_session(request)


# What the plan and the solver decide; the admin shows them but the rota board changes them.
SESSION_ROTA_FIELDS = [
    "rota_week",
    "plan",
    "slot",
    "day",
    "earliest_start",
    "latest_start",
    "preferred_start",
    "duration_minutes",
    "mode",
    "transport_before_minutes",
    "transport_after_minutes",
    "unplaced_reason",
    "changed_in_replan",
    "approved_by",
    "approved_at",
    "return_reason",
    "replaces",
    "version",
    "updated_at",
]


@admin.register(ContactSession)
class ContactSessionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "referral",
        "day",
        "starts_at",
        "ends_at",
        "room",
        "mode",
        "status",
        "pinned",
        "worker_list",
    ]
    list_filter = [
        "status",
        "mode",
        "pinned",
        "room__venue__area",
        "room__venue",
        "plan__referral__priority",
        "rota_week",
    ]
    list_select_related = ["plan__referral", "room__venue"]
    search_fields = [
        "plan__referral__reference",
        "plan__referral__mosaic_id",
        "room__name",
        "room__slug",
        "staffing__worker__name",
        "staffing__worker__code",
    ]
    date_hierarchy = "day"
    autocomplete_fields = ["room"]
    readonly_fields = SESSION_ROTA_FIELDS
    fieldsets = [
        (None, {"fields": ["starts_at", "ends_at", "room", "status", "pinned"]}),
        ("Cancellation", {"fields": ["cancel_reason", "cancel_note"]}),
        ("From the plan and the rota", {"fields": SESSION_ROTA_FIELDS}),
    ]
    inlines = [SessionWorkerInline]

    def has_add_permission(self, request):
        # Sessions come from contact plans, week by week; they are not typed in.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("staffing__worker")

    def save_model(self, request, obj, form, change):
        if change:
            # The rota board compares versions to spot edits made meanwhile.
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])

    @admin.display(description="Referral", ordering="plan__referral__reference")
    def referral(self, obj):
        return obj.plan.referral

    @admin.display(description="Workers")
    def worker_list(self, obj):
        return ", ".join(row.worker.name for row in obj.staffing.all())


@admin.register(SolverRun)
class SolverRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "rota_week",
        "trigger",
        "status",
        "sessions_placed",
        "sessions_total",
        "court_placed",
        "court_total",
        "wall_seconds",
        "started_by",
        "created_at",
    ]
    list_filter = ["status", "trigger"]
    list_select_related = ["rota_week", "started_by"]
    search_fields = ["celery_task_id", "error"]
    date_hierarchy = "created_at"


class SessionRecordAddendumInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SessionRecordAddendum
    extra = 0
    fields = ["author", "created_at", "text"]
    readonly_fields = fields


@admin.register(SessionRecord)
class SessionRecordAdmin(HistoryAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Session records are court evidence: nobody edits them, here or anywhere."""

    list_display = ["session", "author", "attendance", "created_at", "submitted_at"]
    list_filter = ["attendance"]
    list_select_related = ["session__plan__referral", "author"]
    search_fields = ["session__plan__referral__reference", "author__username"]
    date_hierarchy = "created_at"
    inlines = [SessionRecordAddendumInline]
