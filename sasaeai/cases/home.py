"""The cases app's panel on the home page: my follow-ups due (referrals whose next check has
come or comes within a week), so that nobody is dropped after the first introduction."""

from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability

from .selectors import follow_ups_due

PANEL_LIMIT = 8


def follow_ups_panel(user: User) -> list[dict]:
    if not policy.has(user, Capability.VIEW_CASES):
        return []
    today = timezone.localdate()
    referrals = list(follow_ups_due(user=user, today=today)[: PANEL_LIMIT + 1])
    return [
        {
            "template": "cases/panels/follow_ups.html",
            "title": "つなぎの確認予定",
            "key": "case-follow-ups",
            "order": 40,
            "items": referrals[:PANEL_LIMIT],
            "today": today,
            "empty": "確認予定のつなぎはありません。",
            "actions": [{"label": "ケースを登録", "url": reverse("cases:create"), "primary": False}]
            if policy.has(user, Capability.EDIT_CASES)
            else [],
            "more": {"label": "確認予定をすべて見る", "url": reverse("cases:follow_ups")},
        }
    ]
