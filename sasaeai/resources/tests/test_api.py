"""GET /api/v1/resources (the same search as the list) and GET /api/v1/resources/{id}."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.org.models import Town
from sasaeai.resources.selectors import ServiceFilters, service_search

from .factories import LocationFactory, ScheduleFactory, ServiceFactory, category

URL = "/api/v1/resources"


@pytest.fixture
def api(client, musashino):
    client.force_login(User.objects.get(username="tier1"))
    return client


def make(municipality, town_name, **kwargs):
    town = Town.objects.get(municipality=municipality, name=town_name)
    return ServiceFactory(location=LocationFactory(town=town), **kwargs)


def test_search_answers_items_and_count(api, musashino):
    karaoke = make(musashino, "境", name="カラオケ同好会", categories=[category("hobby-music")])
    make(musashino, "桜堤", name="体操の会")
    body = api.get(URL, {"q": "ｶﾗｵｹ"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == karaoke.pk
    assert item["name"] == "カラオケ同好会"
    assert item["categories"] == ["カラオケ・音楽"]
    assert item["town"] == "境"
    assert item["hsds_status"] == "active"


def test_filters_as_query_parameters(api, musashino):
    tuesday = make(musashino, "境", name="火曜の体操", is_free=True)
    ScheduleFactory(service=tuesday, byday="TU", opens_at=dt.time(10))
    friday = make(musashino, "境", name="金曜の体操", is_free=True)
    ScheduleFactory(service=friday, byday="FR", opens_at=dt.time(10))
    area = tuesday.area_id
    body = api.get(
        URL, {"q": "体操", "area": area, "weekday": "TU", "free": "true", "time_of_day": "morning"}
    ).json()
    assert [i["id"] for i in body["items"]] == [tuesday.pk]
    body = api.get(URL, {"weekday": ["1", "4"]}).json()
    assert {i["id"] for i in body["items"]} == {tuesday.pk, friday.pk}


def test_pagination(api, musashino):
    for n in range(7):
        make(musashino, "中町", name=f"サロン{n}")
    body = api.get(URL, {"q": "サロン", "page_size": 3, "page": 3}).json()
    assert body["count"] == 7
    assert len(body["items"]) == 1
    # The pages follow the search's order (the count is read with the page's ids).
    pages = [api.get(URL, {"q": "サロン", "page_size": 3, "page": p}).json() for p in (1, 2, 3)]
    names = [i["name"] for page in pages for i in page["items"]]
    tier1 = User.objects.get(username="tier1")
    result = service_search(user=tier1, filters=ServiceFilters(text="サロン"))
    assert names == [s.name for s in result.queryset]
    assert sorted(names) == [f"サロン{n}" for n in range(7)]
    assert {page["count"] for page in pages} == {7}
    body = api.get(URL, {"q": "サロン", "page_size": 3, "page": 9}).json()
    assert body == {"items": [], "count": 7, "count_exact": True}
    body = api.get(URL, {"q": "見つからない言葉"}).json()
    assert body == {"items": [], "count": 0, "count_exact": True}


def test_distance_is_given_when_near(api, musashino):
    near = make(musashino, "桜堤", name="桜堤のサロン")
    body = api.get(URL, {"near": "桜堤2丁目", "radius": 2000}).json()
    item = next(i for i in body["items"] if i["id"] == near.pk)
    assert item["distance_m"] is not None and item["distance_m"] <= 2000


def test_query_count_is_bounded(api, musashino, django_assert_max_num_queries):
    for n in range(25):
        service = make(musashino, "中町", name=f"サロン{n}", categories=[category("salon")])
        ScheduleFactory(service=service)
    with django_assert_max_num_queries(15):
        body = api.get(URL, {"q": "サロン", "category": category("salon").pk}).json()
    assert body["count"] == 25


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"weekday": "XX"}, "weekday"),
        ({"time_of_day": "midnight"}, "time_of_day"),
        ({"status": "deleted"}, "status"),
        ({"radius": "999999"}, "radius"),
    ],
)
def test_bad_parameters_answer_422_in_japanese(api, musashino, params, field):
    response = api.get(URL, params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.parametrize("q", ['"', "' OR 1=1 --", "NEAR(a b)", "🎤", "あ" * 10_000])
def test_hostile_queries_never_error(api, musashino, q):
    assert api.get(URL, {"q": q}).status_code == 200


def test_detail(api, musashino):
    service = make(musashino, "境", name="よりあい食堂", contact_phone="0422-00-0001")
    ScheduleFactory(service=service, freq="MONTHLY", byday="2WE,4WE")
    body = api.get(f"{URL}/{service.pk}").json()
    assert body["id"] == service.pk
    assert body["contact_phone"] == "0422-00-0001"
    assert body["schedule_details"][0]["text"] == "第2・第4水曜"


def test_detail_of_another_municipality_is_404(api, musashino):
    assert api.get(f"{URL}/{ServiceFactory().pk}").status_code == 404


def test_council_is_refused_and_anonymous_unauthenticated(client, musashino):
    assert client.get(URL).status_code == 401
    client.force_login(User.objects.get(username="council"))
    assert client.get(URL).status_code == 403


def test_recheck_filter(api, musashino):
    stale = make(musashino, "境", confirmed_at=dt.date(2020, 4, 1))
    fresh = make(musashino, "境", confirmed_at=timezone.localdate())
    ids = {i["id"] for i in api.get(URL, {"recheck": "true"}).json()["items"]}
    assert stale.pk in ids and fresh.pk not in ids
