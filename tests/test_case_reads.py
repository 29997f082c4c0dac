"""Every page and API operation that shows a case's personal data writes an audited read.

The URL patterns of the cases app and the API's operations are enumerated (a new one is
covered without being listed here); each is opened for a case whose personal fields hold
unmistakable values, by a tier-1 coordinator who may see it. Whenever the answer shows one
of those values, the audit log must have gained a 閲覧 row for that case during the request.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.cases.tests.factories import CaseEntryFactory, CaseFactory, ReferralFactory

pytestmark = pytest.mark.django_db

NAME = "読取確認太郎"
KANA = "ヨミトリカクニンタロウ"
PHONE = "0422-99-8765"
NEEDS = "読取確認のための希望文"
ENTRY_TEXT = "読取確認の経過メモ"
PERSONAL = (NAME, KANA, PHONE, NEEDS, ENTRY_TEXT)


def _walk(patterns, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def case_page_routes() -> list[str]:
    """Every route of the cases app's pages ("cases/<int:pk>/edit/", …)."""
    return sorted(r for r in _walk(get_resolver().url_patterns) if r.startswith("cases/"))


def _fill(route: str, ids: dict[str, int]) -> str | None:
    """The URL of a route for the planted case, or None if it needs an object we do not plant."""
    parts = route.split("/")
    for i, part in enumerate(parts):
        match = re.fullmatch(r"[<{](?:\w+:)?(\w+)[>}]", part)
        if match is None:
            continue
        before = parts[i - 1] if i else ""
        kind = {"entries": "entry", "referrals": "referral"}.get(before, "case")
        if before not in ("cases", "entries", "referrals"):
            return None
        parts[i] = str(ids[kind])
    return "/".join(parts)


@pytest.fixture
def planted(musashino):
    tier1 = User.objects.get(username="tier1")
    area = musashino.areas.first()
    case = CaseFactory(
        area=area,
        municipality=musashino,
        coordinator=tier1,
        created_by=tier1,
        person_name=NAME,
        person_name_kana=KANA,
        contact_phone=PHONE,
        needs_text=NEEDS,
    )
    entry = CaseEntryFactory(case=case, text=ENTRY_TEXT)
    referral = ReferralFactory(case=case)
    client = Client()
    client.force_login(tier1)
    return {"case": case.pk, "entry": entry.pk, "referral": referral.pk}, client


def _reads(case_pk: int) -> int:
    """Audited reads of the case: views, and exports (the person's own copy, 開示)."""
    return AuditEvent.objects.filter(
        action__in=("view", "export"), target_type="cases.case", target_id=str(case_pk)
    ).count()


def _check(client: Client, url: str, case_pk: int) -> bool:
    """Opens the URL; returns whether it showed personal data (and asserts the read row)."""
    before = _reads(case_pk)
    response = client.get(url)
    if response.status_code != 200:
        return False
    body = response.content.decode()
    shown = [value for value in PERSONAL if value in body]
    if shown:
        assert _reads(case_pk) > before, f"{url} shows {shown} without an audited read"
    return bool(shown)


def test_every_case_page_that_shows_personal_data_audits_the_read(planted):
    ids, client = planted
    showing = []
    for route in case_page_routes():
        url = _fill(route, ids)
        if url is not None and _check(client, "/" + url, ids["case"]):
            showing.append(route)
    # The walk did reach the pages that show the person (the detail, edit and entry pages).
    assert {"cases/<int:pk>/", "cases/<int:pk>/edit/", "cases/entries/<int:pk>/edit/"} <= set(
        showing
    ), showing


def test_every_api_operation_that_shows_personal_data_audits_the_read(planted):
    ids, client = planted
    schema = client.get("/api/v1/openapi.json").json()
    showing = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        url = path
        for name in re.findall(r"\{(\w+)\}", path):
            kind = {"case_id": "case", "entry_id": "entry", "referral_id": "referral"}.get(name)
            if kind is None:
                url = None
                break
            url = url.replace("{" + name + "}", str(ids[kind]))
        if url is not None and _check(client, url, ids["case"]):
            showing.append(path)
    assert "/api/v1/cases/{case_id}" in showing, showing


def test_the_walk_sees_every_case_route():
    routes = case_page_routes()
    assert "cases/<int:pk>/edit/" in routes and "cases/entries/<int:pk>/edit/" in routes
