"""What the writer is to write for a row that creates or updates a resource, decided with the
plan so that exchange.writer only writes: the resource's own field values (with the defaults
of the fields that cannot be empty), its organisation, its place (which town and 丁目, an exact
point or the representative one), and its categories, target groups and schedules."""

from __future__ import annotations

from typing import Any

from sasaeai.resources.models import Service

from .columns import (
    CHECK_ONLY_KEYS,
    LOCATION_KEYS,
    NOT_NULL_BOOLEANS,
    ORGANIZATION_KEYS,
    SERVICE_DIRECT,
)
from .context import ImportContext
from .existing import effective
from .folding import fold
from .plan import UNCHANGED, LocationSpec, OrganizationSpec, RowPlan, RowWrites, Unchanged
from .reading import is_representative


def service_values(row: RowPlan) -> dict[str, Any]:
    """Model field → value for the resource's own fields the row changes."""
    values: dict[str, Any] = {}
    for key in row.changes:
        if key in CHECK_ONLY_KEYS:
            continue
        value = row.typed.get(key)
        if key == "fee":
            values["is_free"], values["fee_amount"] = value
        elif key in SERVICE_DIRECT:
            if key in NOT_NULL_BOOLEANS and value is None:
                value = False
            if key == "status" and value is None:
                value = Service.Status.ACTIVE
            if key in ("name", "external_id", "direction") and value is None:
                value = ""
            values[key] = value
    return values


def organization_spec(row: RowPlan, service: Service | None) -> OrganizationSpec | Unchanged | None:
    """The organisation after the import: unchanged, none, or the one of this name (with the
    operator type and corporate number the row gives)."""
    if not any(key in row.changes for key in ORGANIZATION_KEYS):
        return UNCHANGED
    name = effective(row, service, "organization") or ""
    if not name:
        return None
    return OrganizationSpec(
        name=name,
        key=fold(name),
        operator_type=row.typed.get("operator_type") if "operator_type" in row.changes else None,
        corporate_number=(
            row.typed.get("corporate_number") if "corporate_number" in row.changes else ""
        )
        or "",
    )


def location_spec(
    row: RowPlan, service: Service | None, ctx: ImportContext
) -> LocationSpec | Unchanged | None:
    """The place after the import: unchanged, none, or the place the row describes, with the
    town and 丁目 (the row's, else the current place's while its address stays), and an exact
    point or the 丁目's or town's representative one."""
    current = service.location if service is not None else None
    if service is not None and not any(key in row.changes for key in LOCATION_KEYS):
        return UNCHANGED
    values = {key: effective(row, service, key) for key in LOCATION_KEYS}
    if service is None or "town" in row.changes or "address" in row.changes:
        town = row.town or (current.town if current and "town" not in row.changes else None)
    else:
        town = current.town if current else row.town
    if not any([values["location_name"], values["address"], town, values["latitude"] is not None]):
        return None
    block = None
    if row.resolved is not None and town is not None and row.resolved.town.pk == town.pk:
        block = row.resolved.block
    elif (
        current is not None
        and "address" not in row.changes
        and current.town_id == (town.pk if town else None)
    ):
        block = current.town_block
    latitude, longitude = values["latitude"], values["longitude"]
    exact = latitude is not None and longitude is not None
    if (
        not exact
        and current is not None
        and not current.is_approximate
        and "address" not in row.changes
    ):
        latitude, longitude, exact = current.latitude, current.longitude, True
    if exact and is_representative(latitude, longitude, block, town):
        exact = False  # the town's or 丁目's own point (as exports give for approximate places)
    if not exact:
        point = None
        if block is not None:
            point = (block.latitude, block.longitude)
        elif town is not None and town.latitude is not None:
            point = (town.latitude, town.longitude)
        latitude, longitude = point if point else (None, None)
    name = values["location_name"] or ""
    address = values["address"] or ""
    return LocationSpec(
        key=ctx.location_key(name, address, town.pk if town else None),
        name=name,
        address=address,
        address_2=values["address_2"] or "",
        postal_code=values["postal_code"] or "",
        town=town,
        town_block=block,
        latitude=latitude,
        longitude=longitude,
        is_approximate=not exact,
        is_private_home=bool(values["is_private_home"]),
        place_type=values["place_type"],
        explicit_private="is_private_home" in row.changes,
        explicit_place_type="place_type" in row.changes,
    )


def row_writes(row: RowPlan, service: Service | None, ctx: ImportContext) -> RowWrites:
    """Everything the writer writes for a row that creates (`service` None) or updates."""

    def replaced(key: str) -> list | None:
        if service is None or key in row.changes:
            return list(row.typed.get(key) or [])
        return None

    values = service_values(row)
    if values.get("confirmed_at") is not None:
        # The file says when the resource was confirmed: the person importing it vouches for
        # that date, not whoever confirmed it before.
        values["confirmed_by"] = ctx.user
        values["confirmed_via"] = Service.ConfirmedVia.IMPORT
    return RowWrites(
        service=values,
        organization=organization_spec(row, service),
        location=location_spec(row, service, ctx),
        categories=replaced("categories"),
        target_groups=replaced("target_groups"),
        schedules=replaced("schedule"),
    )
