"""The municipality's facts that matching keeps in memory: kept while nothing changes, read
anew after any write to the resources by any path (forms, the API, queryset updates, bulk
inserts, raw SQL), and never kept from a write that was rolled back."""

import json
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sasaeai.cases import facts
from sasaeai.org.tests.factories import MunicipalityFactory
from sasaeai.resources.models import Category, Location, ResourceVersion, Service, Synonym
from sasaeai.resources.tests.factories import ServiceFactory, category

# Every write commits, as in production: the copies are kept only outside transactions, and on
# PostgreSQL the version changes when a write commits. serialized_rollback: the flush after each
# test would otherwise drop the taxonomy rows that migrations seed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_copies_from_other_tests():
    facts.forget()
    yield
    facts.forget()


def match(client, **profile) -> list[dict]:
    body = {"town": "境南町", "max_walk_m": 2000, **profile}
    response = client.post("/api/v1/match", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content.decode()[:500]
    return response.json()["items"]


def named(items, name):
    return next((item for item in items if item["service"]["name"] == name), None)


def reasons(items, name) -> list[str]:
    return named(items, name)["reasons"]


def test_the_copy_is_kept_while_nothing_changes(client, world):
    client.force_login(world["users"]["tier1"])
    match(client, interests="カラオケ")
    kept = facts.municipality_facts(world["municipality"].pk)
    with CaptureQueriesContext(connection) as queries:
        items = match(client, interests="カラオケ")
    assert facts.municipality_facts(world["municipality"].pk) is kept
    assert items[0]["service"]["name"] == "老人クラブ境南 カラオケの会"
    statements = [q["sql"] for q in queries.captured_queries]
    assert any("resources_resourceversion" in sql for sql in statements)
    # The facts read (every active service's point) is not done again.
    assert not any("COALESCE" in sql for sql in statements)


def test_a_service_created_and_paused_through_the_form_is_seen_at_once(client, world):
    from sasaeai.resources.tests.test_views import form_data

    client.force_login(world["users"]["tier1"])
    assert named(match(client, interests="ちぎり絵"), "ちぎり絵の会") is None
    data = form_data(
        world["municipality"],
        name="ちぎり絵の会",
        name_kana="ちぎりえのかい",
        description="和紙でちぎり絵をつくる会。",
    )
    assert client.post(reverse("resources:create"), data).status_code == 302
    service = Service.objects.get(name="ちぎり絵の会")
    items = match(client, interests="ちぎり絵")
    assert "ちぎり絵: 一致" in reasons(items, "ちぎり絵の会")

    data.update(
        {
            "status": "paused",
            "schedules-INITIAL_FORMS": "1",
            "schedules-0-id": str(service.schedules.get().pk),
            "schedules-0-service": str(service.pk),
        }
    )
    response = client.post(reverse("resources:edit", args=[service.pk]), data)
    assert response.status_code == 302, response.content.decode()[:1000]
    assert named(match(client, interests="ちぎり絵"), "ちぎり絵の会") is None


def test_raw_sql_and_queryset_updates_are_seen(client, world):
    """Writes that no Django signal sees (raw SQL, queryset updates) change the version too."""
    client.force_login(world["users"]["tier1"])
    shogi = world["services"]["shogi"]
    assert "ボランティア受入あり" not in reasons(match(client, interests="将棋"), "将棋の会")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE resources_service SET welcomes_volunteers = %s WHERE id = %s", [True, shogi.pk]
        )
    assert "ボランティア受入あり" in reasons(match(client, interests="将棋"), "将棋の会")

    # The place moves about 5 km away: beyond 1.5 × the walking range, so no longer a candidate.
    assert named(match(client, interests="将棋", max_walk_m=1000), "将棋の会") is not None
    Location.objects.filter(pk=shogi.location_id).update(
        latitude=shogi.location.latitude + Decimal("0.045")
    )
    assert named(match(client, interests="将棋", max_walk_m=1000), "将棋の会") is None


def test_schedules_links_and_bulk_inserts_are_seen(client, world):
    client.force_login(world["users"]["tier1"])
    shogi = world["services"]["shogi"]
    found = reasons(match(client, interests="将棋", days=["mon"]), "将棋の会")
    assert "月曜に開催（本人の空き日）" in found
    shogi.schedules.all().delete()
    assert "日程未登録" in reasons(match(client, interests="将棋", days=["mon"]), "将棋の会")

    # Linked to 送迎 (comes to the person): a candidate even when far beyond the walking range.
    far = world["services"]["far"]
    assert named(match(client, interests="カラオケ", max_walk_m=100), "吉祥寺東カラオケ") is None
    far.categories.add(category("mobility-support"))
    items = match(client, interests="カラオケ", max_walk_m=100)
    assert "自宅まで来てくれる（送迎・外出支援）" in reasons(items, "吉祥寺東カラオケ")

    Service.objects.bulk_create(
        [
            Service(
                municipality=world["municipality"],
                name="境南けん玉クラブ",
                name_kana="キョウナンケンダマクラブ",
                town=world["kyonan"],
                area=world["kyonan"].area,
                search_text="境南けん玉クラブ けん玉",
            )
        ]
    )
    assert named(match(client, interests="けん玉"), "境南けん玉クラブ") is not None


def test_a_synonym_added_by_the_administrator_is_used(client, world):
    client.force_login(world["users"]["tier1"])
    assert named(match(client, interests="チェス"), "将棋の会")["parts"]["interests"] == 0
    client.force_login(world["users"]["admin"])
    response = client.post(
        reverse("resources:synonyms"), {"terms": "チェス、将棋", "is_active": "on"}
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(terms="チェス、将棋").exists()
    client.force_login(world["users"]["tier1"])
    assert "チェス: 「将棋」が一致" in reasons(match(client, interests="チェス"), "将棋の会")


def test_shared_tables_change_every_municipalitys_version(world):
    home = world["municipality"].pk
    other = MunicipalityFactory()
    ServiceFactory(municipality=other)
    before = facts.version_key(home), facts.version_key(other.pk)
    ServiceFactory(municipality=other)  # another municipality's write: not ours
    assert facts.version_key(home) == before[0]
    assert facts.version_key(other.pk) != before[1]
    middle = facts.version_key(home), facts.version_key(other.pk)
    Category.objects.filter(code="salon").update(name_kana="サロン")
    assert facts.version_key(home)[0] != middle[0][0]
    assert facts.version_key(home)[1] == middle[0][1]
    assert facts.version_key(other.pk)[0] != middle[1][0]


def test_inside_a_transaction_its_own_writes_are_seen_and_nothing_is_kept(client, world):
    """A transaction that changes the resources and then matches sees its change (the version
    follows it only at the commit on PostgreSQL); a rolled-back change leaves no copy behind."""
    client.force_login(world["users"]["tier1"])
    municipality = world["municipality"].pk
    first = match(client, interests="将棋")
    kept = facts.municipality_facts(municipality)
    with transaction.atomic():
        Service.objects.filter(pk=world["services"]["shogi"].pk).update(status="closed")
        assert named(match(client, interests="将棋"), "将棋の会") is None
        assert facts.municipality_facts(municipality) is not kept
        transaction.set_rollback(True)
    assert facts.municipality_facts(municipality) is kept
    assert match(client, interests="将棋") == first
    assert ResourceVersion.objects.filter(municipality_id=municipality).exists()


def test_only_the_most_recently_used_municipalities_are_kept(world, settings):
    settings.MATCH_FACTS_MUNICIPALITIES = 2
    others = [MunicipalityFactory() for _ in range(2)]
    home = facts.municipality_facts(world["municipality"].pk)
    for other in others:
        facts.municipality_facts(other.pk)
    assert list(facts._cache) == [other.pk for other in others]
    assert facts.municipality_facts(world["municipality"].pk) is not home
    assert {row.pk for row in home.rows} == {
        s.pk for s in world["services"].values() if s.status == Service.Status.ACTIVE
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables")
@pytest.mark.django_db  # in a transaction: the dropped trigger comes back with the rollback
def test_sqlite_version_triggers_come_back_after_a_table_rebuild(world):
    """A later migration that alters a table makes SQLite rebuild it without its triggers;
    after migrate they are re-created (as the search index triggers are)."""
    from sasaeai.resources import versioning

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER resources_schedule_version_delete")
    before = facts.version_key(world["municipality"].pk)
    delete = "DELETE FROM resources_schedule WHERE service_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(delete, [world["services"]["shogi"].pk])
    assert facts.version_key(world["municipality"].pk) == before  # the gap a rebuild leaves
    assert versioning.sqlite_ensure(connection) == ["resources_schedule_version_delete"]
    with connection.cursor() as cursor:
        cursor.execute(delete, [world["services"]["karaoke"].pk])
    assert facts.version_key(world["municipality"].pk) != before
    assert versioning.sqlite_ensure(connection) == []
