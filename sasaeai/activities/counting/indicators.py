"""Counts behind the indicators a municipality reports upward (reports/indicators.py): the
coordinators who worked in a period and the council (協議体) meetings held, each by tier."""

from __future__ import annotations

from django.db.models import Count, Q

from sasaeai.core.periods import Period

from ..models import Consultation, Meeting, MeetingType, OtherActivity, Visit
from .scope import Scope


def coordinators_by_tier(period: Period, scope: Scope) -> dict[int, int]:
    """tier → coordinators with at least one activity record in the period, by the tier
    stored on the record (a person who worked in both tiers counts in each)."""
    pairs: set[tuple[int, int]] = set()
    for model in (Visit, Consultation, Meeting, OtherActivity):
        rows = (
            scope.records(model, period)
            .exclude(coordinator=None)
            .values_list("tier", "coordinator_id")
            .distinct()
            .order_by()
        )
        pairs.update(rows)
    result: dict[int, int] = {1: 0, 2: 0}
    for tier, _ in pairs:
        result[tier] = result.get(tier, 0) + 1
    return result


def council_meetings(period: Period, scope: Scope) -> dict[int, int]:
    """tier → meetings of a council (協議体) in the period: meetings linked to a council, by
    the council's tier, and meetings recorded as 第1層協議体 without a council link."""
    rows = (
        scope.records(Meeting, period)
        .filter(Q(council__isnull=False) | Q(meeting_type=MeetingType.TIER1_COUNCIL))
        .values("council__tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, int] = {1: 0, 2: 0}
    for row in rows:
        tier = row["council__tier"] or 1
        result[tier] = result.get(tier, 0) + row["n"]
    return result
