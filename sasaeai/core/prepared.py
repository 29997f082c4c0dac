"""Queries compiled once and run again with other ids.

Django compiles a queryset's SQL each time it is evaluated (resolving the names, the joins,
the select list, the converters of every column): for a small query on SQLite that is several
times the query's own time. A request that is sent often and reads rows by a list of ids (a
page of the search API: its items, their categories, their schedules) can compile the same
queryset once per connection and number of ids, and run the SQL text again with the new ids,
with the same column converters the ORM would apply (`IdsQuery`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


class IdsQuery:
    """A values_list() query over a list of ids, compiled once per connection and number of ids.

    `build(ids)` returns the queryset; its only parameters must be the ids, in their order (a
    filter `…__in=ids`). That is checked each time it is compiled: a queryset with another
    parameter (a constant, a date) or ids that the ORM changed (a repeated id is sent once) is
    evaluated by the ORM as usual, and not kept. `rows(ids)` returns its rows as tuples, with
    the values the ORM would give (its converters: dates, times, decimals, booleans).
    """

    def __init__(self, build: Callable[[Sequence[int]], QuerySet]) -> None:
        self.build = build

    def rows(self, ids: Sequence[int], *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        ids = list(ids)
        if not ids:
            return []
        connection = connections[using]
        # Kept on the connection object: the compiler holds it, and each thread has its own.
        compiled: dict[tuple[IdsQuery, int], Any] = connection.__dict__.setdefault(
            "_sasaeai_ids_queries", {}
        )
        entry = compiled.get((self, len(ids)))
        if entry is None:
            queryset = self.build(ids).using(using)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            if [*params] != ids:
                return [tuple(row) for row in queryset]
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            entry = (sql, compiler, compiler.get_converters(fields))
            compiled[(self, len(ids))] = entry
        sql, compiler, converters = entry
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows
