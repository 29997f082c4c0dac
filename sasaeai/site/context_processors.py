"""Navigation for the page header: only the modules the user's role may open."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from sasaeai.accounts import policy

from .navigation import MODULES, current_section


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if not policy.is_staff_user(user) or user.must_change_password:
        # Until a given password is changed, every menu entry would lead back to the change.
        return {"nav_items": []}
    items = []
    for module in MODULES:
        if module.capability and not policy.has(user, module.capability):
            continue
        try:
            url = reverse(module.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": module.label,
                "url": url,
                "description": module.description,
                "section": module.section or url,
            }
        )
    current = current_section(request.path, [item["section"] for item in items])
    for item in items:
        item["active"] = item["section"] == current
    return {"nav_items": items}
