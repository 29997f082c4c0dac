"""One page of an ordered queryset with the number of all its rows, in one statement.

A search's page is read as the ids of the page with the count of every match alongside
(`COUNT(*) OVER ()`), so the matches are visited once. Written with the ORM (a window
annotation, the queryset's ORDER BY), compiling that statement cost more than running it for a
coordinator's search of one city: Django resolves, copies and compiles every ORDER BY term
again on each compile and compares it with every selected expression (more than half of the
compile, a fifth of the whole API request). Here the ORM compiles only the selection (the
page's key and each ordering term as a column, no ORDER BY), and the page is the same
selection ordered by those columns' positions, with the count:

    SELECT page.*, COUNT(*) OVER () FROM (<the selection>) page ORDER BY 2 DESC, 3 ASC, … LIMIT …

Both databases read it as they read the ORM's statement: PostgreSQL pulls the subquery up
into the outer query, and SQLite runs it as a co-routine feeding the sort, as it fed the sort
of the flat statement; the order is the same, term by term.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connections
from django.db.models import Count, F, QuerySet, Window
from django.db.models.expressions import OrderBy


def _ordering(queryset: QuerySet) -> list[tuple[Any, str]] | None:
    """The queryset's ORDER BY as (expression, SQL direction) pairs, or None when it holds
    something this module does not order by itself (a relation, whose name Django expands to
    the related model's ordering; a random order; the model's default order)."""
    query = queryset.query
    if (
        not query.order_by
        or not query.standard_ordering
        or query.extra_order_by
        or query.distinct
        or query.combinator
        or query.is_sliced
        or query.group_by is not None
    ):
        return None
    features = connections[queryset.db].features
    terms = []
    for term in query.order_by:
        nulls = ""
        if isinstance(term, str):
            descending = term.startswith("-")
            name = term.removeprefix("-")
            if name == "?" or "__" in name:
                return None
            # "pk" is the key's column even when the key is a relation (Django orders by the
            # column then, not by the related model's order).
            if name not in query.annotations and name != "pk":
                try:
                    field = queryset.model._meta.get_field(name)
                except FieldDoesNotExist:  # an unknown name is left to the ORM
                    return None
                if field.is_relation:
                    return None
            expression = F(name)
        elif isinstance(term, OrderBy):
            descending = term.descending
            if term.nulls_first or term.nulls_last:
                if not features.supports_order_by_nulls_modifier:
                    return None
                nulls = " NULLS FIRST" if term.nulls_first else " NULLS LAST"
            expression = term.expression
        elif hasattr(term, "resolve_expression"):
            descending = False
            expression = term
        else:
            return None
        terms.append((expression, ("DESC" if descending else "ASC") + nulls))
    return terms


def counted_page(queryset: QuerySet, *, offset: int, limit: int) -> list[tuple[Any, int]]:
    """(pk, number of all rows of the queryset) of each row of the page, in the queryset's
    order. A queryset this module cannot order itself (see _ordering) is read by the ORM,
    with the same result."""
    terms = _ordering(queryset)
    if terms is None:
        return list(
            queryset.annotate(found=Window(Count("pk"))).values_list("pk", "found")[
                offset : offset + limit
            ]
        )
    aliases = {f"page_order_{n}": expression for n, (expression, _) in enumerate(terms)}
    selection = queryset.order_by().annotate(**aliases).values_list("pk", *aliases)
    connection = connections[queryset.db]
    compiler = selection.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a condition no row can meet (`pk__in=[]`): the ORM reads nothing
        return []
    # The key as the ORM gives it (a key column with a converter, such as a UUID on SQLite).
    key_converters = compiler.get_converters([compiler.select[0][0]])
    # Column 1 is the key; the ordering terms follow it, in their order.
    order = ", ".join(f"{n + 2} {direction}" for n, (_, direction) in enumerate(terms))
    limits = connection.ops.limit_offset_sql(offset, offset + limit)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT page.*, COUNT(*) OVER () FROM ({sql}) page ORDER BY {order} {limits}",
            params,
        )
        rows = cursor.fetchall()
    if key_converters:
        rows = compiler.apply_converters(rows, key_converters)
    return [(row[0], row[-1]) for row in rows]
