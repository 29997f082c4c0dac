"""Searching the audit log (administrators of the municipality only)."""

import datetime as dt

from django.db.models import Q, QuerySet

from sasaeai.accounts import policy
from sasaeai.accounts.models import User

from .models import AuditEvent


def audit_search(
    *,
    user: User,
    text: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    if not policy.has(user, policy.Capability.VIEW_AUDIT):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(municipality_id=user.municipality_id)
    if text:
        events = events.filter(
            Q(username__icontains=text)
            | Q(summary__icontains=text)
            | Q(target_type__icontains=text)
            | Q(target_id=text)
        )
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events
