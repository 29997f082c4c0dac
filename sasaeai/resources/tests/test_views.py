"""Staff pages: list and search with filters, record, create and edit with Japanese validation,
history and restore, confirmation, exact point, re-check list, managed lists, home panel."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.org.models import Area, Town
from sasaeai.org.tests.factories import TownFactory
from sasaeai.resources.models import Location, Service, Synonym

from .factories import LocationFactory, ScheduleFactory, ServiceFactory, category


def login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def town(municipality, name: str) -> Town:
    return Town.objects.get(municipality=municipality, name=name)


def service_in(municipality, town_name: str, **kwargs) -> Service:
    location = LocationFactory(town=town(municipality, town_name))
    return ServiceFactory(location=location, **kwargs)


def form_data(municipality, **overrides) -> dict:
    data = {
        "name": "新しいサロン",
        "name_kana": "あたらしいさろん",
        "status": "active",
        "categories": [str(category("salon").pk)],
        "address": "東京都武蔵野市境南町２丁目３－４",
        "is_approximate": "on",
        "source": "staff",
        "schedules-TOTAL_FORMS": "1",
        "schedules-INITIAL_FORMS": "0",
        "schedules-MIN_NUM_FORMS": "0",
        "schedules-MAX_NUM_FORMS": "10",
        "schedules-0-freq": "MONTHLY",
        "schedules-0-interval": "1",
        "schedules-0-byday": "2WE,4WE",
        "schedules-0-opens_at": "13:30",
        "schedules-0-closes_at": "15:30",
    }
    data.update(overrides)
    return data


# --- list -------------------------------------------------------------------------------------


def test_list_needs_login(client, musashino):
    response = client.get(reverse("resources:list"))
    assert response.status_code == 302


def test_council_may_not_see_resources(client, musashino):
    login(client, "council")
    assert client.get(reverse("resources:list")).status_code == 403


def test_list_and_map_show_the_same_result_set(client, musashino):
    login(client, "tier2-1")
    karaoke = service_in(musashino, "境", name="カラオケ同好会")
    song = service_in(musashino, "中町", name="歌声サロン")
    service_in(musashino, "桜堤", name="体操の会")
    response = client.get(reverse("resources:list"), {"q": "からおけ"})
    assert response.status_code == 200
    listed = {int(i) for i in re.findall(r'data-service-id="(\d+)"', response.content.decode())}
    assert listed == {karaoke.pk, song.pk}
    features = response.context["features"]["features"]
    assert {f["id"] for f in features} == listed
    assert all(f["url"] == reverse("resources:detail", args=[f["id"]]) for f in features)


def test_list_query_count_is_bounded(client, musashino, django_assert_max_num_queries):
    login(client, "tier1")
    for index in range(30):
        service = service_in(
            musashino,
            ["境", "桜堤", "中町"][index % 3],
            name=f"サロン{index}",
            categories=[category("salon"), category("exercise")],
        )
        ScheduleFactory(service=service, byday="TU")
    with django_assert_max_num_queries(25):
        response = client.get(reverse("resources:list"), {"q": "サロン", "weekday": ["1"]})
    assert response.context["count"] == 30


def _search_statements(queries) -> int:
    """Statements that match the search itself (the index of either backend)."""
    return sum(
        1
        for q in queries
        if "resources_service_chars" in q["sql"] or "search_fact_tokens" in q["sql"]
    )


def test_list_matches_the_words_once_and_pages_as_the_search_orders(client, musashino, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sasaeai.resources import views
    from sasaeai.resources.selectors import service_search

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    user = login(client, "tier1")
    for index in range(7):
        service_in(musashino, ["境", "桜堤", "中町"][index % 3], name=f"サロン{index}")
    service_in(musashino, "境", name="体操の会")
    expected = list(service_search(user=user, text="サロン").queryset.values_list("pk", flat=True))
    assert len(expected) == 7
    seen = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("resources:list"), {"q": "サロン", "page": number})
        assert _search_statements(queries.captured_queries) == 1
        assert response.context["count"] == 7
        assert len(response.context["features"]["features"]) == 7
        seen += [s.pk for s in response.context["page"]]
    assert seen == expected


def test_a_result_set_larger_than_the_map_is_paged_and_counted_as_before(musashino):
    from sasaeai.resources.map import page_and_map
    from sasaeai.resources.selectors import service_search, with_list_relations

    user = User.objects.get(username="tier1")
    for index in range(6):
        service_in(musashino, "境", name=f"サロン{index}")
    queryset = service_search(user=user, text="サロン").queryset
    expected = list(queryset.values_list("pk", flat=True))
    for limit in (3, 10):
        pages = []
        for number in (1, 2):
            page, features = page_and_map(
                queryset,
                page_number=number,
                per_page=4,
                page_rows=with_list_relations,
                public=False,
                limit=limit,
            )
            assert page.paginator.count == 6
            assert features["truncated"] is (limit < 6)
            pages += [s.pk for s in page]
        assert pages == expected


def test_filters_from_the_query_string(client, musashino):
    login(client, "tier1")
    free = service_in(musashino, "境", name="無料の体操", is_free=True, welcomes_volunteers=True)
    paid = service_in(musashino, "境", name="有料の体操", is_free=False)
    area = Area.objects.get(municipality=musashino, name="境・桜堤エリア")
    response = client.get(
        reverse("resources:list"), {"area": area.pk, "fee": "free", "volunteers": "on"}
    )
    ids = {s.pk for s in response.context["page"]}
    assert free.pk in ids and paid.pk not in ids


def test_bad_filter_values_get_a_message_and_the_rest_still_runs(client, musashino):
    login(client, "tier1")
    service_in(musashino, "境", name="よりあい")
    response = client.get(reverse("resources:list"), {"q": "よりあい", "open_on": "あした"})
    assert response.status_code == 200
    assert "日付は 2025-05-14 の形" in response.content.decode()
    assert response.context["count"] == 1


def test_within_metres_of_an_address_that_cannot_be_placed(client, musashino):
    login(client, "tier1")
    response = client.get(reverse("resources:list"), {"near": "大阪府大阪市北区"})
    assert "場所がわかりませんでした" in response.content.decode()


# --- detail, history, restore --------------------------------------------------------------------


def test_detail_shows_schedule_in_japanese_and_next_dates(client, musashino):
    login(client, "tier2-1")
    service = service_in(musashino, "御殿山", name="みんなでカフェ")
    ScheduleFactory(
        service=service,
        freq="MONTHLY",
        byday="2WE,4WE",
        opens_at=dt.time(13, 30),
        closes_at=dt.time(15, 30),
        closed_on_holidays=True,
    )
    response = client.get(reverse("resources:detail", args=[service.pk]))
    content = response.content.decode()
    assert "第2・第4水曜 13:30〜15:30（祝日休み）" in content
    assert len(response.context["next_dates"]) == 5


def test_other_municipality_record_is_not_found(client, musashino):
    login(client, "tier1")
    elsewhere = ServiceFactory()  # a municipality of its own
    assert client.get(reverse("resources:detail", args=[elsewhere.pk])).status_code == 404


def test_history_and_restore(client, musashino):
    user = login(client, "tier2-1")  # 吉祥寺東・南エリア
    client.post(reverse("resources:create"), form_data(musashino, address="御殿山1丁目"))
    service = Service.objects.get(name="新しいサロン")
    data = form_data(musashino, address="御殿山1丁目", name="名前を変えたサロン")
    data["categories"] = [str(category("exercise").pk)]
    data.update(
        {
            "schedules-INITIAL_FORMS": "1",
            "schedules-0-id": str(service.schedules.get().pk),
            "schedules-0-service": str(service.pk),
        }
    )
    response = client.post(reverse("resources:edit", args=[service.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.name == "名前を変えたサロン"
    versions = list(service.history.all())
    assert len(versions) == 2
    assert versions[0].history_user == user
    page = client.get(reverse("resources:history", args=[service.pk])).content.decode()
    assert "新しいサロン" in page and "名前を変えたサロン" in page
    response = client.post(reverse("resources:restore", args=[service.pk, versions[1].history_id]))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "新しいサロン"
    assert list(service.categories.values_list("code", flat=True)) == ["salon"]
    assert service.history.count() == 3  # restoring adds a version; nothing is lost


# --- create and edit -----------------------------------------------------------------------------


def test_create_resolves_address_and_derives_area(client, musashino):
    login(client, "tier2-6")  # 境南エリア
    response = client.post(reverse("resources:create"), form_data(musashino))
    assert response.status_code == 302
    service = Service.objects.get(name="新しいサロン")
    assert service.name_kana == "アタラシイサロン"
    assert service.town.name == "境南町"
    assert service.area.name == "境南エリア"
    assert service.location.town_block.number == 2
    assert service.location.is_approximate
    assert service.schedules.get().text() == "第2・第4水曜 13:30〜15:30"
    assert service.search_text  # indexed on save
    assert service.history.count() == 1


def test_schedule_phrase_fills_the_fields(client, musashino):
    login(client, "tier1")
    data = form_data(musashino)
    for key in ("freq", "byday", "opens_at", "closes_at"):
        data.pop(f"schedules-0-{key}")
    data["schedules-0-freq"] = "WEEKLY"
    data["schedules-0-phrase"] = "毎週火曜 10:00〜12:00 祝日休み"
    response = client.post(reverse("resources:create"), data)
    assert response.status_code == 302
    schedule = Service.objects.get(name="新しいサロン").schedules.get()
    assert schedule.text() == "毎週火曜 10:00〜12:00（祝日休み）"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"schedules-0-closes_at": "12:00", "schedules-0-opens_at": "13:00"},
            None,
            "終了時刻が開始時刻より前",
        ),
        ({"categories": ["999999"]}, "categories", "登録されていない分類"),
        (
            {"latitude": "139.5", "longitude": "35.7", "is_approximate": ""},
            "latitude",
            "日本の範囲",
        ),
        (
            {"latitude": "35.7", "longitude": "-74.0", "is_approximate": ""},
            "longitude",
            "日本の範囲",
        ),
        ({"name": ""}, "name", ""),
    ],
)
def test_bad_input_keeps_what_was_typed_and_saves_nothing(
    client, musashino, overrides, field, message
):
    login(client, "tier1")
    data = form_data(musashino, **overrides)
    response = client.post(reverse("resources:create"), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    if field:
        assert field in response.context["form"].errors
    assert not Service.objects.exists()
    assert not Location.objects.exists()
    assert "東京都武蔵野市境南町２丁目３－４" in content  # what was typed is kept


def test_town_outside_the_municipality_is_refused(client, musashino):
    login(client, "tier1")
    foreign = TownFactory(name="よその町")
    response = client.post(reverse("resources:create"), form_data(musashino, town=str(foreign.pk)))
    assert response.status_code == 400
    assert "当該市区町村の町ではありません" in response.content.decode()
    assert not Service.objects.exists()


def test_tier2_cannot_create_outside_its_area(client, musashino):
    login(client, "tier2-1")  # 吉祥寺東・南エリア; the address is in 境南町
    response = client.post(reverse("resources:create"), form_data(musashino))
    assert response.status_code == 400
    assert "担当圏域の外" in response.content.decode()
    assert not Service.objects.exists()


def test_tier2_cannot_edit_outside_its_area(client, musashino):
    login(client, "tier2-1")
    service = service_in(musashino, "境南町")
    assert client.get(reverse("resources:edit", args=[service.pk])).status_code == 403
    assert client.post(reverse("resources:edit", args=[service.pk]), {}).status_code == 403


def test_official_reads_but_cannot_write(client, musashino):
    login(client, "official")
    service = service_in(musashino, "境南町")
    assert client.get(reverse("resources:detail", args=[service.pk])).status_code == 200
    assert client.get(reverse("resources:create")).status_code == 403


# --- confirm, point, re-check ----------------------------------------------------------------------


def test_confirm_sets_date_and_person(client, musashino):
    user = login(client, "tier2-6")
    service = service_in(musashino, "境南町")
    response = client.post(
        reverse("resources:confirm", args=[service.pk]), {"confirmed_on": "2025-05-14"}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.confirmed_at == dt.date(2025, 5, 14)
    assert service.confirmed_by == user


def test_confirm_refuses_a_future_date(client, musashino):
    login(client, "tier2-6")
    service = service_in(musashino, "境南町")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.post(reverse("resources:confirm", args=[service.pk]), {"confirmed_on": str(tomorrow)})
    service.refresh_from_db()
    assert service.confirmed_at is None


def test_set_exact_point_by_map_click(client, musashino):
    login(client, "tier2-6")
    service = service_in(musashino, "境南町")
    response = client.post(
        reverse("resources:set_point", args=[service.pk]),
        {"latitude": "35.698765", "longitude": "139.543210"},
    )
    assert response.status_code == 302
    location = Location.objects.get(pk=service.location_id)
    assert location.latitude == Decimal("35.698765")
    assert not location.is_approximate


def test_set_point_outside_japan_is_refused(client, musashino):
    login(client, "tier2-6")
    service = service_in(musashino, "境南町")
    response = client.post(
        reverse("resources:set_point", args=[service.pk]),
        {"latitude": "51.5", "longitude": "-0.12"},
        follow=True,
    )
    assert "日本の範囲" in response.content.decode()
    assert Location.objects.get(pk=service.location_id).is_approximate


def test_recheck_list_for_tier2_is_its_area(client, musashino):
    login(client, "tier2-6")
    stale = service_in(musashino, "境南町", confirmed_at=dt.date(2020, 1, 1))
    fresh = service_in(musashino, "境南町", confirmed_at=timezone.localdate())
    other = service_in(musashino, "桜堤", confirmed_at=None)
    response = client.get(reverse("resources:recheck"))
    ids = {s.pk for s in response.context["page"]}
    assert stale.pk in ids
    assert fresh.pk not in ids
    assert other.pk not in ids


def test_home_panel_lists_stale_resources(client, musashino):
    login(client, "tier2-6")
    service_in(musashino, "境南町", name="古いサロン", confirmed_at=dt.date(2020, 1, 1))
    response = client.get(reverse("home"))
    assert "1年以上確認していない社会資源" in response.content.decode()
    assert "古いサロン" in response.content.decode()


# --- managed lists -------------------------------------------------------------------------------


def test_admin_adds_a_synonym_used_by_search(client, musashino):
    login(client, "admin")
    response = client.post(
        reverse("resources:synonyms"), {"terms": "ごはん、食堂", "is_active": "on"}
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(terms="ごはん、食堂").exists()


def test_a_synonym_needs_two_words(client, musashino):
    login(client, "admin")
    response = client.post(reverse("resources:synonyms"), {"terms": "ごはん", "is_active": "on"})
    assert response.status_code == 400
    assert "2語以上" in response.content.decode()


def test_tier1_cannot_edit_synonyms(client, musashino):
    login(client, "tier1")
    response = client.post(reverse("resources:synonyms"), {"terms": "a、b"})
    assert response.status_code == 403


def test_map_data_is_json_in_the_page(client, musashino):
    login(client, "tier1")
    service_in(musashino, "境", name="<script>alert(1)</script>")
    content = client.get(reverse("resources:list")).content.decode()
    data = re.search(
        r'<script id="resource-map-data" type="application/json">(.*?)</script>', content, re.S
    )
    features = json.loads(data.group(1))
    assert features[0]["name"] == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in content.replace(data.group(0), "")


def test_list_rows_show_what_they_need_in_a_fixed_number_of_queries(client, musashino):
    """The list's rows load only what a row shows (with_list_relations): the same number of
    queries for 3 rows as for 30, and each row still has its categories, schedules, town,
    area, badges and last confirmation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, "tier1")

    def page_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("resources:list"), {"q": "ちぎり絵"})
        assert response.status_code == 200
        return len(queries.captured_queries), response.content.decode()

    def add(count: int) -> None:
        for i in range(count):
            service = service_in(
                musashino,
                "境南町",
                name=f"ちぎり絵の会{i}",
                categories=[category("hobby-craft")],
                welcomes_volunteers=True,
                confirmed_at=dt.date(2026, 4, 1),
            )
            ScheduleFactory(service=service, freq="WEEKLY", byday="TU")

    add(3)
    few, _ = page_queries()
    add(27)
    many, content = page_queries()
    assert many == few
    row = re.search(r'<tr data-service-id="\d+">.*?</tr>', content, re.S).group(0)
    for shown in (
        "ちぎり絵の会",
        "手芸",
        "毎週火曜",
        "境南町",
        "境南エリア",
        "ボランティア募集",
        "令和8年4月1日",
    ):
        assert shown in row, shown
