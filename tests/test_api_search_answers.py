"""The search API's answer, byte for byte, against the same items read the slow way.

GET /api/v1/resources builds its page of items from plain values with its SQL compiled once
(selectors.list_items, core.prepared) and validates them with a plain pydantic model
(api.ServiceItem), for speed (docs/benchmarks.md, "The API's own cost per request"). This test
sends many queries with a Bearer token, as API clients do, for a first-tier and a second-tier
coordinator and a prefecture-wide reader, over services with every kind of value (no
place, a private home, no organisation, several categories and schedules of every kind,
statuses, verification dates, tri-state flags, page sizes, distances), and checks that each
answer's bytes are what the record's own schema (api._ServiceFromModel, which reads Service
objects through the ORM) gives for the same services in the same order, rendered by the API.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Role
from sasaeai.accounts.services import token_create
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.org.models import Town
from sasaeai.org.services import municipality_create
from sasaeai.resources.api import ServiceItem, _ServiceFromModel
from sasaeai.resources.models import Service
from sasaeai.resources.selectors import area_centroids
from sasaeai.resources.tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ScheduleFactory,
    ServiceFactory,
    category,
)
from sasaeai.site.api import api as ninja_api

URL = "/api/v1/resources"


@pytest.fixture
def services(musashino):
    towns = list(Town.objects.filter(municipality=musashino).order_by("id"))
    today = timezone.localdate()
    made = []
    for n in range(30):
        town = towns[n % len(towns)]
        location = None
        if n % 7 != 3:
            location = LocationFactory(
                town=town,
                is_approximate=n % 2 == 0,
                is_private_home=n % 5 == 1,
                latitude=town.latitude + Decimal("0.000123") * (n % 4),
            )
        service = ServiceFactory(
            location=location,
            municipality=musashino,
            name=f"{'体操' if n % 3 else 'サロン'}の会{n}",
            name_kana="" if n % 4 == 0 else f"かい{n}",
            status=("active", "active", "paused")[n % 3],
            is_public=n % 2 == 0,
            publication_consent=n % 2 == 0,
            organization=OrganizationFactory(municipality=musashino) if n % 3 == 1 else None,
            area=town.area if n % 9 != 8 else None,
            town=town if n % 6 != 5 else None,
            welcomes_volunteers=n % 4 == 1,
            is_free=(None, True, False)[n % 3],
            confirmed_at=(None, today, dt.date(2020, 4, 1), today - dt.timedelta(days=365))[n % 4],
            categories=[category(c) for c in ("salon", "hobby-music")[: n % 3]],
        )
        for kind in range(n % 4):
            ScheduleFactory(
                service=service,
                freq=("WEEKLY", "MONTHLY", "IRREGULAR")[kind % 3],
                byday=("TU,TH", "2WE,-1FR", "")[kind % 3],
                opens_at=dt.time(9 + kind, 30) if n % 2 else None,
                closes_at=dt.time(12, 0) if n % 4 == 1 else None,
                closed_on_holidays=kind == 0,
                closed_year_end=n % 5 == 0,
                note="雨天中止" if kind == 2 else "",
                valid_from=dt.date(2026, 4, 1) if n % 3 == 0 else None,
            )
        made.append(service)
    return made


def _clients(musashino) -> dict[str, Client]:
    mitaka = municipality_create(code="132047", name="三鷹市")
    users = {
        "tier1": User.objects.get(username="tier1"),
        "tier2": User.objects.get(username="tier2-1"),
        "regional": UserFactory(municipality=mitaka, role=Role.REGIONAL),
    }
    clients = {}
    for who, user in users.items():
        plain = token_create(user=user, name="test")[1]
        clients[who] = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return clients


def _queries(musashino) -> list[dict]:
    area = musashino.areas.order_by("id").first().pk
    town = Town.objects.filter(municipality=musashino).order_by("id").first().pk
    out = []
    for word in ("", "体操", "サロン", "会"):
        out += [
            {"q": word},
            {"q": word, "page_size": 7, "page": 2},
            {"q": word, "page_size": 200},
            {"q": word, "area": area, "weekday": "TU"},
            {"q": word, "free": "true"},
            {"q": word, "near_town": town, "radius": 5000},
            {"q": word, "status": ["active", "paused", "closed"], "recheck": "true"},
        ]
    return out


def _expected(body: dict, *, public: bool) -> bytes:
    """The answer the record's schema gives for the answer's services, in its order."""
    ids = [item["id"] for item in body["items"]]
    services = Service.objects.select_related("organization", "area", "town", "location")
    by_id = {
        s.pk: s for s in services.prefetch_related("categories", "schedules").filter(pk__in=ids)
    }
    request = RequestFactory().get(URL)
    request.resource_distances = {}
    points = area_centroids() if public else {}
    items = []
    for item in body["items"]:
        service = by_id[item["id"]]
        # The categories in the list's order (axis, order, id), as the search page shows them.
        service._prefetched_objects_cache["categories"] = service.categories.order_by(
            "axis", "order", "id"
        )
        fields = _ServiceFromModel.model_validate(service, context={"request": request}).model_dump(
            include=set(ServiceItem.model_fields)
        )
        if public and service.location_id and service.location.is_private_home:
            fields["latitude"], fields["longitude"] = points.get(service.area_id, (None, None))
        fields["distance_m"] = item["distance_m"]  # the search's own figure, not rebuilt here
        items.append(fields)
    data = {"items": items, "count": body["count"], "count_exact": body["count_exact"]}
    rendered = ninja_api.renderer.render(request, data, response_status=200)
    return rendered.encode() if isinstance(rendered, str) else rendered


@pytest.mark.django_db
def test_search_answers_are_the_records_own_fields_byte_for_byte(musashino, services):
    clients = _clients(musashino)
    seen = 0
    for who, client in clients.items():
        for params in _queries(musashino):
            response = client.get(URL, params)
            assert response.status_code == 200, (who, params)
            body = json.loads(response.content)
            assert response.content == _expected(body, public=who == "regional"), (who, params)
            seen += len(body["items"])
    assert seen > 200  # the queries found services (the comparison is not empty)
