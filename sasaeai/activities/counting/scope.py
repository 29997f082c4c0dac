"""Whose work is counted: the one scope type of every count (reports, home panels, API).

A scope is the whole municipality, one tier (1 or 2), one area, several areas side by side,
or one coordinator. It selects records by what is stored on them when they were written
(their municipality, tier, area and coordinator), never by what the person is today, so a
later change of role or area does not rewrite a past report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

from sasaeai.accounts.models import Role, Tier, User
from sasaeai.core.periods import Period
from sasaeai.org.models import Area, Municipality


class ScopeKind:
    MUNICIPALITY = "municipality"
    TIER1 = "tier1"
    TIER2 = "tier2"
    AREA = "area"
    AREAS = "areas"
    COORDINATOR = "coordinator"


TIER_OF_KIND = {ScopeKind.TIER1: Tier.TIER1, ScopeKind.TIER2: Tier.TIER2}
TIER_LABELS = {ScopeKind.TIER1: "第1層全体", ScopeKind.TIER2: "第2層全体"}


@dataclass(frozen=True)
class Scope:
    """Whose work is counted. `areas` holds one area (area), several (areas: shown side by
    side) or none; `coordinator` is set for one coordinator's own work."""

    kind: str
    municipality: Municipality
    areas: tuple[Area, ...] = field(default=())
    coordinator: User | None = None

    # --- constructors -----------------------------------------------------------------------

    @classmethod
    def for_municipality(cls, municipality: Municipality) -> Scope:
        return cls(ScopeKind.MUNICIPALITY, municipality)

    @classmethod
    def for_tier(cls, municipality: Municipality, tier: int) -> Scope:
        return cls(ScopeKind.TIER2 if tier == Tier.TIER2 else ScopeKind.TIER1, municipality)

    @classmethod
    def for_area(cls, area: Area) -> Scope:
        return cls(ScopeKind.AREA, area.municipality, (area,))

    @classmethod
    def for_areas(cls, municipality: Municipality, areas: list[Area] | tuple[Area, ...]) -> Scope:
        """Several areas side by side (one area is an area scope)."""
        ordered = tuple(sorted(set(areas), key=lambda a: (a.order, a.pk)))
        if len(ordered) == 1:
            return cls(ScopeKind.AREA, municipality, ordered)
        return cls(ScopeKind.AREAS, municipality, ordered)

    @classmethod
    def for_coordinator(cls, user: User) -> Scope:
        return cls(ScopeKind.COORDINATOR, user.municipality, coordinator=user)

    # --- names ------------------------------------------------------------------------------

    @property
    def key(self) -> str:
        """The text form: municipality, tier1, tier2, area:3, areas:3,5, coordinator:<username>."""
        if self.kind == ScopeKind.AREA:
            return f"area:{self.areas[0].pk}"
        if self.kind == ScopeKind.AREAS:
            return "areas:" + ",".join(str(a.pk) for a in self.areas)
        if self.kind == ScopeKind.COORDINATOR:
            assert self.coordinator is not None
            return f"coordinator:{self.coordinator.username}"
        return self.kind

    @property
    def storage_key(self) -> str:
        """Like `key`, but a coordinator by id (usernames may change): what a saved report keeps."""
        if self.kind == ScopeKind.COORDINATOR:
            assert self.coordinator is not None
            return f"coordinator#{self.coordinator.pk}"
        return self.key

    @property
    def label(self) -> str:
        if self.kind == ScopeKind.MUNICIPALITY:
            return f"{self.municipality.name}全体"
        if self.kind in TIER_LABELS:
            return TIER_LABELS[self.kind]
        if self.kind in (ScopeKind.AREA, ScopeKind.AREAS):
            return "・".join(a.name for a in self.areas)
        assert self.coordinator is not None
        return f"{self.coordinator.name}（{self.coordinator.get_role_display()}）"

    @property
    def area_ids(self) -> list[int]:
        return [a.pk for a in self.areas]

    @property
    def tier(self) -> int | None:
        return TIER_OF_KIND.get(self.kind)

    @property
    def compares_areas(self) -> bool:
        """Does a report of this scope set areas side by side (the scope spans several)?"""
        return self.kind in (ScopeKind.MUNICIPALITY, ScopeKind.TIER2, ScopeKind.AREAS)

    # --- which records ----------------------------------------------------------------------

    def q(self, prefix: str = "", *, municipality: bool = True) -> Q:
        """Records (activity records and cases alike) of this scope, by what is stored on
        them; `prefix` is the path to the record in a join ("consultation__", "case__").
        Without `municipality`, the rest only: for a join whose own row already holds the
        municipality (a referral and its case), filtering it on both sides makes the planner
        multiply the two selectivities and misjudge the rows by hundreds of times."""
        q = Q(**{f"{prefix}municipality_id": self.municipality.pk}) if municipality else Q()
        if self.tier is not None:
            q &= Q(**{f"{prefix}tier": self.tier})
        elif self.kind in (ScopeKind.AREA, ScopeKind.AREAS):
            q &= Q(**{f"{prefix}area_id__in": self.area_ids})
        elif self.kind == ScopeKind.COORDINATOR:
            assert self.coordinator is not None
            q &= Q(**{f"{prefix}coordinator_id": self.coordinator.pk})
        return q

    def records_q(self, period: Period, prefix: str = "") -> Q:
        """Activity records of this scope dated in the period."""
        return self.q(prefix) & Q(
            **{f"{prefix}date__gte": period.start, f"{prefix}date__lte": period.end}
        )

    def records(self, model: type[Model], period: Period) -> QuerySet:
        """The activity records (visits, consultations, meetings, other activities) counted."""
        return model.objects.filter(self.records_q(period))


def scope_for_user(user: User) -> Scope:
    """A coordinator's own work; the municipality for anyone else (the home panel's scope)."""
    if user.role in (Role.TIER1, Role.TIER2):
        return Scope.for_coordinator(user)
    return Scope.for_municipality(user.municipality)
