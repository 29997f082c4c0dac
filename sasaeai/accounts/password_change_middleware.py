"""Sends users whose password someone else set to the password change page until they change
it (a one-time password from `sasaeai user create`, the add-user form or an administrator's
reset). Session API requests get 403 with the reason; Bearer tokens are refused where they are
authenticated (sasaeai/api/auth.py). Runs after the two-factor check."""

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

MESSAGE = (
    "管理者が設定したパスワードのままです。画面からログインして、"
    "ご自分のパスワードに変更してからお使いください。"
)

EXEMPT_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:login_verify",
    "accounts:two_factor_setup",
    "accounts:password_change",
}


def must_change_password(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.must_change_password)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not must_change_password(getattr(request, "user", None)):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": MESSAGE}, status=403)
        target = reverse("accounts:password_change")
        return redirect(f"{target}?next={quote(request.get_full_path())}")
