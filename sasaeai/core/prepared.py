"""Queries compiled once and run again with other parameters.

Django compiles a queryset's SQL each time it is evaluated (resolving the names, the joins,
the select list, the converters of every column): for a small query on SQLite that is several
times the query's own time. A query that every API request runs (the token's row with its user)
or that reads a page's rows by their ids (the search API's items, their categories, their
schedules) can compile the same queryset once per connection and shape, and run its SQL text
again with the new parameters, with the same column converters and model construction the ORM
would apply (`PreparedQuery`, `IdsQuery`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


class PreparedQuery:
    """A queryset compiled once per connection and shape, then run with new parameters.

    `build(params)` returns the queryset for a list of parameters; the compiled SQL's
    parameters must be exactly those, in their order. That is checked each time it is
    compiled: a queryset with another parameter (a constant, a date) or whose parameters the ORM
    changed (an `__in` list sends a repeated value once) is evaluated by the ORM as usual, and
    not kept. The shape is the number of parameters and which of them are None. The check
    compares values by equality, so the parameters are meant to be ids and plain strings (a
    float the ORM would turn into a Decimal compares equal and would be sent as it is).

    `rows(params)` gives a values_list() queryset's rows as tuples; `objects(params)` a model
    queryset's objects (with their select_related objects), as the ORM would.
    """

    def __init__(self, build: Callable[[Sequence[Any]], QuerySet]) -> None:
        self.build = build

    def _compiled(self, params: list, using: str) -> tuple | None:
        connection = connections[using]
        # Kept on the connection object: the compiler holds it, and each thread has its own.
        kept: dict[tuple[PreparedQuery, int, Hashable], tuple] = connection.__dict__.setdefault(
            "_sasaeai_prepared", {}
        )
        # None is not a parameter in SQL (`IS NULL`): a list with None in another place is
        # another shape.
        key = (self, len(params), tuple(i for i, p in enumerate(params) if p is None))
        entry = kept.get(key)
        if entry is None:
            queryset = self.build(params).using(using)
            compiler = queryset.query.get_compiler(using=using)
            sql, compiled_params = compiler.as_sql()
            if [*compiled_params] != params:
                return None
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            entry = (sql, compiler, compiler.get_converters(fields))
            kept[key] = entry
        return entry

    def _fetch(self, entry: tuple, params: list, using: str) -> list:
        sql, compiler, converters = entry
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            return list(compiler.apply_converters(rows, converters))
        return rows

    def rows(self, params: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        params = list(params)
        entry = self._compiled(params, using)
        if entry is None:
            return [tuple(row) for row in self.build(params).using(using)]
        return [tuple(row) for row in self._fetch(entry, params, using)]

    def objects(self, params: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        """The model objects, built as django.db.models.query.ModelIterable builds them (the
        queryset must have no annotations, extra selects or known related objects)."""
        params = list(params)
        entry = self._compiled(params, using)
        if entry is None:
            return list(self.build(params).using(using))
        compiler = entry[1]
        select, klass_info = compiler.select, compiler.klass_info
        model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [f[0].target.attname for f in select[first:last]]
        populators = get_related_populators(klass_info, select, using)
        out = []
        for row in self._fetch(entry, params, using):
            obj = model.from_db(using, names, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            out.append(obj)
        return out


class IdsQuery(PreparedQuery):
    """A query over a list of ids (`build(ids)` filters `…__in=ids`), compiled once per
    connection and number of ids. An empty list reads nothing."""

    def rows(self, ids: Sequence[int], *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        return super().rows(ids, using=using) if ids else []
