"""Staff pages of the exchange app, mounted at /exchange/."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/template.xlsx", views.template_download, name="template"),
    path("import/<str:token>/mapping/", views.import_mapping, name="import_mapping"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("import/<str:token>/commit/", views.import_commit, name="import_commit"),
    path("import/<str:token>/done/", views.import_summary, name="import_summary"),
    path("publication/", views.publication, name="publication"),
    path("export/", views.export_index, name="export"),
    path("export/resources.csv", views.export_search_csv, name="export_csv"),
    path("export/resources.xlsx", views.export_search_xlsx, name="export_xlsx"),
    path("export/hsds-services.json", views.export_hsds, name="export_hsds"),
    path("export/public-facilities.csv", views.export_open_data, name="export_open_data"),
]
