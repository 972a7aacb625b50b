from django.contrib import admin

from .forms import AbsenceForm, WorkerForm
from .models import Absence, ReliefSupervision, Skill, Worker, WorkingPattern


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
class WorkerAdmin(admin.ModelAdmin):
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
class AbsenceAdmin(admin.ModelAdmin):
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
