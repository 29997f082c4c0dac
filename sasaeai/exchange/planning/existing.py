"""Comparing a row with the resource it updates: what the resource has now, which present fields
change, and which are kept because a coordinator edited them in the system since the last
import (the import remembers what it wrote, exchange.models.ImportTrace)."""

from __future__ import annotations

import re

from sasaeai.core.recurrence import schedule_key
from sasaeai.resources.models import Service

from .columns import CHECK_ONLY_KEYS, LOCATION_KEYS, SCHEDULE_KEYS, SERVICE_DIRECT
from .folding import fold
from .plan import RowPlan
from .reading import comparable_json


def effective(row: RowPlan, service: Service | None, key: str):
    """The value a field will have after the import (typed if it changes, else current)."""
    if key in row.changes or service is None:
        return row.typed.get(key)
    return current_typed(service, key)


def current_typed(service: Service, key: str):
    location = service.location
    if key in SERVICE_DIRECT:
        return getattr(service, key)
    if key == "fee":
        return (service.is_free, service.fee_amount)
    if key == "categories":
        return list(service.categories.all())
    if key == "target_groups":
        return list(service.target_groups.all())
    if key == "schedule":
        return [{k: getattr(s, k) for k in SCHEDULE_KEYS} for s in service.schedules.all()]
    if key == "organization":
        return service.organization.name if service.organization else ""
    if key == "operator_type":
        return service.organization.operator_type if service.organization else None
    if key == "corporate_number":
        return service.organization.corporate_number if service.organization else ""
    if key in LOCATION_KEYS:
        if location is None:
            return (
                None
                if key in ("town", "latitude", "longitude", "is_private_home", "place_type")
                else ""
            )
        if key == "location_name":
            return location.name
        if key in ("latitude", "longitude"):
            return None if location.is_approximate else getattr(location, key)
        if key == "town":
            return location.town
        return getattr(location, key)
    return None


def current_json(service: Service, key: str):
    value = current_typed(service, key)
    if key == "schedule":
        return sorted(list(schedule_key(s)) for s in value)
    if key in ("categories", "target_groups"):
        return sorted(item.pk for item in value)
    if key == "organization":
        return fold(value)
    if key == "fee":
        return [value[0], value[1]]
    return comparable_json(value)


def _derived_postal_codes(service: Service) -> set[str]:
    location = service.location
    if location is None:
        return set()
    codes = set()
    for source in (location.town_block, location.town):
        code = re.sub(r"\D", "", getattr(source, "postal_code", "") or "")
        if len(code) == 7:
            codes |= {code, f"{code[:3]}-{code[3:]}"}
    return codes


def _empty(value) -> bool:
    return value in (None, "", [], [None, None])


def compare(row: RowPlan, service: Service) -> None:
    """Which present fields change: a field whose value in the file equals what the last
    import wrote is left as the system has it (a coordinator may have edited it), and an
    empty cell never wipes a value the file did not set before."""
    trace = getattr(service, "import_values", None) or {}
    for key, new in row.new.items():
        if key in CHECK_ONLY_KEYS:
            continue
        current = current_json(service, key)
        if new == current:
            continue
        if key == "postal_code" and _empty(current) and new in _derived_postal_codes(service):
            continue  # what exports give from the 丁目 or town when the place has none
        if key in trace and trace[key] == new:
            row.kept.append(key)
            continue
        if _empty(new) and key not in trace:
            continue
        row.changes.append(key)
