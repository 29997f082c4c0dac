"""Reads about users, scoped by the access policy."""

from django.db.models import QuerySet

from . import policy
from .models import ApiToken, User


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
