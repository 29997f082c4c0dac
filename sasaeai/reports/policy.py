"""Who may read and write which report: the reports app's part of the access policy
(sasaeai.accounts.policy decides the roles and capabilities; this module applies them to a
report's scope). Views, the API, the command and the services all ask here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User
from sasaeai.activities.counting import Scope, ScopeKind

# Roles that read aggregates only: a report about one coordinator is that person's work
# record, which council members (協議体委員) and the prefecture-wide reader do not see.
AGGREGATE_ONLY_ROLES = frozenset({Role.COUNCIL, Role.REGIONAL})


def scope_allowed(user: User, scope: Scope) -> bool:
    """May the user read a report of this scope? Reports are aggregates: every role holding
    VIEW_REPORTS reads its municipality's (the regional reader its prefecture's); a tier-2
    coordinator only the scopes inside its own areas (its areas, or its own work); council
    members and the regional reader never one coordinator's scope."""
    if not policy.has(user, policy.Capability.VIEW_REPORTS):
        return False
    if scope.municipality.pk not in policy.municipality_ids(user):
        return False
    if user.role == Role.TIER2:
        own = policy.area_ids(user)
        if scope.kind in (ScopeKind.AREA, ScopeKind.AREAS):
            return bool(scope.areas) and set(scope.area_ids) <= own
        if scope.kind == ScopeKind.COORDINATOR:
            return scope.coordinator is not None and scope.coordinator.pk == user.pk
        return False
    return not (user.role in AGGREGATE_ONLY_ROLES and scope.kind == ScopeKind.COORDINATOR)


def scope_require(user: User, scope: Scope) -> None:
    policy.require(user, policy.Capability.VIEW_REPORTS)
    if not scope_allowed(user, scope):
        raise PermissionDenied("この範囲の報告書を見る権限がありません。")


def can_write(user: User, scope: Scope) -> bool:
    """Coordinators write their reports' text; a tier-2 coordinator only for scopes inside its
    own areas (or its own work). Officials and council members read."""
    return (
        policy.has(user, policy.Capability.EDIT_ACTIVITIES)
        and policy.can_write_municipality(user, scope.municipality.pk)
        and scope_allowed(user, scope)
    )


def can_view_case_counts(user: User) -> bool:
    """The cases page's counts are for coordinators and city officials (they hold no personal
    data); council members and the regional reader see none."""
    return policy.has(user, policy.Capability.VIEW_CASES) or policy.has(
        user, policy.Capability.VIEW_ACTIVITIES
    )


def case_counts_scope(user: User) -> Scope:
    """Whose cases the counts cover: a tier-2 coordinator's own areas (none: nothing), the
    municipality for everyone else who may see them."""
    if not can_view_case_counts(user):
        raise PermissionDenied("この操作の権限がありません。")
    if user.role == Role.TIER2:
        from sasaeai.org.models import Area

        areas = Area.objects.filter(pk__in=policy.area_ids(user)).order_by("order", "id")
        return Scope.for_areas(user.municipality, list(areas))
    return Scope.for_municipality(user.municipality)
