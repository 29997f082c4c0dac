"""What the phone needs to record visits and consultations without a connection: the service
worker (served from the site root so that its scope covers the forms), the session check the
queue makes before sending (a fresh CSRF token and who is logged in), and the page listing what
waits on the phone. The queue itself lives in the browser (static/js/offline.js); the records
are sent through the API with an Idempotency-Key (api.py, services.record_once)."""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability

SERVICE_WORKER = "js/offline_sw.js"
# The static files the two forms need to open without a connection.
FORM_ASSETS = [
    "css/sasaeai.css",
    "vendor/dads/tokens.css",  # imported by sasaeai.css
    "favicon.svg",
    "apple-touch-icon.png",
    "vendor/htmx/htmx.min.js",
    "js/layout.js",
    "js/app.js",
    "js/error_summary.js",
    "js/offline.js",
    "activities/activities.css",
    "activities/activities.js",
]


def form_urls() -> list[str]:
    """The only pages the service worker keeps: the empty visit and consultation forms."""
    return [
        reverse("activities:visit_create"),
        reverse("activities:consultation_create"),
        reverse("activities:offline_queue"),
    ]


@cache
def _source(name: str) -> str:
    found = finders.find(name)
    return Path(found).read_text(encoding="utf-8")


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js: the worker with the URLs it may keep. The version changes with the worker's and
    the page script's code, so that a new release replaces the old caches."""
    assets = [static(name) for name in FORM_ASSETS]
    version = hashlib.sha256(
        (_source(SERVICE_WORKER) + _source("js/offline.js") + "\n".join(assets)).encode()
    ).hexdigest()[:12]
    config = {"version": version, "pages": form_urls(), "assets": assets}
    body = f"self.SASAEAI_OFFLINE = {json.dumps(config)};\n" + _source(SERVICE_WORKER)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@never_cache
@login_required
def offline_session(request: HttpRequest) -> JsonResponse:
    """Asked by the queue before it sends: whether the session still holds (else the redirect
    to the login page), for whom, and a fresh CSRF token for the API (the token in a page kept
    offline may be an old session's)."""
    user = request.user
    return JsonResponse(
        {
            "user": user.pk,
            "csrf": get_token(request),
            "can_record": policy.has(user, Capability.EDIT_ACTIVITIES),
        }
    )


@login_required
def offline_queue(request: HttpRequest) -> HttpResponse:
    """端末に保存した記録: what waits on this phone and what the server refused. The list is
    drawn by the page script from the browser's storage; the server knows nothing of it."""
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    return render(request, "activities/offline_queue.html", {"title": "端末に保存した記録"})
