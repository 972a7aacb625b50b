from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("scheduling.urls")),
    path("", include("desk.urls")),
    path("", include("mywork.urls")),
    path("referrals/", include("casework.urls")),
    path("reports/", include("reports.urls")),
    # Browsers ask for /favicon.ico whatever the page links; send them to the static icon.
    path("favicon.ico", views.favicon),
]

# Answers 503 "briefly unavailable" when the database is down, without touching it.
handler500 = "contact_service.errors.server_error"
