"""Reads about users, scoped by the access policy."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from . import policy
from .models import ApiToken, AreaAssignment, PastAreaAssignment, User


def user_list_manageable_by(*, user: User) -> QuerySet[User]:
    if not policy.has(user, policy.Capability.MANAGE_USERS):
        return User.objects.none()
    return (
        User.objects.filter(municipality_id=user.municipality_id)
        .prefetch_related("areas")
        .order_by("role", "username")
    )


def token_list_for(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


@dataclass(frozen=True)
class AssignmentSpan:
    """One area assignment, current (`valid_until` None) or ended."""

    area_name: str
    valid_from: dt.date | None
    valid_until: dt.date | None


def area_assignment_history(*, user: User) -> list[AssignmentSpan]:
    """The user's area assignments, current first, then the ended ones, latest first."""
    current = [
        AssignmentSpan(a.area.name, a.valid_from, None)
        for a in AreaAssignment.objects.filter(user=user).select_related("area")
    ]
    ended = [
        AssignmentSpan(a.area.name, a.valid_from, a.valid_until)
        for a in PastAreaAssignment.objects.filter(user=user).select_related("area")
    ]
    return current + ended
