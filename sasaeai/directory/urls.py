"""Staff pages of the living directory, mounted at /directory/."""

from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("quality/", views.quality, name="quality"),
    path("settings/", views.settings_page, name="settings"),
    path("proposals/<int:pk>/", views.review, name="review"),
    path("proposals/<int:pk>/register/", views.register_place, name="register"),
    path("resources/<int:pk>/link/", views.link_page, name="link"),
]
