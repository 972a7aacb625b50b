from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.monthly_report_page, name="monthly"),
    path("csv/<slug:table>/", views.monthly_report_csv, name="csv"),
    path("costs/", views.costs, name="costs"),
    path("costs/agency/", views.agency_session_add, name="agency_add"),
    path("costs/taxi/", views.taxi_booking_add, name="taxi_add"),
]
