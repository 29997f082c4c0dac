from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("areas/<int:pk>/", views.area_edit, name="area_edit"),
    path("towns/<int:pk>/", views.town_edit, name="town_edit"),
    path("centers/new/", views.center_create, name="center_create"),
    path("centers/<int:pk>/", views.center_edit, name="center_edit"),
]
