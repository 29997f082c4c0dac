"""Visits counted: 延べ件数 (every visit), 実件数 (distinct places: resources, plus the names of
places not in the resource database), the minutes of the visits whose start and end were
recorded, and the places visited most."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Min, Q, Sum

from sasaeai.core.periods import Period

from ..models import Visit
from .scope import Scope

# 実件数: distinct resources plus distinct names of places that are not resources.
DISTINCT_PLACES = {
    "resources": Count("service", distinct=True),
    "unlisted": Count("place_name", distinct=True, filter=Q(service__isnull=True)),
}


@dataclass(frozen=True)
class VisitTotals:
    total: int  # 延べ件数
    distinct_places: int  # 実件数
    minutes: int  # of the visits whose start and end times were recorded
    timed: int  # how many visits have a recorded duration


def visit_totals(period: Period, scope: Scope) -> VisitTotals:
    row = scope.records(Visit, period).aggregate(
        total=Count("id"), minutes_sum=Sum("minutes"), timed=Count("minutes"), **DISTINCT_PLACES
    )
    return VisitTotals(
        total=row["total"],
        distinct_places=row["resources"] + row["unlisted"],
        minutes=row["minutes_sum"] or 0,
        timed=row["timed"],
    )


@dataclass(frozen=True)
class PlaceCount:
    service_id: int | None  # None: a place not in the resource database
    name: str
    town: str  # the resource's town ("" when it has none, or for an unlisted place)
    visits: int
    minutes: int


def visits_by_place(period: Period, scope: Scope) -> list[PlaceCount]:
    """Every place visited, most visited first (then the one visited first)."""
    rows = (
        scope.records(Visit, period)
        .values("service_id", "service__name", "service__town__name", "place_name")
        .annotate(visits=Count("id"), minutes_sum=Sum("minutes"), first=Min("date"))
        .order_by("-visits", "first", "service__name", "place_name")
    )
    return [
        PlaceCount(
            service_id=row["service_id"],
            name=row["service__name"] or row["place_name"],
            town=row["service__town__name"] or "",
            visits=row["visits"],
            minutes=row["minutes_sum"] or 0,
        )
        for row in rows
    ]


def visit_totals_by(
    period: Period, scope: Scope, field: str, keys: list[int]
) -> dict[int, VisitTotals]:
    """The scope's visits grouped by a field stored on them ("area_id", "tier"), for these
    values of it."""
    rows = (
        scope.records(Visit, period)
        .filter(**{f"{field}__in": keys})
        .values(field)
        .annotate(
            total=Count("id"), minutes_sum=Sum("minutes"), timed=Count("minutes"), **DISTINCT_PLACES
        )
        .order_by()
    )
    return {
        row[field]: VisitTotals(
            total=row["total"],
            distinct_places=row["resources"] + row["unlisted"],
            minutes=row["minutes_sum"] or 0,
            timed=row["timed"],
        )
        for row in rows
    }
