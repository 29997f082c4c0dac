"""A file larger than one chunk (the import plans and writes 2,000 rows at a time inside one
transaction): all or nothing still holds across chunks, and the rules that compare rows with
each other see rows of earlier chunks. The chunk is made 2 rows here so that a 7-row file
spans four."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.tests.helpers import template_row, xlsx_bytes
from sasaeai.resources.models import Location, Organization, Service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr("sasaeai.exchange.planning.planner.CHUNK", 2)


def _rows(last: dict) -> list:
    towns = ["桜堤", "境南町", "関前", "西久保", "緑町", "八幡町"]
    return [
        TEMPLATE_HEADERS,
        *(
            template_row(名称=f"チャンク確認サロン{i}", 町=town, 開催日時="毎週水曜 13:30-15:30")
            for i, town in enumerate(towns, start=1)
        ),
        template_row(**last),
    ]


def _run(tmp_path, rows, *args):
    path = tmp_path / "資源.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    out = io.StringIO()
    call_command(
        "import-resources",
        str(path),
        "--user",
        "tier1",
        "--yes",
        "--no-progress",
        *args,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def _counts():
    return Service.objects.count(), Organization.objects.count(), Location.objects.count()


def test_an_error_in_the_last_chunk_leaves_nothing_of_the_earlier_chunks(musashino, tmp_path):
    before = _counts()
    rows = _rows({"名称": "最後の行のサロン", "町": "存在しない町"})
    with pytest.raises(CommandError, match="エラーのある行が1行あるため"):
        _run(tmp_path, rows)
    assert _counts() == before
    out = _run(tmp_path, rows, "--only-valid")
    assert "新規登録 6件" in out
    assert Service.objects.filter(name__startswith="チャンク確認サロン").count() == 6


def test_a_row_repeating_an_earlier_chunks_row_is_still_seen(musashino, tmp_path, monkeypatch):
    rows = _rows({"名称": "チャンク確認サロン1", "町": "桜堤", "開催日時": "毎週水曜 13:30-15:30"})
    in_chunks = _run(tmp_path, rows, "--dry-run")
    assert "同じ町に同じ名称があります" in in_chunks
    monkeypatch.setattr("sasaeai.exchange.planning.planner.CHUNK", 2000)
    assert _run(tmp_path, rows, "--dry-run") == in_chunks
    assert Service.objects.filter(name__startswith="チャンク確認サロン").count() == 0


def test_an_organisation_or_place_changed_in_two_chunks_gets_one_version(musashino, tmp_path):
    """Rows of different chunks naming the same organisation or place change it once as far as
    its history goes: one version per import, holding what it is at the end, as when the
    whole file is one chunk."""
    from sasaeai.org.models import Town
    from sasaeai.resources.tests.factories import LocationFactory, OrganizationFactory

    town = Town.objects.get(municipality=musashino, name="桜堤")
    old_org = OrganizationFactory(municipality=musashino, name="チャンク既存の会")
    old_place = LocationFactory(town=town, name="チャンク既存会館", address="武蔵野市桜堤1-1-1")
    address = "武蔵野市桜堤2-2-2"

    def row(n, **values):
        return template_row(
            名称=f"チャンク履歴サロン{n}", 町="桜堤", 開催日時="毎週水曜 10:00-12:00", **values
        )

    rows = [
        TEMPLATE_HEADERS,
        # chunk 1: a new organisation and place are made; the existing ones are changed
        row(1, 運営団体="チャンク新しい会", 場所の名称="チャンク新会館", 住所=address),
        row(
            2,
            運営団体="チャンク既存の会",
            法人番号="1234567890123",
            場所の名称="チャンク既存会館",
            住所="武蔵野市桜堤1-1-1",
            方書="1階",
        ),
        # chunk 2: both pairs are changed again
        row(
            3,
            運営団体="チャンク新しい会",
            法人番号="3210987654321",
            場所の名称="チャンク新会館",
            住所=address,
            郵便番号="180-0021",
        ),
        row(
            4,
            運営団体="チャンク既存の会",
            法人番号="1111111111111",
            場所の名称="チャンク既存会館",
            住所="武蔵野市桜堤1-1-1",
            郵便番号="180-0021",
        ),
    ]
    _run(tmp_path, rows)

    new_org = Organization.objects.get(name="チャンク新しい会")
    new_place = Location.objects.get(name="チャンク新会館")
    old_org.refresh_from_db()
    old_place.refresh_from_db()
    assert new_org.corporate_number == "3210987654321"
    assert old_org.corporate_number == "1111111111111"
    assert (new_place.postal_code, old_place.postal_code) == ("180-0021", "180-0021")
    assert old_place.address_2 == "1階"

    def versions(obj):
        return list(obj.history.filter(history_change_reason__startswith="取り込み"))

    [made] = versions(new_org)
    assert (made.history_type, made.corporate_number) == ("+", "3210987654321")
    [made] = versions(new_place)
    assert (made.history_type, made.postal_code) == ("+", "180-0021")
    [changed] = versions(old_org)
    assert (changed.history_type, changed.corporate_number) == ("~", "1111111111111")
    [changed] = versions(old_place)
    assert (changed.history_type, changed.postal_code, changed.address_2) == (
        "~",
        "180-0021",
        "1階",
    )


def test_new_resources_carry_the_filter_facts_of_what_was_written(musashino, tmp_path):
    """New resources' filter facts go in with their INSERT, made from the plan: they are what
    the search index reads back from the categories, target groups and schedules written."""
    from sasaeai.resources.search import refresh_facts

    rows = [
        TEMPLATE_HEADERS,
        *(
            template_row(
                名称=f"チャンク条件サロン{i}",
                町="桜堤",
                活動の種類="体操・運動、茶話会・サロン",
                対象者="高齢者一般",
                開催日時="第1・第3水曜 13:30-15:30、毎週金曜 10:00-11:00",
                参加費="無料",
            )
            for i in range(3)
        ),
    ]
    _run(tmp_path, rows)
    services = Service.objects.filter(name__startswith="チャンク条件サロン")
    assert services.count() == 3
    for service in services:
        categories = {f"c{pk}" for pk in service.categories.values_list("pk", flat=True)}
        targets = {f"g{pk}" for pk in service.target_groups.values_list("pk", flat=True)}
        assert len(categories) == 2 and len(targets) == 1
        assert categories | targets | {"f1", "sactive"} <= set(service.search_facts.split())
        assert service.schedules.count() == 2
    assert refresh_facts(services.values_list("pk", flat=True)) == 0


def test_a_place_moved_by_a_later_chunk_moves_the_earlier_chunks_resources(musashino, tmp_path):
    """A place named in two chunks and put in another town by the second: every resource held
    there ends in that town (its area, its search facts and its version), as in one chunk."""
    from sasaeai.org.models import Town
    from sasaeai.resources.search import refresh_facts

    def row(n, town):
        return template_row(名称=f"チャンク移転サロン{n}", 町=town, 場所の名称="チャンク移る会館")

    rows = [
        TEMPLATE_HEADERS,
        row(1, "桜堤"),
        row(2, "桜堤"),
        row(3, "境南町"),
    ]
    _run(tmp_path, rows)
    kyonan = Town.objects.get(municipality=musashino, name="境南町")
    place = Location.objects.get(name="チャンク移る会館")
    assert place.town == kyonan
    services = Service.objects.filter(name__startswith="チャンク移転サロン")
    assert {(s.town_id, s.area_id) for s in services} == {(kyonan.pk, kyonan.area_id)}
    assert refresh_facts(services.values_list("pk", flat=True)) == 0
    for service in services:
        assert service.history.get().town_id == kyonan.pk
    [made] = place.history.all()
    assert (made.history_type, made.town_id) == ("+", kyonan.pk)
