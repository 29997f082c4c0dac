"""Cases and referrals (つなぎ) counted: the cases received in the period, and the referrals
that moved in it: how many were new (proposed in the period, never moved before), the status
each had at the period's end, and the outcomes of those closed in the period. A case is in a
scope by the tier, area and coordinator stored on the case."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery

from sasaeai.cases.models import (
    CLOSED_REFERRAL_STATUSES,
    Case,
    Referral,
    ReferralTransition,
)
from sasaeai.core.periods import Period

from .scope import Scope


def _received(period: Period, scope: Scope) -> QuerySet[Case]:
    return Case.objects.filter(
        scope.q(), received_on__gte=period.start, received_on__lte=period.end
    )


def cases_received(period: Period, scope: Scope) -> int:
    return _received(period, scope).count()


@dataclass
class CaseCounts:
    received: int = 0  # received in the period
    closed: int = 0  # of those, closed by now
    open_now: int = 0  # of the scope's cases, open today (whenever received)
    by_area: dict[int | None, tuple[int, int]] = field(default_factory=dict)  # (received, closed)


def case_counts(period: Period, scope: Scope) -> CaseCounts:
    """The cases page's figures: received in the period (the report's 受付), how many of them
    are closed by now, by the area stored on the case, and the scope's cases open today."""
    counts = CaseCounts()
    rows = (
        _received(period, scope)
        .order_by()
        .values("area_id")
        .annotate(received=Count("id"), closed=Count("id", filter=Q(status=Case.Status.CLOSED)))
    )
    for row in rows:
        counts.by_area[row["area_id"]] = (row["received"], row["closed"])
    counts.received = sum(received for received, _ in counts.by_area.values())
    counts.closed = sum(closed for _, closed in counts.by_area.values())
    counts.open_now = Case.objects.filter(scope.q(), status=Case.Status.OPEN).count()
    return counts


def _in_scope(scope: Scope) -> Q:
    """The scope's referrals: by the municipality stored on the referral (its index keeps a
    city's counts off the other hosted municipalities' referrals), then by the tier, area
    and coordinator stored on the case (not its municipality again: see Scope.q)."""
    return Q(municipality_id=scope.municipality.pk) & scope.q("case__", municipality=False)


def _moves(period: Period, scope: Scope, **extra) -> Q:
    """The moves of a referral of the scope in the period. The transition's own municipality
    (indexed with the referral and the date: transition_city_referral) lets the planner read
    the city's moves of the period, not every hosted municipality's."""
    return Q(
        referral_id=OuterRef("pk"),
        municipality_id=scope.municipality.pk,
        date__gte=period.start,
        date__lte=period.end,
        **extra,
    )


def _new_in(period: Period, scope: Scope) -> Q:
    """Referrals whose first move (the proposal) falls in the period: one moved in it and
    none before it. Exists keeps one row per referral (a Min over the joined transitions,
    grouped again by area, counted the transitions instead)."""
    moved = ReferralTransition.objects.filter(referral_id=OuterRef("pk"))
    return Exists(ReferralTransition.objects.filter(_moves(period, scope))) & ~Exists(
        moved.filter(date__lt=period.start)
    )


def referrals_new(period: Period, scope: Scope) -> int:
    return Referral.objects.filter(_in_scope(scope), _new_in(period, scope)).count()


def referrals_new_in(
    scope: Scope, wanted: Mapping[Hashable, tuple[Period, int | None]]
) -> dict[Hashable, int]:
    """Several counts of new referrals at once: key → (period, tier of the case or None for
    any) → how many of the scope's referrals were new in that period (first moved in it: the
    same rule as `referrals_new`). One grouped pass over the city's moves gives each
    referral's first move; those that fall in any of the periods are then read with their
    case's tier (the report's 前期, 前年同期 and the two tiers).

    Two reads, each of this city's rows by an index, rather than one join: joined in SQL, the
    planner takes the municipality of the moves and of the referrals as independent
    conditions, expects a hundredth of the rows, and looks the case up once per move (19 ms
    and 30,000 pages at the prefecture size against 2 ms alone; docs/benchmarks.md)."""
    counts: dict[Hashable, int] = {key: 0 for key in wanted}
    if not wanted:
        return counts
    start = min(period.start for period, _ in wanted.values())
    end = max(period.end for period, _ in wanted.values())
    firsts = dict(
        ReferralTransition.objects.filter(municipality_id=scope.municipality.pk)
        .order_by()
        .values("referral_id")
        .annotate(first=Min("date"))
        .filter(first__gte=start, first__lte=end)
        .values_list("referral_id", "first")
    )
    ids = sorted(firsts)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        rows = Referral.objects.filter(_in_scope(scope), pk__in=chunk).values_list(
            "pk", "case__tier"
        )
        for pk, tier in rows:
            first = firsts[pk]
            for key, (period, wanted_tier) in wanted.items():
                if period.start <= first <= period.end and wanted_tier in (None, tier):
                    counts[key] += 1
    return counts


def referrals_new_by(period: Period, scope: Scope, field: str, keys: list[int]) -> dict[int, int]:
    """New referrals grouped by a field stored on their case ("area_id", "tier")."""
    counts: Counter[int] = Counter(
        Referral.objects.filter(
            _in_scope(scope), _new_in(period, scope), **{f"case__{field}__in": keys}
        )
        .values_list(f"case__{field}", flat=True)
        .iterator()
    )
    return dict(counts)


@dataclass
class ReferralCounts:
    new: int = 0  # proposed in the period
    new_by_area: dict[int | None, int] = field(default_factory=dict)  # `new` by the case's area
    status_at_end: Counter[str] = field(default_factory=Counter)  # of those that moved
    closed_outcomes: Counter[str] = field(default_factory=Counter)  # closed in the period


def referral_counts(period: Period, scope: Scope) -> ReferralCounts:
    """One pass over the referrals that moved in the period (a correlated probe per referral
    of the scope, so the fewer passes the better at a large city's size)."""
    status_at_end = Subquery(
        ReferralTransition.objects.filter(referral_id=OuterRef("pk"), date__lte=period.end)
        .order_by("-date", "-id")
        .values("to_status")[:1]
    )
    earlier = ReferralTransition.objects.filter(referral_id=OuterRef("pk"), date__lt=period.start)
    moved = ReferralTransition.objects.filter(_moves(period, scope))
    closed = ReferralTransition.objects.filter(
        _moves(period, scope, to_status__in=CLOSED_REFERRAL_STATUSES)
    )
    rows = (
        Referral.objects.filter(_in_scope(scope), Exists(moved))
        .annotate(status_at_end=status_at_end, is_new=~Exists(earlier), closed=Exists(closed))
        .values_list("case__area_id", "status_at_end", "is_new", "closed", "outcome")
    )
    counts = ReferralCounts()
    new_by_area: Counter[int | None] = Counter()
    for area_id, status, is_new, was_closed, outcome in rows:
        counts.status_at_end[status] += 1
        if is_new:
            new_by_area[area_id] += 1
        if was_closed:
            counts.closed_outcomes[outcome] += 1
    counts.new = sum(new_by_area.values())
    counts.new_by_area = dict(new_by_area)
    return counts
