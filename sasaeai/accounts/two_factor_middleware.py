"""Sends logged-in users who owe a second factor to the code or enrolment page.

Users with an authenticator app must have shown a code in this session; users whose role
requires two-factor login (in their municipality) must enrol first. API requests with a
Bearer token are not concerned (the token is the credential); session API requests owing a
code get 403."""

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import session_flags

EXEMPT_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:login_verify",
    "accounts:two_factor_setup",
}


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if getattr(user, "is_verified", lambda: False)():
            return None
        flags = session_flags(request)
        if not (flags["device"] or flags["required"]):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "二要素認証が済んでいません。画面からログインし直してください。"},
                status=403,
            )
        target = "accounts:login_verify" if flags["device"] else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
