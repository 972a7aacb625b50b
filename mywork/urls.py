from django.urls import path

from . import views

app_name = "mywork"

urlpatterns = [
    path("me/sessions/", views.my_sessions, name="my_sessions"),
    path("me/sessions/<int:pk>/", views.my_session, name="my_session"),
    path("me/sessions/<int:pk>/record/", views.my_record, name="my_record"),
    path("me/records/<int:pk>/addendum/", views.record_addendum, name="record_addendum"),
    path("me/calendar/", views.my_calendar, name="my_calendar"),
    path("me/leave/", views.my_leave, name="my_leave"),
    # The only page reachable without logging in: its secret token is the key.
    # token_urlsafe() writes only slug characters; anything else (a NUL) is no token.
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
]
