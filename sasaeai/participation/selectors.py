"""Reads of the participation app, scoped by the access policy: the records a user may see,
the places a user may record for, the population datasets, and the gap map's layer."""

from __future__ import annotations

from django.db.models import QuerySet

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User
from sasaeai.resources.models import Service

from . import frequency
from .gaps import WALK_FACTOR, GapAnalysis
from .models import ParticipationRecord, PopulationDataset


def participation_list_visible_to(*, user: User) -> QuerySet[ParticipationRecord]:
    """Counts only, so everyone who reads activities reads the municipality's records."""
    if not policy.has(user, policy.Capability.VIEW_ACTIVITIES):
        return ParticipationRecord.objects.none()
    return policy.in_municipality(ParticipationRecord.objects.all(), user).select_related(
        "service", "service__town"
    )


def services_recordable_by(*, user: User) -> QuerySet[Service]:
    """The places the user may record participation for (tier 2: in its areas)."""
    if not policy.has(user, policy.Capability.EDIT_ACTIVITIES):
        return Service.objects.none()
    services = Service.objects.filter(municipality_id=user.municipality_id).exclude(
        status=Service.Status.CLOSED
    )
    if user.role == Role.TIER2:
        services = services.filter(area_id__in=policy.area_ids(user))
    return services.select_related("town").order_by("name_kana", "name")


def population_datasets(*, user: User) -> QuerySet[PopulationDataset]:
    return PopulationDataset.objects.filter(municipality_id=user.municipality_id).order_by("-as_of")


def gap_map_layer(analysis: GapAnalysis) -> dict:
    """The map's data: towns as points sized by residents 65+ and shaded by gap score, the
    weekly places as points with their reach (the walking distance as a straight-line circle)."""
    worst = max((row.gap_score for row in analysis.rows), default=0) or 1
    return {
        "reach_m": round(analysis.walk_m / WALK_FACTOR),
        "towns": [
            {
                "key": row.key,
                "name": row.name,
                "lat": row.latitude,
                "lon": row.longitude,
                "residents_65_plus": row.residents_65_plus,
                "weekly_places_within": row.weekly_places_within,
                "gap_score": round(row.gap_score, 1),
                "level": min(4, int(row.gap_score / worst * 4.999)),
                "rank": rank,
                "approximate": row.approximate,
            }
            for rank, row in enumerate(analysis.rows, start=1)
            if not row.no_point
        ],
        "places": [
            {"id": p.id, "name": p.name, "lat": p.latitude, "lon": p.longitude}
            for p in analysis.places
            if p.frequency == frequency.WEEKLY
        ],
    }


def issues_attachable_by(*, user: User):
    """Regional issues the user may add evidence to (open ones, not merged)."""
    from sasaeai.councils import policy as councils_policy
    from sasaeai.councils.selectors import issue_list_visible_to

    if not policy.has(user, policy.Capability.EDIT_COUNCILS):
        return []
    issues = issue_list_visible_to(user=user).filter(merged_into__isnull=True)
    return [issue for issue in issues[:200] if councils_policy.can_edit_issue(user, issue)]


def gap_history(*, analysis: GapAnalysis, category_code: str) -> dict[str, dict]:
    """For each town already attached to an issue with the same measure (walking distance and
    filters): the latest frozen figures and what changed since, keyed by the row's key."""
    from sasaeai.councils.models import IssueFigure

    from .services import GAP_SOURCE, gap_key

    keys = {
        gap_key(row, analysis.walk_m, category_code, analysis.target_codes): row
        for row in analysis.rows
    }
    figures = (
        IssueFigure.objects.filter(
            source=GAP_SOURCE,
            source_key__in=list(keys),
            issue__municipality=analysis.municipality,
        )
        .select_related("issue")
        .order_by("as_of", "id")
    )
    history: dict[str, dict] = {}
    for figure in figures:
        row = keys[figure.source_key]
        then = figure.figures
        history[row.key] = {
            "issue": figure.issue,
            "as_of": figure.as_of,
            "then_65": then.get("residents_65_plus"),
            "then_places": then.get("weekly_places_within"),
            "change_65": row.residents_65_plus - (then.get("residents_65_plus") or 0),
            "change_places": row.weekly_places_within - (then.get("weekly_places_within") or 0),
        }
    return history
