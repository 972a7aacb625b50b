from django.contrib import admin

from .models import AgencySession, MileageRate, TaxiBooking


@admin.register(AgencySession)
class AgencySessionAdmin(admin.ModelAdmin):
    list_display = ["held_on", "child", "agency", "duration_minutes", "cost"]
    list_filter = ["agency", "child__area"]
    date_hierarchy = "held_on"
    raw_id_fields = ["child", "referral"]


@admin.register(TaxiBooking)
class TaxiBookingAdmin(admin.ModelAdmin):
    list_display = ["day", "area", "cost", "session"]
    list_filter = ["area"]
    date_hierarchy = "day"
    raw_id_fields = ["session"]


@admin.register(MileageRate)
class MileageRateAdmin(admin.ModelAdmin):
    list_display = ["starts_on", "pence_per_mile", "average_mph"]
