"""Response headers every page carries: a Content-Security-Policy with no inline scripts."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _csp() -> str:
    tile_origin = ""
    tile_url = getattr(settings, "MAP_TILE_URL", "")
    if tile_url.startswith("https://"):
        tile_origin = " " + "/".join(tile_url.split("/")[:3])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data:{tile_origin}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = _csp()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        return response
