"""The participation page behind the organiser's private link (no login)."""

from django.urls import path

from . import public_views

app_name = "participation_public"

urlpatterns = [
    path("u/<str:secret>/participation/", public_views.organiser_report, name="organiser_report"),
]
