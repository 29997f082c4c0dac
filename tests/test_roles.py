"""Role and area rules of the foundation, through real requests: for every role, which pages
and API endpoints answer 200, 403 or 404."""

import pytest

from sasaeai.accounts.models import User
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.org.models import Area, SupportCenter
from sasaeai.org.tests.factories import AreaFactory, SupportCenterFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "tier1", "tier2-1", "official", "council"]

# page → expected status per role (302 for anonymous is checked separately).
PAGES = {
    "/": dict.fromkeys(ROLES, 200),
    "/accounts/me/": dict.fromkeys(ROLES, 200),
    "/accounts/users/": {
        "admin": 200,
        "tier1": 403,
        "tier2-1": 403,
        "official": 403,
        "council": 403,
    },
    "/accounts/users/new/": {
        "admin": 200,
        "tier1": 403,
        "tier2-1": 403,
        "official": 403,
        "council": 403,
    },
    "/audit/": {"admin": 200, "tier1": 403, "tier2-1": 403, "official": 403, "council": 403},
    "/org/": {"admin": 200, "tier1": 200, "tier2-1": 200, "official": 200, "council": 403},
    "/org/centers/new/": {
        "admin": 200,
        "tier1": 403,
        "tier2-1": 403,
        "official": 403,
        "council": 403,
    },
}

API = {
    "/api/v1/me": dict.fromkeys(ROLES, 200),
    "/api/v1/users": {"admin": 200, "tier1": 403, "tier2-1": 403, "official": 403, "council": 403},
    "/api/v1/areas": {"admin": 200, "tier1": 200, "tier2-1": 200, "official": 200, "council": 403},
    "/api/v1/towns": {"admin": 200, "tier1": 200, "tier2-1": 200, "official": 200, "council": 403},
    "/api/v1/support-centers": {
        "admin": 200,
        "tier1": 200,
        "tier2-1": 200,
        "official": 200,
        "council": 403,
    },
    "/api/v1/municipalities": {
        "admin": 200,
        "tier1": 200,
        "tier2-1": 200,
        "official": 200,
        "council": 403,
    },
}


@pytest.mark.parametrize("path", list(PAGES))
@pytest.mark.parametrize("username", ROLES)
def test_pages_by_role(client, musashino, path, username):
    client.force_login(User.objects.get(username=username))
    assert client.get(path).status_code == PAGES[path][username]


@pytest.mark.parametrize("path", [*PAGES, "/accounts/users/1/"])
def test_anonymous_is_sent_to_login(client, musashino, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", list(API))
@pytest.mark.parametrize("username", ROLES)
def test_api_by_role(client, musashino, path, username):
    client.force_login(User.objects.get(username=username))
    assert client.get(path).status_code == API[path][username]


@pytest.mark.parametrize("path", list(API))
def test_api_anonymous_is_401(client, musashino, path):
    response = client.get(path)
    assert response.status_code == 401
    assert "ログイン" in response.json()["detail"]


def test_api_lists_are_paginated_items_and_count(client, musashino):
    client.force_login(User.objects.get(username="tier1"))
    data = client.get("/api/v1/towns?page=2&page_size=5").json()
    assert data["count"] == 13 and len(data["items"]) == 5


class TestOtherMunicipality:
    """A user of another municipality asks for Musashino's objects by id."""

    def test_area_and_center_by_id_are_404(self, client, musashino):
        stranger = UserFactory(role="tier1")
        client.force_login(stranger)
        area = Area.objects.filter(municipality=musashino).first()
        center = SupportCenter.objects.filter(municipality=musashino).first()
        assert client.get(f"/api/v1/areas/{area.pk}").status_code == 404
        assert client.get(f"/api/v1/support-centers/{center.pk}").status_code == 404
        assert client.get("/api/v1/towns").json()["count"] == 0

    def test_foreign_admin_cannot_edit_musashino(self, client, musashino):
        stranger = UserFactory(role="admin")
        client.force_login(stranger)
        area = Area.objects.filter(municipality=musashino).first()
        assert client.get(f"/org/areas/{area.pk}/").status_code == 404
        center = SupportCenter.objects.filter(municipality=musashino).first()
        assert client.post(f"/org/centers/{center.pk}/", {"name": "x"}).status_code == 404


class TestTier2OtherArea:
    def test_tier2_reads_but_cannot_change_another_areas_center(self, client, musashino):
        client.force_login(User.objects.get(username="tier2-1"))
        other_center = SupportCenter.objects.get(area__name="境南エリア")
        assert client.get(f"/api/v1/support-centers/{other_center.pk}").status_code == 200
        assert client.post(f"/org/centers/{other_center.pk}/", {"name": "x"}).status_code == 403
        other_center.refresh_from_db()
        assert other_center.name != "x"


def test_regional_role_reads_every_municipality_of_its_prefecture(client, musashino):
    from sasaeai.org.services import municipality_create

    mitaka = municipality_create(code="132047", name="三鷹市")
    osaka = municipality_create(code="271004", name="大阪市")
    SupportCenterFactory(area=AreaFactory(municipality=mitaka))
    reader = UserFactory(role="regional", municipality=mitaka)
    client.force_login(reader)
    codes = {m["code"] for m in client.get("/api/v1/municipalities?page_size=100").json()["items"]}
    assert {"132039", "132047"} <= codes
    assert osaka.code not in codes
    # Personal-data modules are never open to the regional role.
    assert client.get("/accounts/users/").status_code == 403
