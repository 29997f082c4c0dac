"""Home-page panel: new proposals waiting in the coordinator's review queue."""

from django.urls import reverse

from sasaeai.accounts import policy
from sasaeai.accounts.models import User

from . import selectors

PANEL_SIZE = 5


def proposals_panel(user: User) -> list[dict]:
    if not policy.has(user, policy.Capability.EDIT_RESOURCES):
        return []
    queryset = selectors.proposal_queue(user=user)
    items = list(queryset[:PANEL_SIZE])
    count = len(items) if len(items) < PANEL_SIZE else queryset.count()
    return [
        {
            "template": "directory/panel_proposals.html",
            "title": "届いた情報提供（未対応）",
            "key": "directory-proposals",
            "order": 45,
            "items": items,
            "count": count,
            "empty": "未対応の情報提供はありません。",
            "more": {
                "label": f"情報提供の確認（{count}件）へ",
                "url": reverse("directory:queue"),
            },
        }
    ]
