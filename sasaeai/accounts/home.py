"""What the home page shows a user; each module adds its panel here as it lands."""

from django.utils import timezone

from .models import User


def home_context(*, user: User) -> dict:
    return {
        "areas": list(user.areas.all()),
        "role_label": user.get_role_display(),
        "today": timezone.localdate(),
        "panels": [],
    }
