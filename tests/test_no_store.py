"""Every answer to a logged-in user or to an API token says `Cache-Control: no-store`: the
staff pages and the API may hold personal data, which no browser or proxy may keep.

The site's URL patterns are enumerated (those without parameters, and the case pages for a
planted case); each is opened by a tier-1 coordinator and by an administrator."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sasaeai.accounts import services as account_services
from sasaeai.accounts.models import User
from sasaeai.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

SKIP = ("accounts/logout/",)


def _walk(patterns, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def _urls(case_pk: int) -> list[str]:
    urls = []
    for route in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP) or route.startswith("^") or "(?P" in route:
            continue
        if route.startswith("cases/"):
            route = route.replace("<int:pk>", str(case_pk))
        if "<" in route:
            continue
        urls.append("/" + route)
    return sorted(set(urls))


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("username", ["tier1", "admin"])
def test_every_page_for_staff_is_not_stored(musashino, username):
    user = User.objects.get(username=username)
    case = CaseFactory(area=musashino.areas.first(), municipality=musashino)
    client = Client()
    client.force_login(user)
    answered, stored = [], []
    for url in _urls(case.pk):
        response = client.get(url)
        if response.status_code in (200, 400, 403, 404, 422):
            answered.append(url)
            if not _no_store(response):
                stored.append(url)
    assert stored == []
    assert f"/cases/{case.pk}/" in answered or username != "tier1"
    assert len(answered) > 30, answered


def test_the_api_with_a_token_is_not_stored(musashino):
    _, token = account_services.token_create(user=User.objects.get(username="tier1"), name="x")
    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    paths = [p for p, ops in schema["paths"].items() if "get" in ops and not re.search("{", p)]
    assert paths
    for path in paths:
        response = client.get(path, headers={"authorization": f"Bearer {token}"})
        assert _no_store(response), path


def test_anonymous_public_pages_keep_their_own_caching(musashino):
    response = Client().get(f"/finder/{musashino.code}/")
    assert response.status_code == 200
    assert not _no_store(response)
