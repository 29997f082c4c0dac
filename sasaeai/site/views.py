"""The home page: the greeting, the panels every app contributes, and the menu."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .home import home_context


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return render(request, "home.html", home_context(user=request.user))
