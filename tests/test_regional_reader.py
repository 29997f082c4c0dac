"""The regional reader (広域閲覧) of another municipality sees what the public sees plus
aggregate figures, nothing more (#18 §5).

A home salon of Musashino holds a value in every field residents do not see (the exact address
and 方書, the house's point, the host's name, a non-public phone, the internal note), beside a
service that is not public at all. A regional reader of 三鷹市 (same prefecture) then opens
every page of the resources, exchange, reports and organisation screens and every API GET
operation (ids filled with the salon's), following redirects: none of those values, and not the
non-public service, may appear anywhere. The salon's public name must (the reader does reach it).
"""

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sasaeai.accounts.models import Role, User
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.org.models import Town
from sasaeai.org.services import municipality_create
from sasaeai.resources import services as resource_services

pytestmark = pytest.mark.django_db

SECRETS = {
    "exact address": "17番29号",
    "方書": "コーポ秘密101",
    "point (latitude)": "35.701234",
    "point (longitude)": "139.561234",
    "host name": "山田秘子",
    "non-public phone": "0422-11-2233",
    "internal note": "職員だけの秘密メモ",
    "non-public service": "非公開の秘密サービス",
}
PUBLIC_NAME = "ひだまり秘密サロン"
NAMESPACES = ("resources", "exchange", "reports", "org")


def _walk(patterns, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _walk(pattern.url_patterns, route, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            routes.append((namespace, route))
    return routes


@pytest.fixture
def salon(musashino):
    tier1 = User.objects.get(username="tier1")
    town = Town.objects.filter(municipality=musashino, area__isnull=False).first()
    location = resource_services.location_save(
        user=tier1,
        municipality=musashino,
        name="山田宅",
        address=f"{town.name}4丁目{SECRETS['exact address']}",
        address_2=SECRETS["方書"],
        town=town,
        latitude=Decimal(SECRETS["point (latitude)"]),
        longitude=Decimal(SECRETS["point (longitude)"]),
        is_approximate=False,
        is_private_home=True,
    )
    service = resource_services.service_create(
        user=tier1,
        location=location,
        fields={
            "name": PUBLIC_NAME,
            "is_public": True,
            "publication_consent": True,
            "contact_name": SECRETS["host name"],
            "contact_phone": SECRETS["non-public phone"],
            "contact_is_public": False,
            "internal_note": SECRETS["internal note"],
        },
    )
    hidden = resource_services.service_create(
        user=tier1,
        location=location,
        fields={"name": SECRETS["non-public service"], "is_public": False},
    )
    return service, hidden


@pytest.fixture
def regional(musashino):
    mitaka = municipality_create(code="132047", name="三鷹市")
    client = Client()
    client.force_login(UserFactory(municipality=mitaka, role=Role.REGIONAL))
    return client


def _text(response) -> str:
    """The answer as text, JSON decoded so that escaped Japanese is searchable."""
    text = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text += json.dumps(response.json(), ensure_ascii=False)
    return text


def _urls(service_pk: int, code: str) -> list[str]:
    urls = []
    for namespace, route in _walk(get_resolver().url_patterns):
        if namespace.split(":")[0] not in NAMESPACES or "(?P" in route:
            continue
        route = re.sub(r"<int:(pk|service_id)>", str(service_pk), route)
        route = route.replace("<str:code>", code)
        if "<" not in route:
            urls.append("/" + route)
    return sorted(set(urls))


def test_regional_reader_sees_nothing_beyond_the_public(musashino, salon, regional):
    service, hidden = salon
    leaks, opened = [], []
    searches = ["", f"?q={SECRETS['exact address']}", "?q=山田", f"?q={SECRETS['host name']}"]
    for url in _urls(service.pk, musashino.code):
        for query in searches if url.endswith("/resources/") else [""]:
            response = regional.get(url + query, follow=True)
            body = _text(response)
            opened.append((url + query, response.status_code))
            if query:  # the search box shows the words typed: the results must not match them
                body = body.replace(query.removeprefix("?q="), "")
                if PUBLIC_NAME in body and query != "?q=山田":
                    leaks.append(f"{url}{query}: found by a hidden value")
            leaks += [f"{url}{query}: {what}" for what, v in SECRETS.items() if v in body]
    schema = regional.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        url = re.sub(r"\{service_id\}", str(service.pk), path)
        if "{" in url:
            continue
        body = _text(regional.get(url))
        opened.append((url, None))
        leaks += [f"{url}: {what}" for what, v in SECRETS.items() if v in body]
    assert leaks == [], "\n".join(leaks)
    assert len(opened) > 10
    # The reader does reach the salon as the public does: list, API list and detail page.
    assert PUBLIC_NAME in regional.get("/resources/").content.decode()
    assert PUBLIC_NAME in _text(regional.get("/api/v1/resources"))
    detail = regional.get(f"/resources/{service.pk}/", follow=True)
    assert detail.status_code == 200 and PUBLIC_NAME in detail.content.decode()
    assert regional.get(f"/resources/{hidden.pk}/").status_code == 404


def test_staff_of_the_municipality_still_see_every_field(musashino, salon):
    service, _ = salon
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    body = client.get(f"/resources/{service.pk}/").content.decode()
    assert SECRETS["internal note"] in body and SECRETS["方書"] in body
