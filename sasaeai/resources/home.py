"""Home-page panel: resources in my areas not confirmed for a year (the re-check list)."""

from django.urls import reverse

from sasaeai.accounts import policy
from sasaeai.accounts.models import User

from . import selectors

PANEL_SIZE = 5


def recheck_panel(user: User) -> list[dict]:
    if not policy.has(user, policy.Capability.EDIT_RESOURCES):
        return []
    queryset = selectors.service_recheck_list(user=user).select_related("town")
    items = list(queryset[:PANEL_SIZE])
    count = len(items) if len(items) < PANEL_SIZE else queryset.count()
    return [
        {
            "template": "resources/panel_recheck.html",
            "title": "1年以上確認していない社会資源",
            "key": "resources-recheck",
            "order": 50,
            "items": items,
            "count": count,
            "rest": max(0, count - len(items)),
            "empty": "担当の社会資源はすべて1年以内に確認済みです。",
            "more": {
                "label": f"再確認が必要なもの（{count}件）の一覧へ",
                "url": reverse("resources:recheck"),
            },
        }
    ]
