from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("view/", views.show, name="show"),
    path("download/<str:fmt>/", views.download, name="download"),
    path("prepare/", views.prepare, name="prepare"),
    path("cases/", views.case_counts, name="case_counts"),
    path("<int:pk>/text/<str:section>/", views.text_edit, name="text_edit"),
    path("<int:pk>/text/<str:section>/versions/", views.text_versions, name="text_versions"),
    path("<int:pk>/stories/", views.stories, name="stories"),
    path("<int:pk>/photos/", views.photos, name="photos"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("standing/<str:section>/", views.standing_text_edit, name="standing_text_edit"),
]
