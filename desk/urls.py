from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("approvals/", views.approvals_queue, name="approvals"),
    path("approvals/day/", views.approvals_approve_day, name="approve_day"),
    path("approvals/<int:pk>/approve/", views.approval_approve, name="approve"),
    path("approvals/<int:pk>/return/", views.approval_return, name="return"),
    path("area/", views.area_glance, name="area"),
    path("area/absences/new/", views.absence_new, name="absence_new"),
    path("area/absences/<int:pk>/", views.absence_detail, name="absence_detail"),
    path("area/absences/<int:pk>/replan/", views.absence_replan, name="absence_replan"),
    path("area/absences/<int:pk>/decide/", views.absence_decide, name="absence_decide"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
]
