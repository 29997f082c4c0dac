"""Response headers every page carries (a Content-Security-Policy with no inline scripts), and
the limit on request bodies (413 in Japanese)."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
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


def request_body_limit(request: HttpRequest) -> int:
    """The largest body a request may send: a form with files (multipart)
    REQUEST_MAX_MULTIPART_BYTES (at least the core upload limit and the form's fields);
    anything else (JSON, a form, a file sent as the body) Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE. 0 means no limit."""
    from .uploads import max_upload_bytes

    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    if request.content_type == "multipart/form-data":
        configured = getattr(settings, "REQUEST_MAX_MULTIPART_BYTES", 0)
        return max(configured, max_upload_bytes() + fields) if fields else 0
    return fields


class RequestSizeLimitMiddleware:
    """A body larger than the limit is answered 413 before anything reads it (Django would
    otherwise raise RequestDataTooBig deep inside a view and answer a bare 400); the API gets
    JSON, pages the error page, both in Japanese."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_body_limit(request)
        if limit and length > limit:
            return self.too_large(request, limit)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        # A body without a length (chunked) is only found too big while it is read.
        if isinstance(exception, RequestDataTooBig):
            return self.too_large(request, request_body_limit(request))
        return None

    @staticmethod
    def too_large(request: HttpRequest, limit: int) -> HttpResponse:
        from .views import payload_too_large

        return payload_too_large(request, limit=limit)
