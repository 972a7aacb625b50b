from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_intake, name="intake"),
    path("import/", views.mosaic_upload, name="import"),
    path("import/confirm/", views.mosaic_confirm, name="import_confirm"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/accept/", views.referral_accept, name="accept"),
    path("<int:pk>/activate/", views.referral_activate, name="activate"),
    path("<int:pk>/end/", views.referral_end, name="end"),
    path("plans/<int:pk>/change/", views.plan_change, name="plan_change"),
]
