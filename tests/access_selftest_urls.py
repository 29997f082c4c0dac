"""A URL map with one view that forgets the access policy, for the access matrix's own test."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config import urls as project_urls
from sasaeai.accounts.models import User


@login_required
def leaky_user(request, pk: int) -> HttpResponse:
    user = User.objects.get(pk=pk)  # no policy: any logged-in user sees anyone
    return HttpResponse(f"<p>{user.display_name} {user.email}</p>")


urlpatterns = [path("leaky/<int:pk>/", leaky_user, name="leaky_user"), *project_urls.urlpatterns]
