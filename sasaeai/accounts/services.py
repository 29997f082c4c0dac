"""Writes about users and their API tokens."""

import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.org.models import Area, Municipality

from .models import ApiToken, Role, User

TOKEN_PREFIX = "ssa_"


def _check_role_areas(
    *, role: str, municipality: Municipality | None, areas: Iterable[Area]
) -> list[Area]:
    areas = list(areas)
    if municipality is None:
        raise ValidationError({"municipality": "所属市区町村を指定してください。"})
    if role not in Role.values:
        raise ValidationError({"role": f"役割「{role}」はありません。"})
    for area in areas:
        if area.municipality_id != municipality.id:
            raise ValidationError({"areas": f"圏域「{area.name}」はほかの市区町村の圏域です。"})
    if role == Role.TIER2 and not areas:
        raise ValidationError(
            {"areas": "第2層生活支援コーディネーターには担当圏域を1つ以上指定してください。"}
        )
    return areas


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    municipality: Municipality,
    role: str,
    areas: Iterable[Area] = (),
    display_name: str = "",
    display_name_kana: str = "",
    email: str = "",
    must_change_password: bool = True,
) -> User:
    """Creates a user. A password given here is set by someone else (an administrator, the
    operator's command), so by default the user must change it at the first login."""
    areas = _check_role_areas(role=role, municipality=municipality, areas=areas)
    user = User(
        username=username,
        municipality=municipality,
        role=role,
        display_name=display_name,
        display_name_kana=display_name_kana,
        email=email,
    )
    if password:
        user.set_password(password)
        user.must_change_password = must_change_password
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.areas.set(areas)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    role: str,
    areas: Iterable[Area],
    display_name: str,
    display_name_kana: str = "",
    email: str = "",
    is_active: bool = True,
) -> User:
    areas = _check_role_areas(role=role, municipality=user.municipality, areas=areas)
    user.role = role
    user.display_name = display_name
    user.display_name_kana = display_name_kana
    user.email = email
    user.is_active = is_active
    user.full_clean(exclude=["password"])
    user.save()
    user.areas.set(areas)
    return user


def user_set_password(*, user: User, password: str, by_self: bool) -> None:
    """Sets a password. One set by someone else (an administrator's reset) must be changed by
    its user at the next login; the user's own change lifts that."""
    user.set_password(password)
    user.must_change_password = not by_self
    user.save(update_fields=["password", "must_change_password"])


ONE_TIME_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def one_time_password() -> str:
    """A password to hand to a new user once (20 letters and digits in groups of five):
    readable aloud, about 99 bits, and accepted by the password validators."""
    while True:
        plain = "-".join(
            "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(5)) for _ in range(4)
        )
        if any(c.isdigit() for c in plain) and any(c.isalpha() for c in plain):
            return plain


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Creates a token and returns it with its plain text, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "トークンの用途を入力してください。"})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=plain[:12], digest=_digest(plain)
    )
    return token, plain


def token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_authenticate(plain: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
