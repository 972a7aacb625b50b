from django.urls import path

from . import views

app_name = "staffing"

urlpatterns = [
    # Team leaders
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
    # Contact workers
    path("me/sessions/", views.my_sessions, name="my_sessions"),
    path("me/sessions/<int:pk>/", views.my_session, name="my_session"),
    path("me/sessions/<int:pk>/record/", views.my_record, name="my_record"),
    path("me/records/<int:pk>/addendum/", views.record_addendum, name="record_addendum"),
    path("me/calendar/", views.my_calendar, name="my_calendar"),
    path("me/leave/", views.my_leave, name="my_leave"),
    # The only page reachable without logging in: its secret token is the key.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
