"""Writes about users, their area assignments and their API tokens. Every write is audited
here, whichever path called it (the 利用者管理 pages, the Django admin, the `sasaeai user` and
`sasaeai token` commands, a shell); a change of what a user may reach (a password set by
someone else, the role, the municipality, the areas) also revokes every API token and calendar
feed URL the user holds (`_access_changed`)."""

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation

from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record
from sasaeai.core.eras import era_date
from sasaeai.core.tokens import tokens_revoke_for_user
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
    request: HttpRequest | None = None,
    by: User | None = None,
    via: str = "",
) -> User:
    """A new user; its area assignments start on `areas_from` (today when left out). A password
    given here is set by someone else (an administrator, the operator's command), so by default
    the user must change it at the first login. `by` is who did it (default: the request's
    user), `via` names a path other than the pages (「コマンド」)."""
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
    _area_assignments_apply(user=user, areas=areas, on=areas_from)
    audit_user_created(user=user, request=request, by=by, via=via)
    return user


def audit_user_created(
    *, user: User, request: HttpRequest | None = None, by: User | None = None, via: str = ""
) -> AuditEvent:
    """The audit row of a new user (also written by the Django admin's add form)."""
    return _audit(
        action="create",
        user=user,
        text=f"利用者 {user.username} を登録（{_role_label(user.role)}）",
        request=request,
        by=by,
        via=via,
    )


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
    request: HttpRequest | None = None,
    by: User | None = None,
    via: str = "",
) -> User:
    """Changes a user; a change of areas takes effect on `areas_from` (today when left
    out): the areas left are closed the day before, kept in the history. A change of role or
    areas revokes the user's tokens and feed URLs."""
    areas = _check_role_areas(role=role, municipality=user.municipality, areas=areas)
    before = access_snapshot(user)
    user.role = role
    user.display_name = display_name
    user.display_name_kana = display_name_kana
    user.email = email
    user.is_active = is_active
    user.full_clean(exclude=["password"])
    user.save()
    _area_assignments_apply(user=user, areas=areas, on=areas_from)
    user_changed(user=user, before=before, request=request, by=by, via=via)
    return user


@transaction.atomic
def area_assignments_change(
    *,
    user: User,
    areas: Iterable[Area],
    on: dt.date | None = None,
    request: HttpRequest | None = None,
    by: User | None = None,
    via: str = "",
) -> None:
    """Makes `areas` the user's current areas from the day `on` (today when left out), see
    `_area_assignments_apply`; a change is audited and revokes the user's tokens."""
    before = access_snapshot(user)
    if _area_assignments_apply(user=user, areas=areas, on=on):
        user_changed(user=user, before=before, request=request, by=by, via=via)


def _area_assignments_apply(
    *, user: User, areas: Iterable[Area], on: dt.date | None = None
) -> bool:
    """Makes `areas` the user's current areas from the day `on` (today when left out); True
    when they changed.

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
    return bool(ending) or any(area_id not in current for area_id in wanted)


@transaction.atomic
def user_set_password(
    *,
    user: User,
    password: str,
    by_self: bool,
    request: HttpRequest | None = None,
    by: User | None = None,
    via: str = "",
) -> None:
    """Sets a password. One set by someone else (an administrator's reset) must be changed by
    its user at the next login, and revokes the user's tokens and feed URLs (whoever could log
    in before may have made one); the user's own change lifts the duty to change."""
    user.set_password(password)
    user.must_change_password = not by_self
    user.save(update_fields=["password", "must_change_password"])
    if by_self:
        _audit(action="update", user=user, text="パスワードを変更", request=request, by=by, via=via)
    else:
        password_reset_done(user=user, request=request, by=by, via=via)


def password_reset_done(
    *, user: User, request: HttpRequest | None = None, by: User | None = None, via: str = ""
) -> AuditEvent:
    """After someone else set the user's password (here or in the Django admin's form)."""
    return _access_changed(
        user=user,
        text=f"利用者 {user.username} のパスワードを再設定",
        request=request,
        by=by,
        via=via,
    )


# What a user may reach: a change of any of these is a change of access.
ACCESS_FIELDS = ("role", "municipality_id", "is_active", "is_staff", "is_superuser")


def access_snapshot(user: User) -> dict:
    """The stored values of ACCESS_FIELDS and the current areas (read from the database, not
    the instance, which a form may already have changed)."""
    stored = User.objects.filter(pk=user.pk).values(*ACCESS_FIELDS).first() or {}
    stored["areas"] = sorted(
        AreaAssignment.objects.filter(user_id=user.pk).values_list("area__name", flat=True)
    )
    return stored


def user_changed(
    *,
    user: User,
    before: dict,
    request: HttpRequest | None = None,
    by: User | None = None,
    via: str = "",
) -> AuditEvent:
    """Audits a change of a user (`before` from `access_snapshot`), naming what changed in
    its access; a change of role, municipality or areas revokes every token and feed URL the
    user holds. Called by the services above and by the Django admin after it saved a user."""
    after = access_snapshot(user)
    reach: list[str] = []  # changes of what the user may reach: these revoke
    if before.get("role") != after["role"]:
        reach.append(f"役割: {_role_label(before.get('role'))}→{_role_label(after['role'])}")
    if before.get("municipality_id") != after["municipality_id"]:
        reach.append(
            f"市区町村: {_municipality_name(before.get('municipality_id'))}→"
            f"{_municipality_name(after['municipality_id'])}"
        )
    if before.get("areas") != after["areas"]:
        reach.append(
            f"担当圏域: {'、'.join(before.get('areas', [])) or 'なし'}→"
            f"{'、'.join(after['areas']) or 'なし'}"
        )
    flags = [
        f"{label}: {'可' if after[field] else '不可'}"
        for field, label in (
            ("is_active", "利用"),
            ("is_staff", "管理サイト"),
            ("is_superuser", "運用者"),
        )
        if before.get(field) != after[field]
    ]
    changes = reach + flags
    text = f"利用者 {user.username} を更新" + (f"（{'、'.join(changes)}）" if changes else "")
    if reach:
        return _access_changed(user=user, text=text, request=request, by=by, via=via)
    return _audit(action="update", user=user, text=text, request=request, by=by, via=via)


def _access_changed(
    *, user: User, text: str, request: HttpRequest | None, by: User | None, via: str
) -> AuditEvent:
    revoked = tokens_revoke_for_user(user)
    if revoked:
        text += f"。APIトークンと予定表の購読URL {len(revoked)}件を失効"
    return _audit(action="update", user=user, text=text, request=request, by=by, via=via)


def _audit(
    *, action: str, user: User, text: str, request: HttpRequest | None, by: User | None, via: str
) -> AuditEvent:
    return audit_record(action=action, request=request, user=by, target=user, summary=text, via=via)


def _role_label(role: str | None) -> str:
    if role not in Role.values:
        return "なし"
    with translation.override("ja"):  # the audit log is kept in Japanese
        return str(Role(role).label)


def _municipality_name(pk: int | None) -> str:
    municipality = Municipality.objects.filter(pk=pk).first() if pk else None
    return municipality.name if municipality else "なし"


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


def token_create(
    *, user: User, name: str, request: HttpRequest | None = None, via: str = ""
) -> tuple[ApiToken, str]:
    """Creates a token and returns it with its plain text, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "トークンの用途を入力してください。"})
    token, plain = ApiToken.issue(user=user, name=name[:100])
    audit_record(
        action="create",
        request=request,
        user=user,
        target=token,
        summary="APIトークンを作成",
        via=via,
    )
    return token, plain


def token_revoke(*, token: ApiToken, request: HttpRequest | None = None, via: str = "") -> None:
    if token.revoke():
        audit_record(
            action="update",
            request=request,
            user=token.user,
            target=token,
            summary="APIトークンを失効",
            via=via,
        )


def token_authenticate(plain: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    token = ApiToken.live_for(plain)
    if token is None or not token.user.is_active:
        return None
    token.touch()
    return token.user
