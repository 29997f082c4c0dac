"""A URL map with a view that forgets the access policy (the access matrix's own test) and one
that crashes (the error page test)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config import urls as project_urls
from sasaeai.accounts.models import User


@login_required
def leaky_user(request, pk: int) -> HttpResponse:
    user = User.objects.get(pk=pk)  # no policy: any logged-in user sees anyone
    return HttpResponse(f"<p>{user.display_name} {user.email}</p>")


def boom(request) -> HttpResponse:
    raise RuntimeError("secret internal detail: 山田太郎 /etc/passwd")


urlpatterns = [
    path("boom/", boom, name="boom"),
    path("leaky/<int:pk>/", leaky_user, name="leaky_user"),
    *project_urls.urlpatterns,
]

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
