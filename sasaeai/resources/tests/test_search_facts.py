"""Filters answered by the search index (the fact tokens of search.facts_of), on each backend:
the same rows as the plain SQL filters, kept true whoever changes a service, its schedules,
categories, target groups or town."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaeai.accounts.models import User
from sasaeai.org.models import Area, Town
from sasaeai.resources import selectors
from sasaeai.resources.models import Service, TargetGroup
from sasaeai.resources.search import facts_of, schedule_tokens
from sasaeai.resources.selectors import ServiceFilters, service_search, service_search_public

from .factories import LocationFactory, ScheduleFactory, ServiceFactory, category


@pytest.fixture
def world(musashino):
    """Services spread over towns, days, times, fees, categories, targets and statuses."""
    towns = {t.name: t for t in Town.objects.filter(municipality=musashino)}
    men = TargetGroup.objects.get(code="men")
    carers = TargetGroup.objects.get(code="family-carers")

    def make(name, town, schedules=(), **kwargs):
        kwargs.setdefault("is_public", True)
        kwargs.setdefault("publication_consent", True)
        location = LocationFactory(town=towns[town])
        service = ServiceFactory(name=name, location=location, **kwargs)
        for byday, opens in schedules:
            ScheduleFactory(service=service, byday=byday, opens_at=opens)
        return service

    return {
        "tue_morning": make(
            "火曜の朝の体操",
            "境",
            [("TU", dt.time(10))],
            is_free=True,
            categories=[category("exercise-gymnastics")],
        ),
        "tue_evening": make(
            "火曜の夜の体操",
            "桜堤",
            [("TU", dt.time(18)), ("FR", dt.time(9, 30))],
            is_free=False,
            welcomes_volunteers=True,
            target_groups=[men],
        ),
        "wed_noon": make(
            "水曜の食堂",
            "西久保",
            [("WE", dt.time(12))],
            is_free=None,
            categories=[category("dining")],
            target_groups=[carers],
        ),
        "no_time": make("曜日だけの体操サロン", "中町", [("MO,TH", None)], is_free=True),
        "irregular": make("不定期の歌声サロン", "御殿山", categories=[category("hobby-music")]),
        "paused": make("休止中の体操", "境", [("TU", dt.time(10))], status=Service.Status.PAUSED),
        "closed": make("終了した体操", "境", [("TU", dt.time(10))], status=Service.Status.CLOSED),
        "private": make(
            "非公開の体操", "境", [("TU", dt.time(10))], is_public=False, publication_consent=True
        ),
    }


def staff(text="", **filters):
    user = User.objects.get(username="tier1")
    return [
        s.pk
        for s in service_search(user=user, filters=ServiceFilters(text=text, **filters)).queryset
    ]


def public(municipality, text="", **filters):
    result = service_search_public(
        municipality=municipality, filters=ServiceFilters(text=text, **filters)
    )
    return [s.pk for s in result.queryset]


FILTERS = [
    {},
    {"weekdays": [1]},
    {"weekdays": [1, 4]},
    {"weekdays": [0]},
    {"time_of_day": "morning"},
    {"time_of_day": "evening"},
    {"weekdays": [1], "time_of_day": "morning"},
    {"weekdays": [4], "time_of_day": "evening"},  # Friday is a morning: no schedule is both
    {"is_free": True},
    {"is_free": False},
    {"welcomes_volunteers": True},
    {"statuses": ["closed"]},
    {"statuses": ["active", "paused", "closed"]},
    {"open_on": dt.date(2026, 12, 1), "weekdays": [1]},
]


@pytest.mark.parametrize("text", ["", "体操", "体", "サロン", "歌声"])
@pytest.mark.parametrize("filters", FILTERS)
def test_indexed_filters_give_the_plain_filters_results(world, monkeypatch, text, filters):
    monkeypatch.setattr(selectors, "SEARCH_INDEX", False)
    plain = staff(text, **filters)
    monkeypatch.setattr(selectors, "SEARCH_INDEX", True)
    assert staff(text, **filters) == plain


def test_indexed_filters_by_category_target_area_and_town(world, musashino, monkeypatch):
    men = TargetGroup.objects.get(code="men")
    kyonan = world["tue_morning"].area_id
    combos = [
        {"category_ids": [category("exercise").pk]},  # the parent finds its children
        {"category_ids": [category("dining").pk, category("hobby").pk]},
        {"target_ids": [men.pk]},
        {"area_ids": [kyonan]},
        {"town_ids": [world["wed_noon"].town_id]},
        {"area_ids": [kyonan], "weekdays": [1], "is_free": True},
    ]
    for filters in combos:
        monkeypatch.setattr(selectors, "SEARCH_INDEX", False)
        plain = staff("", **filters)
        monkeypatch.setattr(selectors, "SEARCH_INDEX", True)
        assert staff("", **filters) == plain, filters
        assert plain, filters  # each combination finds something
    assert staff("", category_ids=[category("exercise").pk]) == [world["tue_morning"].pk]
    assert staff("", target_ids=[men.pk]) == [world["tue_evening"].pk]


def test_public_search_through_the_index_shows_only_public_active(world, musashino):
    found = public(musashino, "体操", weekdays=[1])
    assert set(found) == {world["tue_morning"].pk, world["tue_evening"].pk}
    for hidden in ("paused", "closed", "private"):
        assert world[hidden].pk not in public(musashino, "体操")


def test_facts_follow_a_schedule_changed_or_removed(world):
    service = world["wed_noon"]
    assert service.pk in staff("", weekdays=[2])
    schedule = service.schedules.get()
    schedule.byday = "SA"
    schedule.save()
    assert service.pk not in staff("", weekdays=[2])
    assert service.pk in staff("", weekdays=[5], time_of_day="afternoon")
    schedule.delete()
    assert service.pk not in staff("", weekdays=[5])


def test_facts_follow_categories_targets_status_and_fee(world):
    service = world["irregular"]
    dining = category("dining")
    assert service.pk not in staff("", category_ids=[dining.pk])
    service.categories.add(dining)
    assert service.pk in staff("", category_ids=[dining.pk])
    service.categories.remove(dining)
    assert service.pk not in staff("", category_ids=[dining.pk])
    men = TargetGroup.objects.get(code="men")
    service.target_groups.add(men)
    assert service.pk in staff("", target_ids=[men.pk])
    service.status = Service.Status.CLOSED
    service.is_free = True
    service.save()
    assert service.pk not in staff("歌声")
    assert service.pk in staff("歌声", statuses=["closed"], is_free=True)


def test_facts_follow_a_town_moved_to_another_area(world, musashino, monkeypatch):
    service = world["wed_noon"]
    town = Town.objects.get(pk=service.town_id)
    other = Area.objects.filter(municipality=musashino).exclude(pk=town.area_id).first()
    town.area = other
    town.save()
    assert service.pk in staff("", area_ids=[other.pk])
    monkeypatch.setattr(selectors, "SEARCH_INDEX", False)
    assert service.pk in staff("", area_ids=[other.pk])


def test_filters_are_answered_by_the_index_not_by_subqueries(world):
    """With the index, a search by day, time, category and target group reads no schedule or
    link table: the fact tokens answer them (a date still needs the schedules)."""
    men = TargetGroup.objects.get(code="men")
    with CaptureQueriesContext(connection) as queries:
        staff("体操", weekdays=[1], time_of_day="evening", target_ids=[men.pk])
    search_sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "resources_schedule" not in search_sql
    assert "resources_service_target_groups" not in search_sql
    with CaptureQueriesContext(connection) as queries:
        staff("体操", open_on=dt.date(2026, 12, 1))
    assert "resources_schedule" in " ".join(q["sql"] for q in queries.captured_queries)


def test_fact_tokens():
    assert schedule_tokens(0b10, dt.time(10)) == {"d1", "om", "d1m"}
    assert schedule_tokens(0b10, None) == {"d1"}
    assert schedule_tokens(0, dt.time(18)) == {"oe"}
    facts = facts_of(
        municipality_id=3,
        area_id=None,
        town_id=7,
        status="active",
        is_free=None,
        welcomes_volunteers=True,
        is_public=True,
        publication_consent=False,
        category_ids=[5],
        target_ids=[],
        schedules=[(0b1, dt.time(13))],
    ).split(" ")
    assert set(facts) == {"m3", "a0", "t7", "sactive", "fn", "v1", "c5", "d0", "oa", "d0a"}


def test_index_holds_the_facts_on_this_backend(world, musashino):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM resources_service_chars WHERE resources_service_chars "
                "MATCH ?",
                [f'search_facts : ("m{musashino.pk}" AND "d1m")'],
            )
            assert cursor.fetchone()[0] == 4  # tue_morning, paused, closed, private
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'resources_service' "
                "AND indexdef LIKE '%%USING gin%%'"
            )
            names = {row[0] for row in cursor.fetchall()}
            assert {"resources_service_pairs_gin", "resources_service_facts_gin"} <= names


def test_a_save_through_the_service_functions_refreshes_the_facts_once(world, monkeypatch):
    """service_update writes the service, its links and each schedule: the facts follow all of
    them, worked out once at the end (search.facts_deferred), not once per signal."""
    from sasaeai.resources import search, services

    computed = []
    real = search._facts_and_stored
    monkeypatch.setattr(
        search, "_facts_and_stored", lambda ids: computed.append(set(ids)) or real(ids)
    )
    service = world["irregular"]
    dining = category("dining")
    services.service_update(
        user=User.objects.get(username="tier1"),
        service=service,
        fields={"is_free": True},
        categories=[dining],
        target_groups=TargetGroup.objects.filter(code="men"),
        schedules=[dict(freq="WEEKLY", byday="MO"), dict(freq="WEEKLY", byday="TH")],
    )
    assert computed == [{service.pk}]  # service_reindex's; the block's own refresh was skipped
    men = TargetGroup.objects.get(code="men")
    assert service.pk in staff("", category_ids=[dining.pk], target_ids=[men.pk], weekdays=[3])
    assert service.pk in staff("", weekdays=[0], is_free=True)


def test_facts_deferred_refreshes_at_the_end_and_not_after_an_error(world):
    from sasaeai.resources.search import facts_deferred

    service = world["wed_noon"]
    schedule = service.schedules.get()
    with pytest.raises(RuntimeError), facts_deferred():
        schedule.byday = "SA"
        schedule.save()
        raise RuntimeError
    assert service.pk in staff("", weekdays=[2])  # not refreshed (the caller rolls back)
    with facts_deferred():
        with facts_deferred():
            schedule.save()
        assert service.pk in staff("", weekdays=[2])  # the outer block has not ended yet
    assert service.pk in staff("", weekdays=[5])
    assert service.pk not in staff("", weekdays=[2])
