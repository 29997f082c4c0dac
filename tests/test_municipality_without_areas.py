"""A municipality that uses no tier-2 areas works: every page a role may open answers without
a server error, and a coordinator records resources there. The municipality is onboarded as
an operator would (`sasaeai municipality create`, `sasaeai user create`), so it has its real
towns and no area at all."""

import pytest
from django.core.management import call_command
from django.test import Client

from sasaeai.accounts.models import Role, User

from .access_world import url_routes

pytestmark = pytest.mark.django_db

CODE = "352071"  # 下松市
ROLES = [Role.ADMIN, Role.TIER1, Role.OFFICIAL, Role.COUNCIL]
SKIP = ("django-admin/", "api/", "accounts/logout/", "accounts/login/verify/")


@pytest.fixture
def kudamatsu(capsys):
    call_command("municipality", "create", CODE)
    for role in ROLES:
        call_command("user", "create", f"k-{role}", "--role", role, "--municipality", CODE)
    User.objects.filter(municipality__code=CODE).update(must_change_password=False)
    capsys.readouterr()


def _client(role: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=f"k-{role}"))
    return client


def _pages() -> list[str]:
    return sorted(
        "/" + r.route
        for r in url_routes()
        if not r.params and not r.is_regex and not r.route.startswith(SKIP)
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_without_areas(kudamatsu, role):
    client = _client(role)
    failures = {}
    for path in _pages():
        response = client.get(path)
        if response.status_code >= 500:
            failures[path] = response.status_code
    assert not failures, f"{role}: {failures}"


def test_a_coordinator_records_a_resource_without_areas(kudamatsu):
    from sasaeai.resources.models import Service
    from sasaeai.resources.tests.test_views import form_data

    client = _client(Role.TIER1)
    response = client.post(
        "/resources/new/",
        form_data(None, address="山口県下松市大字末武上123", postal_code="744-0024", categories=[]),
    )
    assert response.status_code == 302
    service = Service.objects.get(name="新しいサロン")
    assert service.town.name == "大字末武上" and service.area is None
    assert client.get(f"/resources/{service.pk}/").status_code == 200
    assert "新しいサロン" in client.get("/resources/").content.decode()


def test_the_case_form_says_why_it_needs_an_area(kudamatsu):
    body = _client(Role.TIER1).get("/cases/new/").content.decode()
    assert "この市区町村には圏域がまだありません" in body
