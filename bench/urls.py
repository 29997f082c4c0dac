"""The application's URLs plus one minimal Django view: the floor for throughput."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as application_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do behind the full middleware stack."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal, name="bench-minimal"), *application_urlpatterns]

handler400 = "sasaeai.core.views.bad_request"
handler403 = "sasaeai.core.views.permission_denied"
handler404 = "sasaeai.core.views.page_not_found"
handler500 = "sasaeai.core.views.server_error"
