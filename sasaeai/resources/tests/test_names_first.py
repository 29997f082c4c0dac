"""The prefecture-wide reader's page read from the name matches first
(selectors.search_result_page), against the whole search read the slow way.

Counting every match of a common word over a prefecture visits every one of them, so the
reader's search of one word reads its page from the matches whose name holds the word when
they fill it: they rank 2 or 3 and every other match 1, so the page is the same, and their
number is given as the count, marked as a lower bound (`count_exact` false). The class test
pages through many words at several page sizes on both tables the search runs on (the
service rows and the narrow search rows), on whichever backend the suite runs, and checks
every page against the whole search's order and every count against the whole search's
count (exact) or the number of name matches counted here in Python (a lower bound)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Role
from sasaeai.accounts.services import token_create
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.org.models import Town
from sasaeai.resources import selectors
from sasaeai.resources.models import Service
from sasaeai.resources.selectors import (
    ServiceFilters,
    search_page,
    search_result_page,
    service_search,
)

from .factories import public_named_services

# Names that hold a word, start with it, hold it in their reading only, or hold it nowhere
# (the word then in the description alone), twice over in two towns.
NAMES = [
    ("サロンまきば", "さろんまきば", "体操のあと"),
    ("まきばサロン", "", "月1回の体操"),
    ("ひだまりの会", "ひだまりのかい", "サロンと体操、お茶会"),
    ("体操サロン", "たいそうさろん", ""),
    ("いきいき体操教室", "", "サロンのあと"),
    ("喫茶さくら", "きっささくら", "カフェです"),
    ("ＡＢＣカフェ", "えーびーしーかふぇ", ""),
    ("みんなの広場", "みんなのひろば", "abcの集い、体操"),
    ("さくら会館の集い", "", "カフェとサロン"),
]
ONE_WORD = ["サロン", "体操", "カフェ", "abc", "たいそう", "ひろば", "さくら", "集い", "会"]
TWO_WORDS = ["サロン 体操", "カフェ さくら"]


@pytest.fixture
def named(musashino):
    towns = list(Town.objects.filter(municipality=musashino).order_by("pk")[:2])
    for town in towns:
        public_named_services(town, NAMES)
    return musashino


@pytest.fixture
def regional(named):
    return UserFactory(municipality=named, role=Role.REGIONAL)


def _name_matches(ids: list[int], alternatives: list[str]) -> int:
    """How many of these services' public names (with their readings) hold an alternative."""
    names = dict(Service.objects.filter(pk__in=ids).values_list("pk", "public_search_name"))
    return sum(1 for pk in ids if any(a in names[pk] for a in alternatives))


@pytest.mark.parametrize("vendors", [(), ("sqlite", "postgresql")], ids=["services", "rows"])
def test_every_page_is_the_whole_search_s_page_and_its_count_exact_or_the_name_matches(
    named, regional, monkeypatch, vendors
):
    monkeypatch.setattr(selectors, "SEARCH_ROWS_VENDORS", vendors)
    lower_bounds = exact = 0
    for query in ONE_WORD + TWO_WORDS:
        result = service_search(user=regional, filters=ServiceFilters(text=query))
        assert (result.names_first is not None) == (query in ONE_WORD), query
        whole = list(result.for_page.values_list("pk", flat=True))
        assert whole, f"「{query}」で何も見つからない"
        names = _name_matches(whole, result.expanded[0]) if query in ONE_WORD else 0
        for limit in (1, 2, 3, 20):
            for offset in range(0, len(whole) + limit, limit):
                page = search_result_page(result, offset=offset, limit=limit, public=True)
                where = (query, offset, limit)
                assert [item["id"] for item in page.items] == whole[offset : offset + limit], where
                if page.count_exact:
                    exact += 1
                    assert page.count == len(whole), where
                else:
                    lower_bounds += 1
                    assert page.count == names, where
                    assert offset + limit <= page.count <= len(whole), where
    # Both kinds of answer were reached (the test would prove little otherwise).
    assert lower_bounds > 20
    assert exact > 20


def test_the_page_past_the_name_matches_counts_them_all(named, regional):
    result = service_search(user=regional, filters=ServiceFilters(text="サロン"))
    whole = list(result.for_page.values_list("pk", flat=True))
    names = _name_matches(whole, result.expanded[0])
    assert 0 < names < len(whole)
    first = search_result_page(result, offset=0, limit=1, public=True)
    assert (first.count, first.count_exact) == (names, False)
    past = search_result_page(result, offset=names, limit=1, public=True)
    assert (past.count, past.count_exact) == (len(whole), True)
    assert [item["id"] for item in past.items] == whole[names : names + 1]
    # The same as the whole search's own page.
    items, count = search_page(result.for_page, offset=names, limit=1, public=True)
    assert (items, count) == (past.items, past.count)


def test_staff_and_residents_always_get_the_exact_count(named):
    tier1 = User.objects.get(username="tier1")
    result = service_search(user=tier1, filters=ServiceFilters(text="サロン"))
    assert result.names_first is None
    page = search_result_page(result, offset=0, limit=1)
    assert page.count_exact
    assert page.count == result.queryset.count()
    public = selectors.service_search_public(
        municipality=named, filters=ServiceFilters(text="サロン")
    )
    assert public.names_first is None


def _get(user: User, **params) -> dict:
    plain = token_create(user=user, name="test")[1]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/resources", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_the_api_says_when_its_count_is_a_lower_bound(named, regional):
    result = service_search(user=regional, filters=ServiceFilters(text="サロン"))
    whole = list(result.for_page.values_list("pk", flat=True))
    names = _name_matches(whole, result.expanded[0])

    body = _get(regional, q="サロン", page_size=2)
    assert (body["count"], body["count_exact"]) == (names, False)
    assert [item["id"] for item in body["items"]] == whole[:2]

    body = _get(regional, q="サロン", page_size=names, page=2)
    assert (body["count"], body["count_exact"]) == (len(whole), True)
    assert [item["id"] for item in body["items"]] == whole[names : 2 * names]

    body = _get(User.objects.get(username="tier1"), q="サロン", page_size=2)
    assert body["count_exact"] is True


def test_the_name_matches_follow_a_renamed_service(named, regional):
    """The index's name pairs (SQLite: search_name_chars in the FTS table, kept by triggers)
    follow the name as a coordinator changes it: the renamed service is a name match of its
    new word at once, and no longer of the old one."""
    from sasaeai.resources.services import service_update

    tier1 = User.objects.get(username="tier1")
    service = Service.objects.filter(name="喫茶さくら").order_by("pk").first()

    def name_match_ids(word: str) -> set[int]:
        result = service_search(user=regional, filters=ServiceFilters(text=word))
        return set(result.names_first().values_list("pk", flat=True))

    assert service.pk in name_match_ids("喫茶")
    assert service.pk not in name_match_ids("ひまわり")
    service_update(
        user=tier1, service=service, fields={"name": "ひまわり茶房", "name_kana": "ひまわりさぼう"}
    )
    assert service.pk in name_match_ids("ひまわり")
    assert service.pk in name_match_ids("茶房")
    assert service.pk not in name_match_ids("喫茶")
    # Found by the rest of its text still (the description), as a match of the whole search.
    result = service_search(user=regional, filters=ServiceFilters(text="カフェ"))
    assert service.pk in set(result.for_page.values_list("pk", flat=True))


def test_the_name_matches_are_read_from_the_names_pairs(named, regional):
    """The index looks a names-only search's terms up in the names' pairs, so the candidates
    are the name matches (not every service whose text holds the word): on SQLite the FTS5
    column search_name_chars, on PostgreSQL the narrow rows' vector search_name_tokens (the
    names' pairs with the facts, migration 0015)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = service_search(user=regional, filters=ServiceFilters(text="サロン"))
    with CaptureQueriesContext(connection) as captured:
        page = search_result_page(result, offset=0, limit=2, public=True)
    page_sql = next(q for q in captured.captured_queries if "COUNT(*) OVER" in q["sql"])["sql"]
    if connection.vendor == "sqlite":
        assert "search_name_chars : (" in page_sql
        assert "search_chars : (" not in page_sql
    else:
        assert '"resources_search_row".search_name_tokens @@' in page_sql
        assert '"resources_search_row".search_pairs @@' not in page_sql
    assert len(page.items) == 2 and page.count_exact is False


@pytest.mark.parametrize("vendors", [(), ("sqlite", "postgresql")], ids=["services", "rows"])
def test_the_name_matches_with_a_filter_are_those_of_the_whole_search(
    named, regional, monkeypatch, vendors
):
    """With a filter that becomes a required fact ("free"), the name matches are exactly the
    whole search's matches whose public name holds the word: on PostgreSQL's narrow rows the
    facts are asked in the same index scan as the names' pairs (search_name_tokens), so a
    fact left out or wrongly marked would show here as a missing or extra service."""
    monkeypatch.setattr(selectors, "SEARCH_ROWS_VENDORS", vendors)
    for i, service in enumerate(Service.objects.order_by("pk")):
        service.is_free = i % 2 == 0
        service.save()
    seen = 0
    for query in ONE_WORD:
        result = service_search(user=regional, filters=ServiceFilters(text=query, is_free=True))
        whole = list(result.for_page.values_list("pk", flat=True))
        names = dict(Service.objects.filter(pk__in=whole).values_list("pk", "public_search_name"))
        expected = {pk for pk in whole if any(a in names[pk] for a in result.expanded[0])}
        found = set(result.names_first().values_list("pk", flat=True))
        assert found == expected, query
        free = Service.objects.filter(pk__in=found).values_list("is_free", flat=True)
        assert all(free), query
        seen += len(found)
    assert seen > 0


def test_the_index_query_asks_the_marked_facts_only_when_told():
    """IndexQuery.tsquery: the text terms alone for a vector without facts; with `fact_mark`
    (the names' vector, search_rows.FACT_MARK), every fact group too, marked, its tokens
    OR'd."""
    from sasaeai.resources.search import IndexQuery

    query = IndexQuery(terms=[[("all", ["カラ", "ラオ"]), ("prefix", ["歌"])]], facts=[["f1"]])
    assert query.tsquery() == "(('カラ' & 'ラオ') | '歌':*)"
    assert query.tsquery(fact_mark="~") == "(('カラ' & 'ラオ') | '歌':*) & ('~f1')"
    query = IndexQuery(terms=[[("all", ["サロ"])]], facts=[["d1", "d2"], ["f1"]])
    assert query.tsquery(fact_mark="~") == "(('サロ')) & ('~d1' | '~d2') & ('~f1')"
