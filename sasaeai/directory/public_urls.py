"""The public pages of the living directory (no login)."""

from django.urls import path

from . import public_views

app_name = "directory_public"

urlpatterns = [
    path("u/<str:secret>/", public_views.organiser_page, name="organiser"),
    path("u/<str:secret>/change/", public_views.organiser_change, name="organiser_change"),
    path("finder/<str:code>/<int:pk>/report/", public_views.report_error, name="report_error"),
    path("finder/<str:code>/suggest/", public_views.suggest_place, name="suggest_place"),
]
