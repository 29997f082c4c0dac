"""Comparing a row with the resource it updates: what the resource has now, which present fields
change, and which are kept because a coordinator edited them in the system since the last
import (the import remembers what it wrote, exchange.models.ImportTrace).

A merge changes only what the file gives: an empty cell never erases a value, and a schedule
whose text says nothing about holidays, a note or a period keeps those of the resource's
schedule on the same days. `describe` words each change (old → new) for the preview."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sasaeai.core.recurrence import schedule_key, schedule_to_text
from sasaeai.resources.models import Schedule, Service

from ..records import field_label
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
    """Which present fields change. An empty cell never erases a value (a merge changes only
    what the file gives); a field whose value in the file equals what the last import wrote is
    left as the system has it (a coordinator may have edited it)."""
    trace = getattr(service, "import_values", None) or {}
    _carry_unstated_schedule_parts(row, service)
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
        if _empty(new):
            continue
        row.changes.append(key)


def _rule(values: dict) -> tuple:
    """A schedule's days (what makes two schedules the same meeting, whatever the hours)."""
    return schedule_key(values)[:4]


def _carry_unstated_schedule_parts(row: RowPlan, service: Service) -> None:
    """A schedule read from text keeps, from the resource's schedule on the same days, what the
    text does not state: the holiday rule (unless the text mentions 祝), the year-end closure
    (unless it mentions 年末 or 年始), the note and the period. 「毎週火曜 10:00-12:00」 over a Tuesday class closed on holidays changes the hours
    only."""
    schedules = row.typed.get("schedule")
    if not schedules or "schedule" not in row.new:
        return
    current = {_rule(s): s for s in current_typed(service, "schedule")}
    carried = []
    for values in schedules:
        same = current.get(_rule(values))
        if same is not None:
            values = dict(values)
            if not row.holidays_stated:
                values["closed_on_holidays"] = same["closed_on_holidays"]
            if not row.year_end_stated:
                values["closed_year_end"] = same.get("closed_year_end", False)
            if not values.get("note"):
                values["note"] = same["note"]
            for key in ("valid_from", "valid_to"):
                if values.get(key) is None:
                    values[key] = same[key]
        carried.append(values)
    row.typed["schedule"] = carried
    row.new["schedule"] = sorted(list(schedule_key(s)) for s in carried)


# --- the preview's words for each change ------------------------------------------------------

NOTHING = "（空欄）"


def shown(key: str, value) -> str:
    """A field's value as the preview shows it."""
    if key == "schedule":
        texts = [
            schedule_to_text(Schedule(**{k: v.get(k) for k in SCHEDULE_KEYS if k in v}))
            for v in value or []
        ]
        return "／".join(texts) or NOTHING
    if key == "fee":
        is_free, amount = value if value else (None, None)
        if is_free:
            return "無料"
        if amount is not None:
            return f"{amount}円"
        return "有料" if is_free is False else NOTHING
    if key == "status" and value:
        return str(Service.Status(value).label)
    if key == "direction" and value:
        return str(Service.Direction(value).label)
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value) or NOTHING
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if value is None or value == "":
        return NOTHING
    return str(value)


def describe(row: RowPlan, service: Service, importer=None) -> list[dict]:
    """Each change the row makes to the resource: {"field", "before", "after"}."""
    changes = [
        {
            "field": field_label(key),
            "before": shown(key, current_typed(service, key)),
            "after": shown(key, row.typed.get(key)),
        }
        for key in row.changes
        if key not in CHECK_ONLY_KEYS
    ]
    if "confirmed_at" in row.changes and importer is not None:
        before = service.confirmed_by
        changes.append(
            {
                "field": str(Service._meta.get_field("confirmed_by").verbose_name),
                "before": str(before) if before else NOTHING,
                "after": str(importer),
            }
        )
    return changes
