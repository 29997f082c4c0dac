"""What the home page shows a user. Each app contributes panels through provider functions in
its `home.py`, registered here in PANEL_PROVIDERS: `provider(user) -> list[dict]`, each dict
naming the `template` to include and its context (the provider itself checks the user's
capabilities).

A panel dict (all keys but `template` optional; docs/experience.md has the details):
    template  the template included inside the panel (it gets `panel` in its context)
    title     the panel's heading; home.html draws the frame, heading and actions
              (without a title the template is included bare and draws its own frame)
    key       a stable slug: the section's id is `panel-<key>`
    order     where it goes (smaller first; default 100, then PANEL_PROVIDERS order)
    placement "top" for one-tap actions shown under the greeting (訪問を記録)
    wide      spans the full width on a desk
    items     the rows the template lists; when given and empty, the panel shows `empty`
    empty     the sentence shown when there is nothing (「今日の予定はありません。」)
    actions   [{"label": ..., "url": ..., "primary": bool}] buttons in the panel's heading
    more      {"label": ..., "url": ...} a link under the panel to the full list
"""

import re
from collections.abc import Callable

from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.activities import home as activities_home
from sasaeai.cases import home as cases_home
from sasaeai.councils import home as councils_home
from sasaeai.directory import home as directory_home
from sasaeai.resources import home as resources_home

PanelProvider = Callable[[User], list[dict]]

# Providers in display order; an app adds its line when it lands.
PANEL_PROVIDERS: list[PanelProvider] = [
    activities_home.panels,
    resources_home.recheck_panel,
    directory_home.proposals_panel,
    councils_home.issues_panel,
    cases_home.follow_ups_panel,
]


def home_context(*, user: User) -> dict:
    panels: list[dict] = []
    for provider in PANEL_PROVIDERS:
        panels.extend(_normalised(panel) for panel in provider(user))
    panels.sort(key=lambda panel: panel["order"])  # stable: ties keep provider order
    return {
        "areas": list(user.areas.all()),
        "role_label": user.get_role_display(),
        "today": timezone.localdate(),
        "top_panels": [p for p in panels if p["placement"] == "top"],
        "panels": [p for p in panels if p["placement"] != "top"],
    }


def _normalised(panel: dict) -> dict:
    key = panel.get("key") or re.sub(r"[^0-9a-z]+", "-", panel["template"].lower()).strip("-")
    items = panel.get("items")
    return {
        "order": 100,
        "placement": "main",
        "actions": [],
        **panel,
        "key": key,
        "is_empty": items is not None and len(items) == 0,
    }
