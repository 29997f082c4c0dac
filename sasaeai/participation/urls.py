from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.index, name="index"),
    path("record/", views.record, name="record"),
    path("import/", views.sheet_import, name="sheet_import"),
    path("import/<int:pk>/", views.sheet_preview, name="sheet_preview"),
    path("population/import/", views.population_import, name="population_import"),
    path("population/import/<int:pk>/", views.population_preview, name="population_preview"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps/attach/", views.gap_attach, name="gap_attach"),
    path("survey/places/", views.survey_places, name="survey_places"),
    path("survey/places/<int:pk>/", views.survey_place, name="survey_place"),
    path("survey.xlsx", views.survey_download, name="survey_download"),
]
