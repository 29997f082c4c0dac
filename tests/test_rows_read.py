"""A request reads the rows of its own scope, not the installation's (issue 26): when another
municipality (in another prefecture) adds areas, towns and resources, the rows a request
fetches through the ORM stay the same.

Query counts (tests/test_query_counts.py) cannot see this class of defect: a statement that
reads every town of the installation to place one private home is still one statement. Here
every row the ORM fetches is counted (django.db.models.sql.compiler.cursor_iter, which every
multi-row SELECT goes through), for the pages and API calls that place private homes in
public (the prefecture-wide reader's search and list, the public finder's list, map and
「近く」 search, a public detail page), before and after the other municipality grows.
"""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db.models.sql import compiler
from django.test import Client

from sasaeai.accounts.models import Role, User
from sasaeai.accounts.services import token_create
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.org.models import Municipality, Town
from sasaeai.org.services import municipality_create
from sasaeai.org.tests.factories import AreaFactory, TownFactory
from sasaeai.resources import services as resource_services
from sasaeai.resources.models import VerificationPolicy

pytestmark = pytest.mark.django_db


def _private_home_salon(municipality: Municipality, name: str) -> int:
    tier1 = User.objects.filter(municipality=municipality, role=Role.TIER1).first()
    town = Town.objects.filter(municipality=municipality, area__isnull=False).first()
    location = resource_services.location_save(
        user=tier1,
        municipality=municipality,
        name="個人宅",
        address=f"{town.name}1丁目2番3号",
        town=town,
        latitude=town.latitude or Decimal("35.70"),
        longitude=town.longitude or Decimal("139.57"),
        is_approximate=False,
        is_private_home=True,
    )
    service = resource_services.service_create(
        user=tier1,
        location=location,
        fields={"name": name, "is_public": True, "publication_consent": True, "is_free": True},
    )
    return service.pk


def _grow_elsewhere(n: int) -> None:
    """Another municipality, in another prefecture, with n areas of three towns each and a
    private-home salon in each area, which hides its unverified resources (its verification
    policy is one more row that only its own pages may read)."""
    sapporo = Municipality.objects.filter(code="011002").first() or municipality_create(
        code="011002", name="札幌市"
    )
    VerificationPolicy.objects.update_or_create(
        municipality=sapporo, defaults={"valid_days": 365, "hide_after_days": 90}
    )
    tier1 = User.objects.filter(municipality=sapporo, role=Role.TIER1).first() or UserFactory(
        municipality=sapporo, role=Role.TIER1
    )
    for _ in range(n):
        area = AreaFactory(municipality=sapporo)
        towns = [
            TownFactory(area=area, municipality=sapporo, latitude=Decimal("43.06"))
            for _ in range(3)
        ]
        location = resource_services.location_save(
            user=tier1,
            municipality=sapporo,
            name="個人宅",
            address=f"{towns[0].name}1丁目",
            town=towns[0],
            latitude=Decimal("43.06"),
            longitude=Decimal("141.35"),
            is_approximate=False,
            is_private_home=True,
        )
        resource_services.service_create(
            user=tier1,
            location=location,
            fields={"name": "サロン札幌", "is_public": True, "publication_consent": True},
        )


def _rows_fetched(request: Callable[[], object]) -> int:
    counted = [0]
    original = compiler.cursor_iter

    def counting(cursor, sentinel, col_count, itersize):
        for rows in original(cursor, sentinel, col_count, itersize):
            counted[0] += len(rows)
            yield rows

    compiler.cursor_iter = counting
    try:
        response = request()
    finally:
        compiler.cursor_iter = original
    assert response.status_code == 200, response.content[:300]
    return counted[0]


@pytest.fixture
def requests(musashino) -> dict[str, Callable[[], object]]:
    pk = _private_home_salon(musashino, "ひだまりサロン")
    mitaka = municipality_create(code="132047", name="三鷹市")
    reader = UserFactory(municipality=mitaka, role=Role.REGIONAL)
    token = token_create(user=reader, name="広域")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    public = Client()
    staff = Client()
    staff.force_login(reader)
    town = Town.objects.filter(municipality=musashino, area__isnull=False).first()
    code = musashino.code
    return {
        "regional API search": lambda: api.get("/api/v1/resources", {"q": "サロン"}),
        "regional resource list": lambda: staff.get("/resources/", {"q": "サロン"}),
        "public finder list and map": lambda: public.get(f"/finder/{code}/", {"q": "サロン"}),
        "public finder near a town": lambda: public.get(
            f"/finder/{code}/", {"q": "サロン", "near": town.name}
        ),
        "public detail": lambda: public.get(f"/finder/{code}/{pk}/"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "regional API search",
        "regional resource list",
        "public finder list and map",
        "public finder near a town",
        "public detail",
    ],
)
def test_rows_read_do_not_grow_with_other_municipalities(requests, name):
    request = requests[name]
    request()  # warm: per-process caches filled once
    before = _rows_fetched(request)
    _grow_elsewhere(4)
    after = _rows_fetched(request)
    assert after == before, f"{name}: {before} rows fetched, {after} after another city grew"


def test_the_counter_sees_a_whole_table_read(musashino):
    """Self-test: a request that reads every town of the installation is caught."""
    from sasaeai.resources.selectors import area_centroids

    class Done:
        status_code = 200

    def whole_table():
        area_centroids()
        return Done()

    before = _rows_fetched(whole_table)
    _grow_elsewhere(2)
    assert _rows_fetched(whole_table) == before + 6
