"""Other activities counted by kind: trainings attended, lectures given, visitors hosted,
study sessions and other preparation, publications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min

from sasaeai.core.periods import Period

from ..models import OtherActivity, OtherActivityKind
from .scope import Scope

# The report's lists of other activities and the kinds each gathers.
OTHER_KINDS: dict[str, tuple[str, ...]] = {
    "preparations": (OtherActivityKind.STUDY_SESSION, OtherActivityKind.OTHER),
    "trainings": (OtherActivityKind.TRAINING_ATTENDED,),
    "lectures": (OtherActivityKind.LECTURE_GIVEN,),
    "visitors": (OtherActivityKind.VISITORS_HOSTED,),
}


def other_kind_counts(period: Period, scope: Scope) -> dict[str, int]:
    """kind → records (kinds without records left out)."""
    rows = scope.records(OtherActivity, period).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}


def other_list_counts(period: Period, scope: Scope) -> dict[str, int]:
    """The report's lists (preparations, trainings, lectures, visitors) → records."""
    by_kind = other_kind_counts(period, scope)
    return {name: sum(by_kind.get(k, 0) for k in kinds) for name, kinds in OTHER_KINDS.items()}


def other_list_counts_by(
    period: Period, scope: Scope, field: str, keys: list[int], names: tuple[str, ...]
) -> dict[int, dict[str, int]]:
    """Value of a field stored on the records ("area_id", "tier") → list name → records,
    for the lists named."""
    list_of = {kind: name for name in names for kind in OTHER_KINDS[name]}
    rows = (
        scope.records(OtherActivity, period)
        .filter(kind__in=list_of, **{f"{field}__in": keys})
        .values(field, "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        lists = result.setdefault(row[field], {})
        name = list_of[row["kind"]]
        lists[name] = lists.get(name, 0) + row["n"]
    return result


@dataclass(frozen=True)
class OtherEvent:
    """One event of a list: the records with the same day(s), name and counterpart (the same
    training recorded by each coordinator who attended it is one event)."""

    date: dt.date
    end_date: dt.date | None
    title: str
    counterpart: str
    records: int  # how many records (coordinators' attendances) the event gathers
    head_count: int | None  # the largest head count recorded for it (an audience is counted once)


def other_events(
    period: Period, scope: Scope, name: str, *, limit: int = 1000
) -> tuple[list[OtherEvent], int]:
    """The events of one of the report's lists (OTHER_KINDS), in date order, at most `limit`,
    and how many events there are in all."""
    rows = (
        scope.records(OtherActivity, period)
        .filter(kind__in=OTHER_KINDS[name])
        .values("date", "end_date", "title", "counterpart")
        .annotate(
            records=Count("id"),
            people=Max("head_count"),
            start=Min("start_time"),
            first_id=Min("id"),
        )
        .order_by("date", "start", "first_id")
    )
    events = [
        OtherEvent(
            row["date"],
            row["end_date"],
            row["title"],
            row["counterpart"],
            row["records"],
            row["people"],
        )
        for row in rows[:limit]
    ]
    total = len(events) if len(events) < limit else rows.count()
    return events, total
