"""core.prepared.IdsQuery: the same rows as the ORM, whatever the ids, compiled once per length."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from sasaeai.core.prepared import IdsQuery, PreparedQuery
from sasaeai.resources.models import Schedule, Service
from sasaeai.resources.tests.factories import LocationFactory, ScheduleFactory, ServiceFactory

FIELDS = ("pk", "name", "location__latitude", "confirmed_at", "is_free", "area__name")


def _orm(ids):
    return Service.objects.filter(pk__in=ids).order_by("pk").values_list(*FIELDS)


@pytest.fixture
def services(musashino):
    made = []
    for n in range(6):
        location = LocationFactory(latitude=Decimal("35.701234") + n) if n % 2 else None
        service = ServiceFactory(
            location=location,
            municipality=musashino,
            confirmed_at=dt.date(2026, 4, n + 1) if n % 3 else None,
            is_free=(None, True, False)[n % 3],
        )
        ScheduleFactory(service=service, opens_at=dt.time(9, n), note=f"補足{n}")
        made.append(service.pk)
    return made


@pytest.mark.django_db
def test_rows_are_the_orms_for_every_list_of_ids(services):
    query = IdsQuery(_orm)
    lists = [
        services[:1],
        services[:3],
        services[3:],
        list(reversed(services)),
        services,
        [services[0], services[0], services[1]],  # repeated: the ORM sends it once
        [services[1], 10**9, services[2]],  # an id that is not there
        [],
    ]
    for ids in lists * 2:  # the second round runs the kept SQL
        assert query.rows(ids) == list(_orm(ids)), ids
    kept = connections["default"].__dict__["_sasaeai_prepared"]
    assert {n for (q, n, _) in kept if q is query} == {1, 3, 6}


@pytest.mark.django_db
def test_converters_apply_as_in_the_orm(services):
    query = IdsQuery(
        lambda ids: (
            Schedule.objects.filter(service_id__in=ids)
            .order_by("id")
            .values_list("service_id", "opens_at", "closed_on_holidays", "created_at")
        )
    )
    for _ in range(2):
        rows = query.rows(services)
        assert rows == list(query.build(services))
        assert all(isinstance(row[1], dt.time) and isinstance(row[3], dt.datetime) for row in rows)


@pytest.mark.django_db
def test_one_query_per_call_and_other_parameters_are_not_kept(services):
    query = IdsQuery(_orm)
    query.rows(services)
    expected = list(_orm(services))
    with CaptureQueriesContext(connection) as captured:
        assert query.rows(services[::-1]) == expected
    assert len(captured.captured_queries) == 1
    # A query with a parameter other than the ids is run by the ORM each time, never kept.
    dated = IdsQuery(lambda ids: _orm(ids).filter(confirmed_at__gte=dt.date(2026, 4, 2)))
    for _ in range(2):
        assert dated.rows(services) == list(dated.build(services))
    assert not any(q is dated for (q, n, _) in connections["default"].__dict__["_sasaeai_prepared"])


@pytest.mark.django_db
def test_none_is_another_shape(musashino):
    """`municipality_id = NULL` matches nothing where `IS NULL` matches: a query compiled for
    a value is never run with None, nor the other way round."""
    from sasaeai.resources.models import Synonym

    Synonym.objects.create(terms="カラオケ、歌")
    own = Synonym.objects.create(terms="体操、運動", municipality=musashino)
    query = PreparedQuery(
        lambda params: (
            Synonym.objects.filter(municipality_id=params[0]).order_by("pk").values_list("pk")
        )
    )
    shared = list(Synonym.objects.filter(municipality__isnull=True).values_list("pk"))
    assert len(shared) >= 1
    for _ in range(2):
        assert query.rows([musashino.pk]) == [(own.pk,)]
        assert query.rows([None]) == sorted(shared)
