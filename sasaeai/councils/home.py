"""Home-page panel: the regional issues the user raised, with their step along the pipeline."""

from django.urls import reverse

from sasaeai.accounts import policy
from sasaeai.accounts.models import User

from . import selectors


def issues_panel(user: User) -> list[dict]:
    if not policy.has(user, policy.Capability.EDIT_COUNCILS):
        return []
    issues = list(selectors.issues_raised_by(user=user).order_by("-status_changed_on")[:5])
    return [
        {
            "template": "councils/_home_panel.html",
            "title": "わたしが提起した地域課題",
            "key": "my-issues",
            "order": 60,
            "items": issues,
            "empty": "提起した地域課題はまだありません。",
            "actions": [{"label": "地域課題を登録", "url": reverse("councils:issue_create")}],
            "more": {"label": "地域課題の一覧へ", "url": reverse("councils:issue_list")},
        }
    ]
