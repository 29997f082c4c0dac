"""What the home page shows a user. Each module contributes panels through a provider
function listed in PANEL_PROVIDERS: `provider(user) -> list[dict]`, each dict naming the
`template` to include and its context (the provider itself checks the user's capabilities)."""

from django.utils import timezone
from django.utils.module_loading import import_string

from .models import User

# Providers in display order, as dotted paths; modules add their line when they land.
PANEL_PROVIDERS: list[str] = []


def home_context(*, user: User) -> dict:
    panels: list[dict] = []
    for path in PANEL_PROVIDERS:
        panels.extend(import_string(path)(user))
    return {
        "areas": list(user.areas.all()),
        "role_label": user.get_role_display(),
        "today": timezone.localdate(),
        "panels": panels,
    }
