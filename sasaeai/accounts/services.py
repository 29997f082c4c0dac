"""Writes about users, their area assignments and their API tokens."""

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.core.eras import era_date
from sasaeai.org.models import Area, Municipality

from .models import ApiToken, AreaAssignment, PastAreaAssignment, Role, User

TOKEN_PREFIX = ApiToken.SECRET_PREFIX


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
    areas_from: dt.date | None = None,
    display_name: str = "",
    display_name_kana: str = "",
    email: str = "",
    must_change_password: bool = True,
) -> User:
    """A new user; its area assignments start on `areas_from` (today when left out). A password
    given here is set by someone else (an administrator, the operator's command), so by default
    the user must change it at the first login."""
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
    area_assignments_change(user=user, areas=areas, on=areas_from)
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
    areas_from: dt.date | None = None,
) -> User:
    """Changes a user; a change of areas takes effect on `areas_from` (today when left
    out): the areas left are closed the day before, kept in the history."""
    areas = _check_role_areas(role=role, municipality=user.municipality, areas=areas)
    user.role = role
    user.display_name = display_name
    user.display_name_kana = display_name_kana
    user.email = email
    user.is_active = is_active
    user.full_clean(exclude=["password"])
    user.save()
    area_assignments_change(user=user, areas=areas, on=areas_from)
    return user


def area_assignments_change(
    *, user: User, areas: Iterable[Area], on: dt.date | None = None
) -> None:
    """Makes `areas` the user's current areas from the day `on` (today when left out).

    An assignment that ends is closed on the day before `on` and kept as a
    PastAreaAssignment, never overwritten, so that a past period is reported as it was
    organised then; a new one starts on `on`; one that stays is left as it is. Access reads
    only the current assignments (`User.areas`). `on` cannot lie in the future (a change is
    entered when it happens) nor before an ending assignment began."""
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"areas_from": "担当圏域の変更日に未来の日付は指定できません。"})
    wanted = {area.pk: area for area in areas}
    current = {a.area_id: a for a in AreaAssignment.objects.filter(user=user)}
    ending = [a for area_id, a in current.items() if area_id not in wanted]
    for assignment in ending:
        if assignment.valid_from is not None and assignment.valid_from > on:
            raise ValidationError(
                {
                    "areas_from": (
                        f"「{assignment.area.name}」の担当開始日（{era_date(assignment.valid_from, weekday=False)}）"
                        "より前の日付では変更できません。"
                    )
                }
            )
    with transaction.atomic():
        for assignment in ending:
            until = on - dt.timedelta(days=1)
            # An assignment begun and ended on the same day was never in effect: no history.
            if assignment.valid_from is None or assignment.valid_from <= until:
                PastAreaAssignment.objects.create(
                    user=user,
                    area_id=assignment.area_id,
                    valid_from=assignment.valid_from,
                    valid_until=until,
                )
            assignment.delete()
        AreaAssignment.objects.bulk_create(
            AreaAssignment(user=user, area=area, valid_from=on)
            for area_id, area in wanted.items()
            if area_id not in current
        )
    user._policy_area_ids = None  # the access policy's per-request cache


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


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Creates a token and returns it with its plain text, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "トークンの用途を入力してください。"})
    return ApiToken.issue(user=user, name=name[:100])


def token_revoke(*, token: ApiToken) -> None:
    token.revoke()


def token_authenticate(plain: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    token = ApiToken.live_for(plain)
    if token is None or not token.user.is_active:
        return None
    token.touch()
    return token.user
