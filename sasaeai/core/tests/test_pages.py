"""core.pages.counted_page: the ORM's page and count for every kind of ordering term, at every
offset, in one statement."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import Coalesce, NullIf
from django.test.utils import CaptureQueriesContext

from sasaeai.core.pages import counted_page
from sasaeai.resources.models import Service
from sasaeai.resources.tests.factories import ServiceFactory

SLICES = [(0, 5), (5, 5), (10, 5), (0, 100), (14, 3), (100, 5)]


def _orm_page(queryset, offset, limit):
    return list(
        queryset.annotate(found=Window(Count("pk"))).values_list("pk", "found")[
            offset : offset + limit
        ]
    )


@pytest.fixture
def services(musashino):
    areas = list(musashino.areas.order_by("pk")[:3])
    made = []
    for n in range(16):
        made.append(
            ServiceFactory(
                municipality=musashino,
                location=None,
                area=areas[n % 3],
                # Repeated names and readings, blank and typed kana: ties that only the
                # following terms break.
                name=f"サロン{n % 4}",
                name_kana="" if n % 3 else f"さろん{n % 5}",
                confirmed_at=dt.date(2026, 4, 1 + n % 6) if n % 4 else None,
                is_free=(None, True, False)[n % 3],
            )
        )
    return made


def _ranked():
    return Service.objects.annotate(
        rank=Case(When(is_free=True, then=Value(2)), default=Value(1), output_field=IntegerField())
    )


ORDERINGS = {
    "fields": lambda qs: qs.order_by("name", "pk"),
    "descending fields": lambda qs: qs.order_by("-name", "-pk"),
    "an expression": lambda qs: qs.order_by(
        Coalesce(NullIf("name_kana", Value("")), "name_reading"), "name", "pk"
    ),
    "an annotation, descending": lambda qs: qs.order_by("-rank", "name", "pk"),
    "nulls last": lambda qs: qs.order_by(F("confirmed_at").asc(nulls_last=True), "pk"),
    "nulls first, descending": lambda qs: qs.order_by(
        F("confirmed_at").desc(nulls_first=True), "-pk"
    ),
    "a column with nulls, descending": lambda qs: qs.order_by("-confirmed_at", "pk"),
    "the id alone": lambda qs: qs.order_by("-id"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ORDERINGS, ids=list(ORDERINGS))
def test_every_page_is_the_orms_in_one_statement(services, ordering):
    filtered = [
        (_ranked(), False),
        (_ranked().filter(Q(is_free=True) | Q(confirmed_at__isnull=True)), False),
        (_ranked().filter(area_id=services[0].area_id), False),
        (_ranked().filter(pk__in=[]), True),  # a condition no row can meet
    ]
    for queryset, empty in filtered:
        queryset = ORDERINGS[ordering](queryset)
        for offset, limit in SLICES:
            with CaptureQueriesContext(connection) as captured:
                page = counted_page(queryset, offset=offset, limit=limit)
            assert page == _orm_page(queryset, offset, limit), (ordering, offset, limit)
            statements = [q["sql"] for q in captured.captured_queries]
            if empty:
                assert statements == []  # as the ORM: no statement at all
            else:
                # Ordered by the selection's columns, not by the ORM's ORDER BY.
                assert len(statements) == 1 and "ORDER BY 2 " in statements[0]


@pytest.mark.django_db
def test_orderings_it_does_not_write_are_left_to_the_orm(services):
    """A relation (Django orders by the related model's own order), a path through a relation,
    and no ordering at all (the model's default) give the ORM's page."""
    cases = [
        Service.objects.order_by("area", "pk"),
        Service.objects.order_by("-area__order", "pk"),
        Service.objects.all(),
    ]
    for queryset in cases:
        for offset, limit in SLICES:
            with CaptureQueriesContext(connection) as captured:
                page = counted_page(queryset, offset=offset, limit=limit)
            assert page == _orm_page(queryset, offset, limit)
            assert "ORDER BY 2 " not in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_a_key_that_is_not_a_number_is_the_orms(musashino):
    """The page's keys come as the ORM gives them, whatever the key's type (an import's text
    token here), through the written statement."""
    from sasaeai.accounts.models import User
    from sasaeai.exchange.models import ImportBatch

    user = User.objects.filter(municipality=musashino).order_by("pk").first()
    for n in range(7):
        ImportBatch.objects.create(
            token=f"token-{n:02d}",
            user=user,
            municipality=musashino,
            source_name=f"資源{n % 3}.csv",
            source_format=ImportBatch.Format.CSV,
            source_sha256="0" * 64,
            status=ImportBatch.Status.PREVIEWED,
        )
    queryset = ImportBatch.objects.order_by("-source_name", "pk")
    for offset, limit in SLICES:
        with CaptureQueriesContext(connection) as captured:
            page = counted_page(queryset, offset=offset, limit=limit)
        assert page == _orm_page(queryset, offset, limit)
        assert all(isinstance(key, str) for key, _ in page)
        assert "ORDER BY 2 " in captured.captured_queries[0]["sql"]
