from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.monthly_report_page, name="monthly"),
    path("csv/<slug:table>/", views.monthly_report_csv, name="csv"),
]
