"""Top-level URL map: each app mounts its own urls; the API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from sasaeai.activities.offline import service_worker
from sasaeai.site import views as site_views
from sasaeai.site.api import api

urlpatterns = [
    path("", site_views.home, name="home"),
    # The offline queue's service worker, at the root so that its scope covers the forms.
    path("sw.js", service_worker, name="service_worker"),
    path("accounts/", include("sasaeai.accounts.urls")),
    path("org/", include("sasaeai.org.urls")),
    path("audit/", include("sasaeai.audit.urls")),
    path("resources/", include("sasaeai.resources.urls")),
    path("finder/", include("sasaeai.resources.public_urls")),
    # The directory's public pages (organisers' links at /u/…, residents' reports on the finder).
    path("", include("sasaeai.directory.public_urls")),
    path("", include("sasaeai.participation.public_urls")),
    path("directory/", include("sasaeai.directory.urls")),
    path("exchange/", include("sasaeai.exchange.urls")),
    path("activities/", include("sasaeai.activities.urls")),
    path("cases/", include("sasaeai.cases.urls")),
    path("reports/", include("sasaeai.reports.urls")),
    path("councils/", include("sasaeai.councils.urls")),
    path("participation/", include("sasaeai.participation.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler400 = "sasaeai.core.views.bad_request"
handler403 = "sasaeai.core.views.permission_denied"
handler404 = "sasaeai.core.views.page_not_found"
handler500 = "sasaeai.core.views.server_error"
