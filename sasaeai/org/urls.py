from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("setup/", views.setup, name="setup"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<int:pk>/", views.area_edit, name="area_edit"),
    path("areas/<int:pk>/delete/", views.area_delete, name="area_delete"),
    path("towns/<int:pk>/", views.town_edit, name="town_edit"),
    path("centers/new/", views.center_create, name="center_create"),
    path("centers/<int:pk>/", views.center_edit, name="center_edit"),
    path("postal-code/", views.postal_lookup, name="postal_lookup"),
]
