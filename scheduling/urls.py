from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("rota/", views.rota_current, name="rota_current"),
    path("rota/<str:week>/", views.rota_week, name="rota_week"),
    path("rota/<str:week>/plan/", views.rota_plan, name="rota_plan"),
    path("rota/<str:week>/publish/", views.rota_publish, name="rota_publish"),
    path("rota/runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("rota/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("rota/sessions/<int:pk>/move/", views.session_move, name="session_move"),
    path("rota/sessions/<int:pk>/pin/", views.session_pin, name="session_pin"),
]
