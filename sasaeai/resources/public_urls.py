"""The public finder (no login), mounted at /finder/."""

from django.urls import path

from . import public_views

app_name = "finder"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<str:code>/", public_views.search, name="search"),
    path("<str:code>/brochure/", public_views.brochure_index, name="brochure_index"),
    path("<str:code>/brochure/<int:area_id>.pdf", public_views.brochure_pdf, name="brochure"),
    path("<str:code>/<int:pk>/", public_views.detail, name="detail"),
]
