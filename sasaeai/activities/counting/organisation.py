"""How the municipality was organised in a period: the areas (日常生活圏域) in effect then and
the coordinators assigned to each at some time in it, read from the areas' and the
assignments' dates, so that a past period is reported as it was organised then (Musashino
placed tier-2 coordinators in 3 areas in April 2016 and in all 6 in April 2017)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from sasaeai.accounts.models import AreaAssignment, PastAreaAssignment
from sasaeai.core.periods import Period
from sasaeai.org.models import Area, Municipality

from .scope import Scope, ScopeKind


def areas_in_effect(period: Period, municipality: Municipality) -> list[Area]:
    """The municipality's areas in effect on some day of the period, in their order."""
    return list(
        Area.objects.filter(municipality=municipality)
        .in_effect(period.start, period.end)
        .order_by("order", "pk")
    )


@dataclass(frozen=True)
class Placement:
    """The areas of a scope in a period and who was assigned to each in it."""

    areas: list[Area]
    coordinators: dict[int, list[str]] = field(default_factory=dict)  # area id → names

    @property
    def areas_covered(self) -> int:
        return sum(1 for area in self.areas if self.coordinators.get(area.pk))

    @property
    def people(self) -> int:
        return len({name for names in self.coordinators.values() for name in names})


def placement(
    period: Period, scope: Scope, *, in_effect: list[Area] | None = None
) -> Placement | None:
    """Areas and their assigned coordinators in the period, for the scopes made of areas
    (the municipality, tier 2, one or several areas); None for the others. `in_effect`
    passes `areas_in_effect` when the caller has read it already."""
    if scope.kind in (ScopeKind.AREA, ScopeKind.AREAS):
        areas = [a for a in scope.areas]
    elif scope.kind in (ScopeKind.MUNICIPALITY, ScopeKind.TIER2):
        areas = in_effect if in_effect is not None else areas_in_effect(period, scope.municipality)
    else:
        return None
    ids = [a.pk for a in areas]
    began = Q(valid_from__isnull=True) | Q(valid_from__lte=period.end)
    rows = list(
        AreaAssignment.objects.filter(began, area_id__in=ids).values_list(
            "area_id", "user__display_name", "user__username"
        )
    ) + list(
        PastAreaAssignment.objects.filter(
            began, area_id__in=ids, valid_until__gte=period.start
        ).values_list("area_id", "user__display_name", "user__username")
    )
    names: dict[int, list[str]] = {}
    for area_id, display_name, username in sorted(rows, key=lambda r: (r[0], r[2])):
        name = display_name or username
        if name not in names.setdefault(area_id, []):
            names[area_id].append(name)
    return Placement(areas=areas, coordinators=names)
