"""The main pages and list APIs make the same number of SQL queries whatever the number of rows
they show, so that an N+1 query cannot come back unnoticed (issue 10).

Each case builds N rows, counts the queries of one request, builds 2N more and counts again:
the two counts must be equal (and stay under a fixed bound). The benchmark (`make bench`)
measures the same pages at the one-city and prefecture sizes.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from sasaeai.accounts.models import Role, User
from sasaeai.accounts.services import token_create
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.org.models import Area, Municipality
from sasaeai.org.tests.factories import AreaFactory, SupportCenterFactory, TownFactory

N = 3
# Generous fixed ceiling: a page that needs more than this many queries needs a look anyway.
MAX_QUERIES = 25


@dataclass
class Case:
    name: str
    username: str
    url: str
    grow: Callable[[Municipality, int], None]
    api: bool = False
    # The page belongs to a feature still being built: skip until its URL exists.
    needs_url: str | None = None
    max_queries: int = MAX_QUERIES


def _areas_with_towns_and_centers(municipality: Municipality, n: int) -> None:
    for _ in range(n):
        area = AreaFactory(municipality=municipality)
        TownFactory(area=area, municipality=municipality)
        TownFactory(area=area, municipality=municipality)
        SupportCenterFactory(area=area, municipality=municipality)


def _users_with_areas(municipality: Municipality, n: int) -> None:
    areas = list(Area.objects.filter(municipality=municipality)[:2])
    for _ in range(n):
        UserFactory(role=Role.TIER2, municipality=municipality, areas=areas)


def _areas_of_tier2_user(municipality: Municipality, n: int) -> None:
    user = User.objects.get(username="tier2-1")
    for _ in range(n):
        user.areas.add(AreaFactory(municipality=municipality))


def _services(municipality: Municipality, n: int) -> None:
    from sasaeai.resources.tests.factories import ScheduleFactory, ServiceFactory, category

    towns = list(municipality.towns.all()[:3])
    for i in range(n):
        service = ServiceFactory(
            municipality=municipality,
            location__town=towns[i % len(towns)],
            location__municipality=municipality,
            name=f"ふれあいサロン{i}",
            categories=[category("salon")],
        )
        ScheduleFactory(service=service)


CASES = [
    # Every module adds its panels to the home page, each with a few queries of its own.
    Case("home (tier 2, areas)", "tier2-1", "/", _areas_of_tier2_user, max_queries=40),
    Case("org overview", "tier1", "/org/", _areas_with_towns_and_centers),
    Case("user list", "admin", "/accounts/users/", _users_with_areas),
    Case("api users", "admin", "/api/v1/users?page_size=200", _users_with_areas, api=True),
    Case("api me", "tier2-1", "/api/v1/me", _areas_of_tier2_user, api=True),
    Case(
        "api areas", "tier1", "/api/v1/areas?page_size=200", _areas_with_towns_and_centers, api=True
    ),
    Case(
        "api towns", "tier1", "/api/v1/towns?page_size=200", _areas_with_towns_and_centers, api=True
    ),
    Case(
        "resource list",
        "tier1",
        "/resources/?q=サロン",
        _services,
        needs_url="resources:list",
    ),
    Case(
        "api resources",
        "tier1",
        "/api/v1/resources?q=サロン&page_size=200",
        _services,
        api=True,
        needs_url="api:resource_list",
    ),
    Case(
        "api support centers",
        "tier1",
        "/api/v1/support-centers?page_size=200",
        _areas_with_towns_and_centers,
        api=True,
    ),
]


def _count(client, case: Case, headers: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(case.url, **headers)
    assert response.status_code == 200, (case.name, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_queries_do_not_grow_with_rows(client, musashino, case):
    if case.needs_url:
        try:
            reverse(case.needs_url)
        except NoReverseMatch:
            pytest.skip(f"{case.needs_url} does not exist yet")
    user = User.objects.get(username=case.username)
    headers = {}
    if case.api:
        _, plain = token_create(user=user, name="query count")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
    else:
        client.force_login(user)

    case.grow(musashino, N)
    client.get(case.url, **headers)  # the first request may fill per-process caches
    few = _count(client, case, headers)
    case.grow(musashino, 2 * N)
    many = _count(client, case, headers)

    assert few == many, f"{case.name}: {few} queries with fewer rows, {many} with more"
    assert many <= case.max_queries
