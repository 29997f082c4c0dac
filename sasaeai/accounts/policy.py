"""The access policy: who may do what, in which municipality and which area.

Every view, API operation and selector asks this module; no view decides access on its own.
Lookups of single objects go through `get_in_scope`, which answers "not found" both when the
object does not exist and when it is outside the user's scope, so that ids cannot be probed.
"""

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from sasaeai.core.prepared import PreparedQuery

from .models import Role, User, tier_for_role


class Capability(StrEnum):
    VIEW_RESOURCES = "resources.view"
    # The staff record of a resource: internal note, non-public contacts, a home salon's exact
    # address and point, its history and the full export. The regional reader reads
    # resources without it, as the public does (`sees_public_only`).
    VIEW_RESOURCE_RECORDS = "resources.view_records"
    EDIT_RESOURCES = "resources.edit"
    IMPORT_RESOURCES = "resources.import"
    VIEW_ACTIVITIES = "activities.view"
    EDIT_ACTIVITIES = "activities.edit"
    VIEW_CASES = "cases.view"
    EDIT_CASES = "cases.edit"
    # Tier 1's part of the case work: reviewing case stories before they are published in the
    # case library (and withdrawing them), and the person's own requests (開示・削除).
    REVIEW_CASE_STORIES = "cases.review_stories"
    HANDLE_SUBJECT_REQUESTS = "cases.subject_requests"
    VIEW_REPORTS = "reports.view"
    VIEW_COUNCILS = "councils.view"
    EDIT_COUNCILS = "councils.edit"
    # Tier 1's part of the council pipeline: merging issues city-wide, proposals, answers.
    STEER_COUNCILS = "councils.steer"
    VIEW_ORG = "org.view"
    MANAGE_ORG = "org.manage"
    MANAGE_USERS = "users.manage"
    VIEW_AUDIT = "audit.view"


C = Capability

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(
        {
            C.VIEW_RESOURCES,
            C.VIEW_RESOURCE_RECORDS,
            C.EDIT_RESOURCES,
            C.IMPORT_RESOURCES,
            C.VIEW_REPORTS,
            C.VIEW_COUNCILS,
            C.VIEW_ORG,
            C.MANAGE_ORG,
            C.MANAGE_USERS,
            C.VIEW_AUDIT,
        }
    ),
    Role.TIER1: frozenset(
        {
            C.VIEW_RESOURCES,
            C.VIEW_RESOURCE_RECORDS,
            C.EDIT_RESOURCES,
            C.IMPORT_RESOURCES,
            C.VIEW_ACTIVITIES,
            C.EDIT_ACTIVITIES,
            C.VIEW_CASES,
            C.EDIT_CASES,
            C.REVIEW_CASE_STORIES,
            C.HANDLE_SUBJECT_REQUESTS,
            C.VIEW_REPORTS,
            C.VIEW_COUNCILS,
            C.EDIT_COUNCILS,
            C.STEER_COUNCILS,
            C.VIEW_ORG,
        }
    ),
    Role.TIER2: frozenset(
        {
            C.VIEW_RESOURCES,
            C.VIEW_RESOURCE_RECORDS,
            C.EDIT_RESOURCES,
            C.VIEW_ACTIVITIES,
            C.EDIT_ACTIVITIES,
            C.VIEW_CASES,
            C.EDIT_CASES,
            C.VIEW_REPORTS,
            C.VIEW_COUNCILS,
            C.EDIT_COUNCILS,
            C.VIEW_ORG,
        }
    ),
    # 高齢者支援課: everything read-only plus reports; cases only as counts.
    Role.OFFICIAL: frozenset(
        {
            C.VIEW_RESOURCES,
            C.VIEW_RESOURCE_RECORDS,
            C.VIEW_ACTIVITIES,
            C.VIEW_REPORTS,
            C.VIEW_COUNCILS,
            C.VIEW_ORG,
        }
    ),
    # 協議体委員: aggregated reports and council material, never personal data.
    Role.COUNCIL: frozenset({C.VIEW_REPORTS, C.VIEW_COUNCILS}),
    # Prefecture-wide reader: aggregated figures and resources of every municipality in the
    # prefecture, nothing personal.
    Role.REGIONAL: frozenset({C.VIEW_RESOURCES, C.VIEW_REPORTS, C.VIEW_ORG}),
}

# Roles whose work spans the whole municipality; tier 2 is bounded by its areas.
MUNICIPALITY_WIDE_ROLES = frozenset({Role.ADMIN, Role.TIER1, Role.OFFICIAL, Role.COUNCIL})

M = TypeVar("M", bound=Model)


def is_staff_user(user: object) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def capabilities(user: object) -> frozenset[Capability]:
    if not is_staff_user(user):
        return frozenset()
    assert isinstance(user, User)
    if user.municipality_id is None:
        return frozenset()
    return ROLE_CAPABILITIES.get(user.role, frozenset())


def has(user: object, capability: Capability) -> bool:
    return capability in capabilities(user)


def require(user: object, capability: Capability) -> None:
    """Raises PermissionDenied (403) unless the user holds the capability."""
    if not has(user, capability):
        raise PermissionDenied("この操作の権限がありません。")


def _prefecture_municipalities(bounds: Sequence[str]) -> QuerySet:
    from sasaeai.org.models import Municipality

    # The codes (digits only, validate_local_government_code) from the prefecture's two digits
    # to those digits followed by nines: those that start with them, as `code__startswith`
    # (whose LIKE parameter, '13%', could not be prepared).
    return Municipality.objects.filter(code__gte=bounds[0], code__lte=bounds[1]).values_list("id")


# Every request of a prefecture-wide reader reads its municipalities: compiled once per
# connection (core.prepared).
_PREFECTURE_MUNICIPALITIES = PreparedQuery(_prefecture_municipalities)


def municipality_ids(user: User) -> list[int]:
    """Municipalities whose records the user may read."""
    if not is_staff_user(user) or user.municipality_id is None:
        return []
    if user.role == Role.REGIONAL:
        prefix = user.municipality.code[:2]
        return [pk for (pk,) in _PREFECTURE_MUNICIPALITIES.rows([prefix, prefix + "9" * 10])]
    return [user.municipality_id]


def area_ids(user: User) -> set[int]:
    """The areas a user is assigned to (tier 2); cached on the user object for the request."""
    cached = getattr(user, "_policy_area_ids", None)
    if cached is None:
        cached = set(user.areas.values_list("id", flat=True)) if user.pk else set()
        user._policy_area_ids = cached
    return cached


def in_municipality(queryset: QuerySet[M], user: User, field: str = "municipality") -> QuerySet[M]:
    """Restricts a queryset to the municipalities the user may read."""
    return queryset.filter(**{f"{field}__in": municipality_ids(user)})


def sees_public_only(user: object) -> bool:
    """Reads resources without their staff records: the prefecture-wide reader (広域閲覧) sees a municipality's resources as residents do
    (public, consented, active services; a home salon at its area's point, no internal note or
    non-public contact) plus aggregate figures: nothing personal, whatever the municipality."""
    return has(user, Capability.VIEW_RESOURCES) and not has(user, Capability.VIEW_RESOURCE_RECORDS)


def can_write_municipality(user: User, municipality_id: int | None) -> bool:
    return (
        is_staff_user(user)
        and municipality_id is not None
        and (municipality_id == user.municipality_id)
    )


def can_write_area(user: User, area_id: int | None, municipality_id: int | None) -> bool:
    """May the user create or change records in this area (None = municipality-wide)?"""
    if not can_write_municipality(user, municipality_id):
        return False
    if user.role in (Role.ADMIN, Role.TIER1):
        return True
    if user.role == Role.TIER2:
        return area_id is not None and area_id in area_ids(user)
    return False


class AreaOwned(Protocol):
    """Anything that belongs to one municipality and (maybe) one area: a case, an activity
    record, a calendar entry."""

    area_id: int | None
    municipality_id: int | None


def can_edit_case(user: User, case: AreaOwned) -> bool:
    """Tier 1 changes every case of its municipality, tier 2 those in its areas."""
    return has(user, Capability.EDIT_CASES) and can_write_area(
        user, case.area_id, case.municipality_id
    )


def can_edit_resource(user: User, service: AreaOwned) -> bool:
    """Social resources: tier 1 and administrators change every one of their municipality,
    tier 2 those in its areas."""
    return has(user, Capability.EDIT_RESOURCES) and can_write_area(
        user, service.area_id, service.municipality_id
    )


def can_edit_record(user: User, record: AreaOwned) -> bool:
    """Activity records and calendar entries: tier 1 changes every one of its municipality,
    tier 2 those in its areas."""
    return has(user, Capability.EDIT_ACTIVITIES) and can_write_area(
        user, record.area_id, record.municipality_id
    )


def can_attach_evidence(user: User, record: AreaOwned) -> bool:
    """May the user cite this record as evidence of a regional issue? The councils capability,
    and the record within the areas the user may write to."""
    return has(user, Capability.EDIT_COUNCILS) and can_write_area(
        user, record.area_id, record.municipality_id
    )


def tier_of(user: User) -> int:
    """The tier a record written now by this user is stored (and counted) under."""
    return tier_for_role(user.role)


def writable_area_filter(user: User, field: str = "area") -> Q:
    """A Q that keeps rows the user may change (used to mark rows editable in lists)."""
    if user.role in (Role.ADMIN, Role.TIER1):
        return Q(**{"municipality_id": user.municipality_id})
    if user.role == Role.TIER2:
        return Q(**{"municipality_id": user.municipality_id, f"{field}__in": area_ids(user)})
    return Q(pk__in=[])


def personal_scope(queryset: QuerySet[M], user: User, field: str = "area") -> QuerySet[M]:
    """Records holding personal data (cases): tier 1 sees the municipality, tier 2 its areas,
    everybody else nothing."""
    if not has(user, Capability.VIEW_CASES):
        return queryset.none()
    queryset = queryset.filter(municipality_id=user.municipality_id)
    if user.role == Role.TIER1:
        return queryset
    if user.role == Role.TIER2:
        return queryset.filter(**{f"{field}__in": area_ids(user)})
    return queryset.none()


def get_in_scope(queryset: QuerySet[M], pk: object) -> M:
    """One object from an already scoped queryset; 404 whether missing or out of scope."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("見つかりません。") from exc


def assignable_roles(user: User) -> Iterable[str]:
    """Roles an administrator may give to users of their municipality."""
    if has(user, Capability.MANAGE_USERS):
        return [r for r in Role.values if r != Role.REGIONAL]
    return []
