"""The search's rank (search.text_rank_sql) against its definition, for every document it is
computed on and on whichever backend the suite runs (SQLite by default, PostgreSQL with
DATABASE_URL): per term 3 when the name starts with one of the term's alternatives (a
reading's bounded form ゖ… excepted), 2 when the name or its reading holds one, else 1;
summed over the terms.

The class test reads each result's `text_rank` from the SQL and the name column it was
computed from, and computes the rank in Python from the definition: the staff search (the
staff name, on the service rows), the residents' search (the public name) and the
prefecture-wide reader's search (the public name on the narrow rows, models.SearchRow)."""

from __future__ import annotations

import pytest

from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Role
from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.core.readings import BOUNDARY
from sasaeai.org.models import Town
from sasaeai.resources import selectors
from sasaeai.resources.models import SearchRow, Service
from sasaeai.resources.selectors import ServiceFilters, service_search, service_search_public

from .factories import public_named_services

# Names at every tier of one word or another: starting with it, holding it, holding it only
# in the reading, holding it only in the description; letters in either case and width.
NAMES = [
    ("サロンまきば", "さろんまきば", "体操のあと"),
    ("まきばサロン", "", "月1回の体操"),
    ("ひだまりの会", "ひだまりのかい", "サロンと体操、お茶会"),
    ("体操サロン", "たいそうさろん", ""),
    ("いきいき体操教室", "", "サロンのあと"),
    ("喫茶さくら", "きっささくら", "カフェです"),
    ("ＡＢＣカフェ", "えーびーしーかふぇ", ""),
    ("みんなの広場", "みんなのひろば", "abcの集い、体操"),
]
QUERIES = [
    "サロン",
    "体操",
    "サロン 体操",
    "カフェ",
    "abc",
    "カフェ さくら",
    "ＡＢＣ カフェ",
    "たいそう",
    "ひろば",
]


def expected_rank(name: str, expanded: list[list[str]]) -> int:
    rank = 0
    for alternatives in expanded:
        plain = [a for a in alternatives if not a.startswith(BOUNDARY)]
        if any(name.startswith(a) for a in plain):
            rank += 3
        elif any(a in name for a in alternatives):
            rank += 2
        else:
            rank += 1
    return rank


@pytest.fixture
def named(musashino):
    town = Town.objects.filter(municipality=musashino).order_by("pk")[0]
    public_named_services(town, NAMES)
    return musashino


def _check(rows: list[tuple[int, int, str]], expanded: list[list[str]], query: str) -> int:
    assert rows, f"「{query}」で何も見つからない"
    for _pk, rank, name in rows:
        assert rank == expected_rank(name, expanded), (query, name, rank)
    return len(rows)


def test_staff_search_ranks_by_the_staff_name(named):
    tier1 = User.objects.get(username="tier1")
    for query in QUERIES:
        result = service_search(user=tier1, filters=ServiceFilters(text=query))
        rows = list(result.queryset.values_list("pk", "text_rank", "search_name"))
        _check(rows, result.expanded, query)


def test_public_search_ranks_by_the_public_name(named):
    for query in QUERIES:
        result = service_search_public(municipality=named, filters=ServiceFilters(text=query))
        rows = list(result.queryset.values_list("pk", "text_rank", "public_search_name"))
        _check(rows, result.expanded, query)


def test_prefecture_wide_search_ranks_the_narrow_rows_by_the_public_name(named, monkeypatch):
    # The narrow rows whatever the backend (SQLite keeps the service rows, where they do not
    # pay): the rank is the same SQL on another table.
    monkeypatch.setattr(selectors, "SEARCH_ROWS_VENDORS", ("sqlite", "postgresql"))
    regional = UserFactory(municipality=named, role=Role.REGIONAL)
    for query in QUERIES:
        result = service_search(user=regional, filters=ServiceFilters(text=query))
        assert result.rows is not None
        rows = list(result.rows.values_list("pk", "text_rank", "public_search_name"))
        _check(rows, result.expanded, query)
        # The same ranks as the service rows' public document, in the same order.
        on_services = list(result.queryset.values_list("pk", "text_rank"))
        assert [(pk, rank) for pk, rank, _ in rows] == on_services, query


def test_every_tier_is_reached(named):
    """The names above reach each rank of a one-word search (the test would prove little if
    every match ranked alike)."""
    tier1 = User.objects.get(username="tier1")
    result = service_search(user=tier1, filters=ServiceFilters(text="サロン"))
    assert set(result.queryset.values_list("text_rank", flat=True)) == {1, 2, 3}
    assert SearchRow.objects.count() == Service.objects.count()
