"""No view answers a CSV or an Excel file without being in the registry of exports
(sasaeai.core.exports), so that tests/test_exports.py cannot forget one."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from sasaeai.core.exports import SPREADSHEET_CONTENT_TYPES, export_of

from .access_world import REQUESTERS, module_world, page_routes, sample_path

pytestmark = pytest.mark.django_db

world = module_world()


def test_every_view_answering_a_spreadsheet_is_registered(world):
    """Every URL asked by every requester, with the objects the access registry builds: an
    answer that is a CSV or an Excel file must come from a registered export."""
    failures = []
    clients = {r: world.client_for(r) for r in REQUESTERS if world.users[r] is not None}
    checked = 0
    for route in page_routes():
        access = world.pages.get(route.key)
        if access is None:
            continue
        built = world.built.get((f"page:{route.key}", "here"))
        target = built.target if built else None
        path = sample_path(route, target.kwargs if target else {})
        match = get_resolver().resolve(path.split("?")[0])
        for requester, client in clients.items():
            response = client.get(path, target.query if target else None)
            kind = response.get("Content-Type", "").split(";")[0]
            if kind in SPREADSHEET_CONTENT_TYPES:
                checked += 1
                if export_of(match.func) is None:
                    failures.append(f"{route.key} ({requester}) answers {kind}")
    assert checked, "no spreadsheet was downloaded at all: the check would prove nothing"
    assert not failures, (
        "these views answer a spreadsheet but are not registered with "
        "sasaeai.core.exports.export_view:\n" + "\n".join(failures)
    )
