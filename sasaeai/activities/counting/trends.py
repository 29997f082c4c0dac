"""Monthly counts: the trend of a period month by month (visits, consultations, talks), each
counted as the key figures count them, one grouped query per kind of record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from sasaeai.core.periods import Period

from ..models import Consultation, Meeting, Visit
from .meetings import TALKS
from .scope import Scope

# key → (model, extra filter); labels for the report's chart and table.
MONTHLY_FIGURES: list[tuple[str, str]] = [
    ("visits", "訪問（延べ）"),
    ("consultations", "相談対応"),
    ("meetings", "話し合いへの参加"),
]


@dataclass(frozen=True)
class MonthCount:
    month: dt.date  # the first day of the month
    values: dict[str, int] = field(default_factory=dict)


def months_of(period: Period) -> list[dt.date]:
    """The first days of the months the period touches, in order."""
    months = []
    day = period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _by_month(queryset) -> dict[dt.date, int]:
    """Counted by day (GROUP BY date reads the (municipality, date) index in order; a
    TruncMonth is a Python function called on every row in SQLite), added up by month here:
    at most 366 rows a year."""
    rows = queryset.values_list("date").annotate(n=Count("id")).order_by()
    result: dict[dt.date, int] = {}
    for day, n in rows:
        month = day.replace(day=1)
        result[month] = result.get(month, 0) + n
    return result


def monthly_counts(period: Period, scope: Scope) -> list[MonthCount]:
    """Every month of the period (months without records as zeros) with its counts."""
    counted = {
        "visits": _by_month(scope.records(Visit, period)),
        "consultations": _by_month(scope.records(Consultation, period)),
        "meetings": _by_month(scope.records(Meeting, period).filter(TALKS)),
    }
    return [
        MonthCount(month, {key: counted[key].get(month, 0) for key, _ in MONTHLY_FIGURES})
        for month in months_of(period)
    ]
