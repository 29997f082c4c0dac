"""The narrow search rows (models.SearchRow, search_rows.py) and the prefecture-wide search
that runs on them.

- The class test: after every kind of write of a service (created and edited through the
  service layer, a status change, publication, an import, a place becoming a private home,
  a queryset update, deletes), every service's narrow row equals the service, on whichever
  backend the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL).
- The prefecture-wide reader's search through the API (which ranks and sorts the narrow rows)
  answers exactly what the same search on the service rows does (the plain SQL path) and what
  the Service queryset of the result holds: same ids, order and count."""

import datetime as dt

import pytest

from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Role
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.exchange import services as exchange
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.tests.helpers import csv_bytes, template_row, upload
from sasaeai.org.models import Town
from sasaeai.org.services import municipality_create_from_code
from sasaeai.resources import search_rows, selectors
from sasaeai.resources.models import SearchRow, Service
from sasaeai.resources.selectors import ServiceFilters, service_search
from sasaeai.resources.services import (
    location_save,
    service_create,
    service_update,
    services_set_publication,
)

from .factories import LocationFactory, ScheduleFactory, ServiceFactory

URL = "/api/v1/resources"


def assert_in_step() -> None:
    assert search_rows.out_of_step() == []
    assert SearchRow.objects.count() == Service.objects.count()


@pytest.fixture
def tier1(musashino):
    return User.objects.get(username="tier1")


def test_rows_follow_every_kind_of_write(musashino, tier1):
    town = Town.objects.get(municipality=musashino, name="桜堤")
    place = LocationFactory(town=town, name="桜堤集会所")
    created = service_create(
        user=tier1,
        fields={"name": "桜堤の体操", "name_kana": "さくらづつみのたいそう", "is_free": True},
        location=place,
    )
    assert_in_step()
    service_update(
        user=tier1,
        service=created,
        fields={"name": "桜堤のカフェ", "name_kana": "", "description": "毎週の集まり"},
    )
    row = SearchRow.objects.get(pk=created.pk)
    assert row.name == "桜堤のカフェ"
    assert row.sort_key == Service.objects.get(pk=created.pk).name_reading != ""
    assert_in_step()
    service_update(user=tier1, service=created, fields={"status": Service.Status.PAUSED})
    assert SearchRow.objects.get(pk=created.pk).status == Service.Status.PAUSED
    assert_in_step()
    services_set_publication(user=tier1, service_ids=[created.pk], action="consent_publish")
    assert SearchRow.objects.get(pk=created.pk).is_public
    assert_in_step()
    # The import writes in bulk (documents and facts by raw UPDATEs).
    content = csv_bytes(
        [
            TEMPLATE_HEADERS,
            template_row(名称="境のサロン", 町="境"),
            template_row(名称="中町の食堂", 町="中町", 掲載の同意="はい"),
        ]
    )
    exchange.import_upload(user=tier1, upload=upload(content, "台帳.csv"), commit=True)
    assert Service.objects.filter(name="境のサロン").exists()
    assert_in_step()
    # A place becoming a private home leaves the public document (refresh_documents).
    location_save(
        user=tier1,
        municipality=musashino,
        location=place,
        name=place.name,
        town=town,
        is_private_home=True,
    )
    assert "桜堤集会所" not in SearchRow.objects.get(pk=created.pk).public_search_text
    assert_in_step()
    Service.objects.filter(pk=created.pk).update(confirmed_at=dt.date(2026, 1, 5), is_free=None)
    assert_in_step()
    created.delete()
    assert not SearchRow.objects.filter(pk=created.pk).exists()
    Service.objects.filter(name="境のサロン").delete()
    assert_in_step()


def test_migration_filled_rows_are_refilled_by_install(musashino):
    """search_rows.install (migration 0012, and SQLite's re-creation after a table rebuild)
    makes the rows of services written while no trigger kept them."""
    ServiceFactory(location=LocationFactory(town=Town.objects.filter(municipality=musashino)[0]))
    SearchRow.objects.all().delete()
    assert search_rows.out_of_step() != []
    from django.db import connection

    search_rows.install(connection)
    assert_in_step()


@pytest.fixture
def prefecture(musashino):
    """Services in two municipalities of Tokyo and one of another prefecture, public or not,
    with readings that order them, some meeting on Tuesdays, some free."""
    mitaka, _, _ = municipality_create_from_code(code="132047")
    osaka, _, _ = municipality_create_from_code(code="271004")
    made = []
    specs = [
        (musashino, "体操クラブ", "たいそうくらぶ", True, True, "TU"),
        (musashino, "朝の健康体操", "あさのけんこうたいそう", True, None, "TU"),
        (musashino, "いきいき体操", "", True, True, "WE"),
        (musashino, "体操の会（非公開）", "たいそうのかい", False, True, "TU"),
        (musashino, "カフェ体操", "かふぇたいそう", True, True, "TU"),
        (musashino, "みんなのカフェ", "みんなのかふぇ", True, True, "TU"),
        (mitaka, "三鷹の体操", "みたかのたいそう", True, True, "TU"),
        (mitaka, "ラジオ体操の会", "らじおたいそうのかい", True, False, "TU"),
        (mitaka, "カフェ・サロン", "かふぇさろん", True, True, "TU"),
        (mitaka, "体操（休止中）", "たいそう", True, True, "TU"),
        (osaka, "大阪の体操", "おおさかのたいそう", True, True, "TU"),
    ]
    for municipality, name, kana, public, free, day in specs:
        town = Town.objects.filter(municipality=municipality).order_by("pk")[0]
        service = ServiceFactory(
            location=LocationFactory(town=town),
            name=name,
            name_kana=kana,
            is_public=public,
            publication_consent=True,
            is_free=free,
            description="体操のあとにお茶" if "カフェ" in name else "",
            status=Service.Status.PAUSED if "休止" in name else Service.Status.ACTIVE,
        )
        ScheduleFactory(service=service, byday=day, opens_at=dt.time(10))
        made.append(service)
    return made


QUERIES = [
    {"q": "体操"},
    {"q": "体操", "weekday": "TU", "free": "true"},
    {"q": "たいそう", "weekday": "TU"},
    {"q": "カフェ", "free": "true"},
    {"q": "カフェ 体操"},
    {"q": "ｶﾌｪ"},
    {"q": "お茶"},
    {"weekday": "TU", "free": "true"},
    {"q": "存在しない言葉"},
    {},
]


def _api(client, params: dict) -> tuple[list[int], int]:
    body = client.get(URL, {**params, "page_size": 100}).json()
    return [item["id"] for item in body["items"]], body["count"]


@pytest.fixture
def on_rows(monkeypatch):
    """The search on the narrow rows whatever the backend (selectors.SEARCH_ROWS_VENDORS
    leaves SQLite on the service rows, where the rows do not pay)."""
    monkeypatch.setattr(selectors, "SEARCH_ROWS_VENDORS", ("sqlite", "postgresql"))


def test_prefecture_wide_search_on_rows_answers_as_on_services(
    client, musashino, prefecture, monkeypatch, on_rows
):
    regional = UserFactory(municipality=musashino, role=Role.REGIONAL)
    client.force_login(regional)
    osaka = prefecture[-1]
    for params in QUERIES:
        ids, count = _api(client, params)
        assert count == len(ids)
        assert osaka.pk not in ids
        monkeypatch.setattr(selectors, "SEARCH_INDEX", False)  # plain SQL on the service rows
        plain_ids, plain_count = _api(client, params)
        monkeypatch.setattr(selectors, "SEARCH_INDEX", True)
        assert (ids, count) == (plain_ids, plain_count), params
        filters = ServiceFilters(
            text=params.get("q", ""),
            weekdays=[1] if "weekday" in params else [],
            is_free=True if "free" in params else None,
        )
        result = service_search(user=regional, filters=filters)
        assert result.rows is not None
        assert [s.pk for s in result.queryset] == ids, params
    ids, _ = _api(client, {"q": "体操", "weekday": "TU"})
    by_name = dict(Service.objects.filter(pk__in=ids).values_list("pk", "name"))
    # Public, active, Tokyo only; the name starting with the word, then holding it, then the
    # description (カフェ's 「体操のあとにお茶」), each by reading.
    assert [by_name[pk] for pk in ids] == [
        "体操クラブ",
        "朝の健康体操",
        "カフェ体操",
        "三鷹の体操",
        "ラジオ体操の会",
        "カフェ・サロン",
        "みんなのカフェ",
    ]


def test_regional_search_with_a_place_stays_on_services(musashino, prefecture, on_rows):
    regional = UserFactory(municipality=musashino, role=Role.REGIONAL)
    town = Town.objects.filter(municipality=musashino, latitude__isnull=False)[0]
    result = service_search(
        user=regional, filters=ServiceFilters(text="体操", near_town_id=town.pk, radius_m=20_000)
    )
    assert result.rows is None
    assert result.for_page is result.queryset


def test_rows_only_where_they_pay(musashino, prefecture):
    from django.db import connection

    regional = UserFactory(municipality=musashino, role=Role.REGIONAL)
    result = service_search(user=regional, filters=ServiceFilters(text="体操"))
    assert (result.rows is not None) == (connection.vendor == "postgresql")


def test_coordinator_search_does_not_use_rows(tier1, prefecture, on_rows):
    result = service_search(user=tier1, filters=ServiceFilters(text="体操"))
    assert result.rows is None
    names = {s.name for s in result.queryset}
    assert "体操の会（非公開）" in names and "三鷹の体操" not in names


def test_out_of_step_sees_a_stale_index_column_on_postgresql(musashino):
    """On PostgreSQL the check behind the class test above also compares the narrow rows'
    index columns (the pair vectors, the fact array), so a trigger that stopped copying one
    would fail it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's narrow rows have no index columns (its index is the FTS5 table)")
    town = Town.objects.filter(municipality=musashino).order_by("pk")[0]
    service = ServiceFactory(location=LocationFactory(town=town), name="ひだまりサロン")
    assert_in_step()
    for column in ("search_name_tokens", "search_pairs", "search_fact_tokens"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE resources_search_row SET {column} = NULL WHERE service_id = %s",
                [service.pk],
            )
        assert search_rows.out_of_step() == [service.pk], column
        search_rows.install(connection)
        assert_in_step()
