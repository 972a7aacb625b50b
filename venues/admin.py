from django.contrib import admin
from django.db.models import Count

from audit import HistoryAdminMixin

from .forms import RoomClosureForm
from .models import Area, Room, RoomClosure, RoomFeature, TravelTime, Venue

admin.site.site_header = "Contact Service administration"
admin.site.site_title = "Contact Service admin"
admin.site.index_title = "Venues, rooms, staff, referrals and accounts"


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "team_leader", "venue_count"]
    list_select_related = ["team_leader"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    autocomplete_fields = ["team_leader"]

    def get_queryset(self, request):
        # A grouped query drops Meta.ordering; keep it, or autocomplete pages come unordered.
        return (
            super()
            .get_queryset(request)
            .annotate(venue_total=Count("venues", distinct=True))
            .order_by(*self.model._meta.ordering)
        )

    @admin.display(description="Venues", ordering="venue_total")
    def venue_count(self, obj):
        return obj.venue_total


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "slug", "capacity", "min_age", "max_age", "features", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["features"]
    show_change_link = True


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "area", "opens", "closes", "room_count", "is_active"]
    list_filter = ["area", "is_active"]
    list_select_related = ["area"]
    search_fields = ["name", "slug", "address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoomInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(room_total=Count("rooms", distinct=True))
            .order_by(*self.model._meta.ordering)
        )

    @admin.display(description="Rooms", ordering="room_total")
    def room_count(self, obj):
        return obj.room_total


@admin.register(RoomFeature)
class RoomFeatureAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class RoomClosureInline(admin.TabularInline):
    model = RoomClosure
    form = RoomClosureForm
    extra = 0


@admin.register(Room)
class RoomAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "venue", "area", "capacity", "ages", "feature_list", "is_active"]
    list_filter = ["venue__area", "venue", "features", "is_active"]
    list_select_related = ["venue__area"]
    search_fields = ["name", "slug", "venue__name", "venue__slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["venue"]
    filter_horizontal = ["features"]
    inlines = [RoomClosureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("features")

    @admin.display(description="Area", ordering="venue__area__name")
    def area(self, obj):
        return obj.venue.area

    @admin.display(description="Ages")
    def ages(self, obj):
        if obj.min_age is None and obj.max_age is None:
            return "any"
        low = "" if obj.min_age is None else obj.min_age
        high = "" if obj.max_age is None else obj.max_age
        return f"{low}–{high}"

    @admin.display(description="Features")
    def feature_list(self, obj):
        return ", ".join(feature.name for feature in obj.features.all())


@admin.register(RoomClosure)
class RoomClosureAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = RoomClosureForm
    list_display = ["room", "starts_at", "ends_at", "reason"]
    list_filter = ["room__venue__area", "room__venue"]
    list_select_related = ["room__venue"]
    search_fields = ["reason", "room__name", "room__slug", "room__venue__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["room"]


@admin.register(TravelTime)
class TravelTimeAdmin(admin.ModelAdmin):
    list_display = ["from_venue", "to_venue", "minutes"]
    list_filter = ["from_venue__area"]
    list_select_related = ["from_venue", "to_venue"]
    search_fields = ["from_venue__name", "from_venue__slug", "to_venue__name", "to_venue__slug"]
    autocomplete_fields = ["from_venue", "to_venue"]
