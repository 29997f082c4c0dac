"""Staff pages of the resource database, mounted at /resources/."""

from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_create, name="create"),
    path("recheck/", views.recheck_list, name="recheck"),
    path("synonyms/", views.synonym_list, name="synonyms"),
    path("synonyms/<int:pk>/", views.synonym_edit, name="synonym_edit"),
    path("categories/", views.category_list, name="categories"),
    path("categories/new/", views.category_edit, name="category_create"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("organizations/", views.organization_list, name="organizations"),
    path("<int:pk>/", views.service_detail, name="detail"),
    path("<int:pk>/edit/", views.service_edit, name="edit"),
    path("<int:pk>/confirm/", views.service_confirm, name="confirm"),
    path("<int:pk>/point/", views.service_set_point, name="set_point"),
    path("<int:pk>/history/", views.service_history, name="history"),
    path("<int:pk>/history/<int:history_id>/restore/", views.service_restore, name="restore"),
]
