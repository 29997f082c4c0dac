"""Reads of the living directory: the review queue in a coordinator's scope, a proposal's
field-by-field comparison with the record, duplicate candidates for a suggested place, the
data-quality figures of an area, and what an organiser's page shows."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.org.models import Area
from sasaeai.resources import selectors as resource_selectors
from sasaeai.resources.models import Service

from .fields import CHANGE_FIELDS, NEW_PLACE_FIELDS, current_values, shown
from .models import OrganiserLink, Proposal


def proposal_list_visible_to(*, user: User) -> QuerySet[Proposal]:
    """The review queue's scope: tier 1 and administrators the municipality, tier 2 its areas
    (a suggested place with no area goes to tier 1). Resident reports may carry a contact, so
    the scope is that of the people who act on them."""
    if not policy.has(user, Capability.EDIT_RESOURCES) or not policy.is_staff_user(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(policy.writable_area_filter(user))


def proposal_queue(*, user: User, status: str = "open") -> QuerySet[Proposal]:
    queryset = proposal_list_visible_to(user=user).select_related("service", "area")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "pk")


def proposal_get(*, user: User, pk: object) -> Proposal:
    return policy.get_in_scope(
        proposal_list_visible_to(user=user).select_related(
            "service__location", "service__municipality", "area", "decided_by"
        ),
        pk,
    )


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    raw_new: str
    help: str = ""


def proposal_changes(proposal: Proposal) -> list[FieldChange]:
    """Each proposed field against the current record (old → new)."""
    if proposal.kind == Proposal.Kind.NEW_PLACE:
        return [
            FieldChange(f.name, f.label, "", proposal.changes.get(f.name, ""), "")
            for f in NEW_PLACE_FIELDS
            if proposal.changes.get(f.name)
        ]
    current = current_values(proposal.service)
    return [
        FieldChange(
            f.name,
            f.label,
            shown(f.name, current.get(f.name, "")),
            shown(f.name, proposal.changes[f.name]),
            proposal.changes[f.name],
            f.help,
        )
        for f in CHANGE_FIELDS
        if f.name in proposal.changes
    ]


def duplicate_candidates(proposal: Proposal, *, user: User, limit: int = 5) -> list[Service]:
    """Listed resources that may be the suggested place: the name's words found in the
    staff search of the municipality."""
    name = proposal.changes.get("name", "")
    if not name:
        return []
    result = resource_selectors.service_search(
        user=user, filters=resource_selectors.ServiceFilters(text=name[:100])
    )
    return list(result.queryset.select_related("town")[:limit])


def proposal_for_api(proposal: Proposal) -> dict:
    return {
        "id": proposal.pk,
        "kind": proposal.kind,
        "kind_label": proposal.get_kind_display(),
        "status": proposal.status,
        "resource_id": proposal.service_id,
        "resource": proposal.service.name if proposal.service_id else "",
        "area": proposal.area.name if proposal.area_id else "",
        "proposer": proposal.proposer,
        "proposer_label": proposal.get_proposer_display(),
        "created_at": proposal.created_at,
        "message": proposal.message,
        "changes": [
            {"field": c.name, "label": c.label, "old": c.old, "new": c.new}
            for c in proposal_changes(proposal)
        ],
    }


def open_proposal_count(*, user: User) -> int:
    return proposal_list_visible_to(user=user).filter(status=Proposal.Status.OPEN).count()


# --- links --------------------------------------------------------------------------------------


def links_of(service: Service) -> QuerySet[OrganiserLink]:
    return OrganiserLink.objects.filter(service=service).select_related("created_by")


def organiser_history(link: OrganiserLink, *, limit: int = 10) -> list[Proposal]:
    """The organiser's own earlier proposals about this resource and their answers."""
    return list(
        Proposal.objects.filter(
            service_id=link.service_id, proposer=Proposal.Proposer.ORGANISER
        ).order_by("-created_at", "-pk")[:limit]
    )


# --- data quality -------------------------------------------------------------------------------

# What residents need to decide whether to go: the field and how a missing value is found.
NEEDED = (
    ("schedule", "日程", Q(schedules__isnull=True)),
    ("place", "場所", Q(location__isnull=True)),
    ("fee", "参加費", Q(is_free__isnull=True, fees_description="", fee_amount__isnull=True)),
    (
        "accessibility",
        "バリアフリー",
        Q(
            step_free__isnull=True,
            accessible_toilet__isnull=True,
            has_seating__isnull=True,
            accessibility_note="",
        ),
    ),
    ("contact", "公開する連絡先", Q(contact_is_public=False) | Q(contact_phone="")),
)


@dataclass
class AreaQuality:
    area: Area | None
    total: int
    verified: int
    missing: dict[str, int]
    open_proposals: int
    oldest_open_days: int | None

    @property
    def verified_share(self) -> int:
        return round(100 * self.verified / self.total) if self.total else 0


def data_quality(*, user: User, today: dt.date | None = None) -> list[AreaQuality]:
    """Per area in the user's scope: the share verified within the period, the resources
    missing what residents need, and the open proposals with the age of the oldest."""
    today = today or timezone.localdate()
    if not policy.has(user, Capability.EDIT_RESOURCES):
        return []
    valid_days = resource_selectors.verification_policy(user.municipality_id).valid_days
    limit = resource_selectors.recheck_limit(today, valid_days=valid_days)
    services = Service.objects.filter(policy.writable_area_filter(user)).exclude(
        status=Service.Status.CLOSED
    )
    aggregates = {"total": Count("pk", distinct=True)}
    aggregates["verified"] = Count("pk", filter=Q(confirmed_at__gte=limit), distinct=True)
    for key, _label, missing in NEEDED:
        aggregates[key] = Count("pk", filter=missing, distinct=True)
    rows = {row["area_id"]: row for row in services.values("area_id").annotate(**aggregates)}
    proposals: dict[int | None, list] = {}
    for area_id, created in (
        proposal_list_visible_to(user=user)
        .filter(status=Proposal.Status.OPEN)
        .values_list("area_id", "created_at")
    ):
        proposals.setdefault(area_id, []).append(created)
    areas = Area.objects.filter(municipality_id=user.municipality_id).order_by("order", "id")
    if user.role == policy.Role.TIER2:
        areas = areas.filter(pk__in=policy.area_ids(user))
    result = []
    for area in [*areas, None]:
        key = area.pk if area else None
        row = rows.get(key)
        opened = proposals.get(key, [])
        if area is None and row is None and not opened:
            continue
        oldest = min(opened) if opened else None
        result.append(
            AreaQuality(
                area=area,
                total=row["total"] if row else 0,
                verified=row["verified"] if row else 0,
                missing={k: (row[k] if row else 0) for k, _label, _q in NEEDED},
                open_proposals=len(opened),
                oldest_open_days=(today - timezone.localtime(oldest).date()).days
                if oldest
                else None,
            )
        )
    return result


NEEDED_LABELS = {key: label for key, label, _q in NEEDED}
