"""Optional two-factor login with TOTP (django-otp): enrolment, verification, and the
per-role requirement that administrators set for their municipality.

How it fits together:
- A user with a confirmed TOTP device is asked for the 6-digit code after the password
  (two_factor_views.LoginView → verify); the session is then marked verified (django_otp).
- Administrators require it per role (TwoFactorRequirement). A logged-in user of such a role
  without a device is sent to enrolment on every page until enrolled
  (middleware.TwoFactorMiddleware).
- What the middleware needs is computed at login and kept in the session (no query per
  request); it is refreshed every SESSION_FLAGS_TTL seconds, so a new requirement reaches
  sessions already open within five minutes.
"""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Iterable

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from sasaeai.audit.services import audit_record
from sasaeai.org.models import Municipality

from .models import Role, TwoFactorRequirement, User

SESSION_FLAGS = "sasaeai_2fa"
SESSION_FLAGS_TTL = 300
DEVICE_NAME = "認証アプリ"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def is_required(user: User) -> bool:
    """Does the user's role require a second factor in the user's municipality?"""
    if not user.is_authenticated or user.municipality_id is None:
        return False
    return TwoFactorRequirement.objects.filter(
        municipality_id=user.municipality_id, role=user.role
    ).exists()


def required_roles(municipality: Municipality) -> set[str]:
    return set(
        TwoFactorRequirement.objects.filter(municipality=municipality).values_list(
            "role", flat=True
        )
    )


@transaction.atomic
def requirement_set(
    *,
    municipality: Municipality,
    roles: Iterable[str],
    request: HttpRequest | None = None,
    by: User | None = None,
) -> set[str]:
    """Makes exactly these roles require two-factor login in the municipality (audited)."""
    wanted = {str(r) for r in roles}
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    TwoFactorRequirement.objects.filter(municipality=municipality).exclude(role__in=wanted).delete()
    for role in sorted(wanted - required_roles(municipality)):
        requirement = TwoFactorRequirement(municipality=municipality, role=role)
        requirement.full_clean()
        requirement.save()
    with translation.override("ja"):  # the audit log is kept in Japanese
        labels = "、".join(str(Role(r).label) for r in sorted(wanted)) or "なし"
    audit_record(
        action="update",
        request=request,
        user=by,
        target_type="accounts.twofactorrequirement",
        target_id=municipality.pk,
        municipality_id=municipality.pk,
        summary=f"二要素認証を必須にする役割: {labels}",
    )
    return wanted


def enrolment_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed device (created once, kept until confirmed or replaced)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(*, device: TOTPDevice, code: str, request: HttpRequest | None = None) -> bool:
    """Confirms the device when the code from the app is right; other devices go."""
    if not device.verify_token(normalise_code(code)):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        action="update",
        request=request,
        user=device.user,
        target=device.user,
        summary="二要素認証を設定",
    )
    return True


def devices_remove(
    *, user: User, request: HttpRequest | None = None, by: User | None = None
) -> int:
    """Removes every device of the user (the user turns it off, or an administrator resets a
    lost phone; `by`, default the request's user). Returns how many were removed."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    actor = by if by is not None else (request.user if request is not None else user)
    summary = (
        "二要素認証を解除"
        if actor is not None and actor.pk == user.pk
        else f"利用者 {user.username} の二要素認証を再設定（{deleted}件削除）"
    )
    audit_record(action="update", request=request, user=by, target=user, summary=summary)
    return deleted


def verify(*, user: User, code: str) -> TOTPDevice | None:
    """The confirmed device the code is valid for, or None (throttled by django-otp)."""
    device = confirmed_device(user)
    if device is None:
        return None
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return None
    return device if device.verify_token(normalise_code(code)) else None


def normalise_code(code: str) -> str:
    """Full-width digits and spaces typed on a phone are fine: １２３ ４５６ → 123456."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", code or "") if ch.isdigit())[:8]


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (rendered here; no external service, allowed by CSP)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


# --- what the middleware reads ---------------------------------------------------------------


def session_flags(request) -> dict:
    """{"device": bool, "required": bool} for the logged-in user, cached in the session."""
    flags = request.session.get(SESSION_FLAGS)
    if (
        flags is None
        or flags.get("user") != request.user.pk
        or time.time() - flags["at"] > SESSION_FLAGS_TTL
    ):
        flags = refresh_session_flags(request, request.user)
    return flags


def refresh_session_flags(request, user: User) -> dict:
    flags = {
        "user": user.pk,
        "device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "required": is_required(user),
        "at": time.time(),
    }
    if hasattr(request, "session"):
        request.session[SESSION_FLAGS] = flags
    return flags


def _on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        refresh_session_flags(request, user)


def connect_signals() -> None:
    """Called from AccountsConfig.ready()."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_on_login, dispatch_uid="sasaeai_two_factor_flags")
