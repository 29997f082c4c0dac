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
    # A path, or a function giving it once the first rows exist (a page of one object).
    url: str | Callable[[], str]
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


def _records(municipality: Municipality, n: int) -> None:
    """Records of every kind by tier2-1 (whose list is measured) and by tier 1."""
    from sasaeai.activities.tests.factories import (
        ConsultationFactory,
        MeetingFactory,
        OtherActivityFactory,
        VisitFactory,
    )

    for username in ("tier2-1", "tier1"):
        user = User.objects.get(username=username)
        area = user.areas.first() or municipality.areas.first()
        for factory in (VisitFactory, ConsultationFactory, MeetingFactory, OtherActivityFactory):
            for _ in range(n):
                factory(coordinator=user, municipality=municipality, area=area)


def _cases(municipality: Municipality, n: int) -> None:
    from sasaeai.cases.tests.factories import CaseEntryFactory, CaseFactory, ReferralFactory

    area = User.objects.get(username="tier2-1").areas.first()
    for _ in range(n):
        case = CaseFactory(area=area, municipality=municipality)
        CaseEntryFactory(case=case)
        ReferralFactory(case=case)


def _calendar_entries(municipality: Municipality, n: int) -> None:
    """Entries of this week for tier2-1, one-off and weekly (the week view expands them)."""
    import datetime as dt

    from sasaeai.activities.tests.factories import CalendarEntryFactory

    user = User.objects.get(username="tier2-1")
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    for i in range(n):
        CalendarEntryFactory(coordinator=user, date=monday + dt.timedelta(days=i % 5))
        CalendarEntryFactory(coordinator=user, date=monday, freq="WEEKLY", byday="TU")


def _case_timeline(municipality: Municipality, n: int) -> None:
    """Entries and referrals (each with its first transition) of tier2-1's first case."""
    from sasaeai.cases.models import Case as CaseModel
    from sasaeai.cases.tests.factories import CaseEntryFactory, CaseFactory, ReferralFactory

    area = User.objects.get(username="tier2-1").areas.first()
    case = CaseModel.objects.filter(area=area).order_by("pk").first() or CaseFactory(
        area=area, municipality=municipality, number="Q-0001"
    )
    for _ in range(n):
        CaseEntryFactory(case=case)
        ReferralFactory(case=case)


def _first_case_url() -> str:
    from sasaeai.cases.models import Case as CaseModel

    area = User.objects.get(username="tier2-1").areas.first()
    return reverse("cases:detail", args=[CaseModel.objects.filter(area=area).order_by("pk")[0].pk])


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
    Case("records list (mine)", "tier2-1", "/activities/", _records, needs_url="activities:list"),
    Case("records list (tier 1)", "tier1", "/activities/", _records, needs_url="activities:list"),
    Case(
        "api visits",
        "tier1",
        "/api/v1/visits?period=all&page_size=200",
        _records,
        api=True,
        needs_url="api:visit_list",
    ),
    Case(
        "api consultations",
        "tier1",
        "/api/v1/consultations?period=all&page_size=200",
        _records,
        api=True,
        needs_url="api:consultation_list",
    ),
    Case("case list", "tier2-1", "/cases/", _cases, needs_url="cases:list"),
    Case("case detail", "tier2-1", _first_case_url, _case_timeline, needs_url="cases:list"),
    Case(
        "calendar (week)",
        "tier2-1",
        "/activities/calendar/",
        _calendar_entries,
        needs_url="activities:calendar",
    ),
    Case(
        "home (tier 1, panels)", "tier1", "/", _records, needs_url="activities:list", max_queries=40
    ),
    Case(
        "api cases",
        "tier2-1",
        "/api/v1/cases?page_size=200",
        _cases,
        api=True,
        needs_url="api:case_list",
    ),
    Case(
        "api support centers",
        "tier1",
        "/api/v1/support-centers?page_size=200",
        _areas_with_towns_and_centers,
        api=True,
    ),
]


def _count(client, case: Case, url: str, headers: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
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
    url = case.url() if callable(case.url) else case.url
    client.get(url, **headers)  # the first request may fill per-process caches
    few = _count(client, case, url, headers)
    case.grow(musashino, 2 * N)
    many = _count(client, case, url, headers)

    assert few == many, f"{case.name}: {few} queries with fewer rows, {many} with more"
    assert many <= case.max_queries
