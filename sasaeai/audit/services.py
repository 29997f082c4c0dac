"""Writing to the audit log. Call `audit_record` from services and views, never write rows
directly."""

from django.db import models
from django.http import HttpRequest

from sasaeai.core.client_address import client_address

from .models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address (behind a trusted proxy, the one it forwarded)."""
    return client_address(request)


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    user=None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    summary: str = "",
    municipality_id: int | None = None,
    via: str = "",
) -> AuditEvent:
    """One row of the log. `via` names a path other than the pages (「API」, 「コマンド」,
    「管理サイト」) and is added to the summary in brackets."""
    if via:
        summary = f"{summary}（{via}）"
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
        if municipality_id is None:
            municipality_id = getattr(target, "municipality_id", None)
    if municipality_id is None and user is not None:
        municipality_id = getattr(user, "municipality_id", None)
    return AuditEvent.objects.create(
        user=user if user is not None and user.pk else None,
        username=getattr(user, "username", "") if user is not None else "",
        municipality_id=municipality_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        summary=summary[:300],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:200] if request else ""),
    )
