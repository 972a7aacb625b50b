from django.contrib import admin
from django.db.models import Count

from audit import HistoryAdminMixin

from .forms import (
    ContactPlanForm,
    ContactPlanSlotForm,
    ContactPlanSlotFormSet,
    ContactPlanWithSlotsForm,
)
from .models import Child, ContactPlan, ContactPlanSlot, Referral, SiblingGroup

PLAN_AUTOCOMPLETE = [
    "venues",
    "room_features",
    "worker_skills",
    "continuity_workers",
    "excluded_workers",
]


class ChildInline(admin.TabularInline):
    model = Child
    fields = ["first_name", "reference", "date_of_birth", "area", "out_of_county"]
    extra = 0
    show_change_link = True


@admin.register(SiblingGroup)
class SiblingGroupAdmin(admin.ModelAdmin):
    list_display = ["reference", "child_count"]
    search_fields = ["reference", "children__first_name", "children__reference"]
    inlines = [ChildInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(child_total=Count("children"))
            .order_by(*self.model._meta.ordering)
        )

    @admin.display(description="Children", ordering="child_total")
    def child_count(self, obj):
        return obj.child_total


@admin.register(Child)
class ChildAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "first_name",
        "reference",
        "date_of_birth",
        "area",
        "placement",
        "sibling_group",
        "mosaic_id",
        "out_of_county",
    ]
    list_filter = ["area", "out_of_county"]
    list_select_related = ["area", "sibling_group"]
    search_fields = ["first_name", "reference", "mosaic_id", "sibling_group__reference"]
    autocomplete_fields = ["area", "sibling_group"]


class ContactPlanInline(admin.StackedInline):
    model = ContactPlan
    form = ContactPlanForm
    extra = 0
    show_change_link = True
    autocomplete_fields = PLAN_AUTOCOMPLETE


@admin.register(Referral)
class ReferralAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "mosaic_id",
        "child_list",
        "priority",
        "status",
        "received_on",
        "referrer_name",
    ]
    list_filter = ["status", "priority", "children__area"]
    search_fields = [
        "reference",
        "mosaic_id",
        "referrer_name",
        "children__first_name",
        "children__reference",
        "children__mosaic_id",
    ]
    date_hierarchy = "received_on"
    autocomplete_fields = ["children"]
    inlines = [ContactPlanInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("children")

    @admin.display(description="Children")
    def child_list(self, obj):
        return ", ".join(str(child) for child in obj.children.all())


class ContactPlanSlotInline(admin.TabularInline):
    model = ContactPlanSlot
    form = ContactPlanSlotForm
    formset = ContactPlanSlotFormSet
    extra = 0


@admin.register(ContactPlan)
class ContactPlanAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = ContactPlanWithSlotsForm
    list_display = [
        "referral",
        "priority",
        "mode",
        "every_weeks",
        "duration_minutes",
        "workers_needed",
        "transport",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["mode", "transport", "every_weeks", "referral__priority", "referral__status"]
    list_select_related = ["referral"]
    search_fields = ["referral__reference", "referral__mosaic_id", "attendees"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["referral", *PLAN_AUTOCOMPLETE]
    inlines = [ContactPlanSlotInline]

    @admin.display(description="Priority", ordering="referral__priority")
    def priority(self, obj):
        return obj.referral.get_priority_display()


@admin.register(ContactPlanSlot)
class ContactPlanSlotAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = ContactPlanSlotForm
    list_display = ["plan", "weekday", "earliest_start", "latest_start", "preferred_start"]
    list_filter = ["weekday", "plan__mode"]
    list_select_related = ["plan__referral"]
    search_fields = ["plan__referral__reference", "plan__referral__mosaic_id"]
    autocomplete_fields = ["plan"]

    def get_fields(self, request, obj=None):
        return ["plan", *ContactPlanSlotForm.Meta.fields]
