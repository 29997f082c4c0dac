"""Writing a checked import plan in bulk: organisations, locations, resources, their categories,
target groups and schedules, the history versions of each (with the file as the reason), the
search documents, and what each resource received from the file.

The plan decides what each row writes (planning.writes: the field values, the organisation,
the place, the lists); this module only finds which rows of the database hold them (an
organisation or a place shared by several rows is written once) and writes them.
resources.services writes one resource at a time (about thirty queries each); a 10,000-row
sheet needs batches, so this module writes the same models with bulk operations, after
planning has run the models' own validation (full_clean) on every row. Call it only inside
`transaction.atomic()` (services.import_commit does): a failure part-way leaves nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.utils import timezone

from sasaeai.resources.models import Location, Organization, Schedule, Service, Source
from sasaeai.resources.schedules import weekday_mask
from sasaeai.resources.search import (
    DOCUMENT_COLUMNS,
    facts_of,
    refresh_documents,
    refresh_facts,
    search_document,
    service_document_values,
)

from .bulk import RowTable, history_insert
from .models import ImportTrace
from .planning import ImportContext, Plan, RowPlan
from .planning.plan import UNCHANGED, LocationSpec, trace_values

BATCH = 500


@dataclass
class WriteResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    organizations_created: int = 0
    locations_created: int = 0
    reviews: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "organizations_created": self.organizations_created,
            "locations_created": self.locations_created,
            "created_ids": self.created[:20000],
            "updated_ids": self.updated[:20000],
            "reviews": self.reviews[:2000],
        }


def _history_model(name: str):
    return apps.get_model("resources", name)


class _Progress:
    def __init__(self, callback: Callable[[str, int], None] | None):
        self.callback = callback

    def step(self, label: str, count: int = 0) -> None:
        if self.callback:
            self.callback(label, count)


class PlanWriter:
    """Writes planned rows a chunk at a time inside the caller's transaction (the planner hands
    each chunk over, see planning.plan_import's `on_chunk`), keeping across chunks only the
    organisations and places already written (so that rows of different chunks naming the same
    one share it) and the ids written."""

    def __init__(
        self,
        ctx: ImportContext,
        *,
        reason: str,
        progress: Callable[[str, int], None] | None = None,
    ):
        self.ctx = ctx
        self.reason = reason[:100]
        self.steps = _Progress(progress)
        self.result = WriteResult()
        self.now = timezone.now()
        self.organizations = dict(ctx.organizations)
        self.locations = dict(ctx.locations)
        self.changed_places: set[int] = set()
        # Organisations and places made or changed by this import, whose history versions are
        # written once at the end (one version per import, whichever chunks touched them).
        self.new_organizations: list[Organization] = []
        self.changed_organizations: dict[int, Organization] = {}
        self.new_locations: list[Location] = []
        self.changed_locations: dict[int, Location] = {}
        self.written: set[int] = set()
        self.chunks_written = 0
        self.rows_done = 0

    def write(self, plan_rows: list[RowPlan]) -> None:
        ctx = self.ctx
        user = ctx.user
        reason = self.reason
        now = self.now
        result = self.result
        rows = [r for r in plan_rows if r.action in ("create", "update", "unchanged")]
        existing = ctx.loaded
        active = [r for r in rows if r.action in ("create", "update")]

        organizations = _write_organizations(active, ctx, result, self, now)
        locations = _write_locations(active, ctx, result, self, now)

        created: list[tuple[RowPlan, Service]] = []
        updated: list[tuple[RowPlan, Service]] = []
        update_fields: set[str] = set()
        for row in active:
            service = existing.get(row.target_id) if row.target_id else None
            if service is None:
                service = Service(municipality=ctx.municipality, source=Source.IMPORT)
                service.source_note = ctx.source_name[:300]
                created.append((row, service))
            else:
                update_fields |= set(row.writes.service)
                updated.append((row, service))
            for field_name, value in row.writes.service.items():
                setattr(service, field_name, value)
            if row.index in organizations:
                service.organization = organizations[row.index]
                update_fields.add("organization")
            if row.index in locations:
                service.location = locations[row.index]
                update_fields |= {"location", "town", "area"}
            if service.location is not None:
                service.town_id = service.location.town_id
                service.area_id = service.location.area_id
                service.town = service.location.town
            else:
                service.town_id = service.area_id = None

        new_services = [s for _, s in created]
        for service in new_services:
            service.created_at = service.updated_at = now
        schedules = {row.index: _planned_schedules(row, now) for row, _ in created + updated}
        for row, service in created:
            _set_document(service, row)
            # The filter facts go in with the INSERT too (one write of each row, not an UPDATE
            # after it): a new resource holds exactly the links and schedules the plan gives.
            service.search_facts = _facts(service, row, schedules[row.index])
        Service.objects.bulk_create(new_services, batch_size=BATCH)
        history_insert(new_services, user=user, reason=reason, when=now)
        changed_services = [s for _, s in updated]
        if changed_services:
            for service in changed_services:
                service.updated_at = now
            Service.objects.bulk_update(
                changed_services, sorted(update_fields | {"updated_at"}), batch_size=BATCH
            )
            history_insert(changed_services, user=user, reason=reason, history_type="~", when=now)

        _write_relations(created, updated, ctx)
        _write_m2m_history([s.pk for s in new_services + changed_services], when=now)
        _write_schedules(created, updated, schedules, user, reason, now)
        for row, service in updated:
            _set_document(service, row)
        _write_search_columns(changed_services)
        # The filter facts of changed resources need the categories, target groups and
        # schedules written above (and those the row leaves as they are).
        refresh_facts([s.pk for s in changed_services])
        self.written.update(s.pk for s in new_services + changed_services)
        _write_traces(rows, existing, {id(r): s for r, s in created}, ctx)

        result.created.extend(s.pk for _, s in created)
        result.updated.extend(s.pk for _, s in updated)
        result.unchanged.extend(r.target_id for r in rows if r.action == "unchanged")
        service_by_row = {r.index: s for r, s in created + updated}
        for row in rows:
            if row.review:
                pk = service_by_row[row.index].pk if row.index in service_by_row else row.target_id
                result.reviews.append(
                    {"service_id": pk, "name": row.name, "row": row.label, "reason": row.review}
                )
        self.chunks_written += 1
        self.rows_done += len(plan_rows)
        self.steps.step(f"{self.rows_done:,}行", len(plan_rows))

    def finish(self) -> WriteResult:
        user, reason, now = self.ctx.user, self.reason, self.now
        _finish_changed(Organization, self.changed_organizations, ORGANIZATION_FIELDS, now)
        _finish_changed(Location, self.changed_locations, LOCATION_FIELDS, now)
        # One version per organisation or place, holding what it is after the whole import:
        # "+" for those it made (even when a later chunk changed them), "~" for the others.
        for new, changed in (
            (self.new_organizations, self.changed_organizations),
            (self.new_locations, self.changed_locations),
        ):
            made = {obj.pk for obj in new}
            history_insert(new, user=user, reason=reason, when=now)
            history_insert(
                [obj for pk, obj in changed.items() if pk not in made],
                user=user,
                reason=reason,
                history_type="~",
                when=now,
            )
        if self.chunks_written > 1:
            self._follow_moved_places()
        # Other resources held at a place this import changed (one that became a private home
        # leaves the public search document at once). With one chunk, the resources it wrote
        # already saw the places as changed; with more, an earlier chunk's may not have.
        if self.changed_places:
            services = Service.objects.filter(location_id__in=self.changed_places)
            if self.chunks_written <= 1:
                services = services.exclude(pk__in=self.written)
            refresh_documents(services.values_list("pk", flat=True))
        self.steps.step("検索用の索引", 0)
        return self.result

    def _follow_moved_places(self) -> None:
        """A place a later chunk moved to another town: the resources an earlier chunk wrote
        there take its town and area (and their version of this import says so), as they would
        have with the whole file in one chunk."""
        moved = []
        history = Service.history.model.objects
        for location in self.changed_locations.values():
            stale = (
                Service.objects.filter(location_id=location.pk, pk__in=self.written)
                .exclude(town_id=location.town_id, area_id=location.area_id)
                .values_list("pk", flat=True)
            )
            ids = list(stale)
            if not ids:
                continue
            values = {"town_id": location.town_id, "area_id": location.area_id}
            Service.objects.filter(pk__in=ids).update(**values)
            history.filter(id__in=ids, history_date=self.now).update(**values)
            moved += ids
        refresh_facts(moved)


def write_plan(
    plan: Plan,
    ctx: ImportContext,
    *,
    reason: str,
    progress: Callable[[str, int], None] | None = None,
) -> WriteResult:
    """Writes a plan that kept its rows (`plan_import(..., keep_rows=True)`) at once."""
    writer = PlanWriter(ctx, reason=reason, progress=progress)
    writer.write(plan.rows)
    return writer.finish()


# --- organisations --------------------------------------------------------------------------------


ORGANIZATION_FIELDS = ["operator_type", "corporate_number"]


def _write_organizations(rows, ctx: ImportContext, result, writer: PlanWriter, now) -> dict:
    """row index → the Organization (or None) each row's resource is run by; rows whose
    organisation does not change are absent. The writer's organisations (by key) gain those
    made; changes to existing ones are noted on the writer and written at its end."""
    known = writer.organizations
    chosen: dict[int, Organization | None] = {}
    new: list[Organization] = []
    for row in rows:
        spec = row.writes.organization
        if spec is UNCHANGED:
            continue
        if spec is None:
            chosen[row.index] = None
            continue
        organization = known.get(spec.key)
        if organization is None:
            organization = Organization(
                municipality=ctx.municipality,
                name=spec.name,
                source=Source.IMPORT,
                operator_type=spec.operator_type,
                corporate_number=spec.corporate_number,
            )
            organization.full_clean(exclude=["municipality", "operator_type"])
            known[spec.key] = organization
            new.append(organization)
        else:
            touched = False
            operator_type = spec.operator_type
            if operator_type is not None and organization.operator_type_id != operator_type.pk:
                organization.operator_type = operator_type
                touched = True
            if spec.corporate_number and organization.corporate_number != spec.corporate_number:
                organization.corporate_number = spec.corporate_number
                touched = True
            if touched and organization.pk:
                writer.changed_organizations[organization.pk] = organization
        chosen[row.index] = organization
    for organization in new:
        organization.created_at = organization.updated_at = now
    Organization.objects.bulk_create(new, batch_size=BATCH)
    writer.new_organizations.extend(new)
    result.organizations_created += len(new)
    return chosen


def _finish_changed(model, changed: dict, fields: list[str], now) -> None:
    """Writes the organisations or places an import changed, once each, as they are at its
    end (a chunk's resources already point at them; only their own columns are written)."""
    if not changed:
        return
    for obj in changed.values():
        obj.updated_at = now
    model.objects.bulk_update(list(changed.values()), [*fields, "updated_at"], batch_size=BATCH)


# --- locations ----------------------------------------------------------------------------------


def _another_place(location: Location, spec: LocationSpec) -> bool:
    """The row's place shares the location's name and address but is not the same place."""
    if spec.explicit_private and spec.is_private_home != location.is_private_home:
        return True
    if (
        spec.explicit_place_type
        and spec.place_type is not None
        and location.place_type_id is not None
        and spec.place_type.pk != location.place_type_id
    ):
        return True
    if spec.is_approximate or location.is_approximate or location.latitude is None:
        # An unnamed place given only by its 丁目: exact and approximate are two places.
        return not spec.name and spec.is_approximate != location.is_approximate
    return (
        abs(float(location.latitude) - float(spec.latitude)) >= 1e-6
        or abs(float(location.longitude) - float(spec.longitude)) >= 1e-6
    )


LOCATION_FIELDS = [
    "address_2",
    "postal_code",
    "town",
    "town_block",
    "area",
    "latitude",
    "longitude",
    "is_approximate",
    "is_private_home",
    "place_type",
]


def _write_locations(rows, ctx: ImportContext, result, writer: PlanWriter, now) -> dict:
    """row index → the Location (or None) each row's resource is held at; rows whose place
    does not change are absent. The writer's locations (by key) gain those made; changes to
    existing ones are noted on the writer (and its changed places) and written at its end."""
    known = writer.locations
    chosen: dict[int, Location | None] = {}
    new: list[Location] = []
    for row in rows:
        spec = row.writes.location
        if spec is UNCHANGED:
            continue
        if spec is None:
            chosen[row.index] = None
            continue
        town = spec.town
        key = spec.key
        location = known.get(key)
        if location is not None and _another_place(location, spec):
            # Same name and address but plainly another place (two groups meeting in different
            # houses of one 丁目, a park and a private home): a place of its own, never moving
            # or retyping the other one.
            key = (
                *key,
                None if spec.is_approximate else float(spec.latitude),
                None if spec.is_approximate else float(spec.longitude),
                spec.is_private_home if spec.explicit_private else None,
                spec.place_type.pk if spec.explicit_place_type and spec.place_type else None,
            )
            location = known.get(key)
        if location is None:
            location = Location(
                municipality=ctx.municipality,
                name=spec.name,
                address=spec.address,
                address_2=spec.address_2,
                postal_code=spec.postal_code,
                town=town,
                town_block=spec.town_block,
                latitude=spec.latitude,
                longitude=spec.longitude,
                is_approximate=spec.is_approximate,
                is_private_home=spec.is_private_home,
                place_type=spec.place_type,
            )
            location.area = ctx.areas.get(town.area_id) if town and town.area_id else None
            location.clean()
            known[key] = location
            new.append(location)
        elif _update_location(location, spec, ctx) and location.pk:
            writer.changed_locations[location.pk] = location
            writer.changed_places.add(location.pk)
        chosen[row.index] = location
    for location in new:
        location.created_at = location.updated_at = now
    Location.objects.bulk_create(new, batch_size=BATCH)
    writer.new_locations.extend(new)
    result.locations_created += len(new)
    return chosen


def _update_location(location: Location, spec: LocationSpec, ctx: ImportContext) -> bool:
    """Brings a shared location up to what a row says, never wiping what the row leaves empty
    and never replacing exact coordinates with a town's point."""
    touched = False

    def put(attr, value):
        nonlocal touched
        if getattr(location, attr) != value:
            setattr(location, attr, value)
            touched = True

    for attr in ("address_2", "postal_code"):
        if getattr(spec, attr):
            put(attr, getattr(spec, attr))
    town = spec.town
    if town is not None and location.town_id != town.pk:
        put("town", town)
        location.area = ctx.areas.get(town.area_id) if town.area_id else None
        location.town_block = spec.town_block
    if spec.town_block is not None and location.town_block_id != spec.town_block.pk:
        put("town_block", spec.town_block)
    if not spec.is_approximate:
        put("latitude", spec.latitude)
        put("longitude", spec.longitude)
        put("is_approximate", False)
    elif location.is_approximate and spec.latitude is not None:
        put("latitude", spec.latitude)
        put("longitude", spec.longitude)
    if spec.explicit_private:
        put("is_private_home", spec.is_private_home)
    if spec.explicit_place_type and spec.place_type is not None:
        put("place_type", spec.place_type)
    if touched:
        location.area_id = location.town.area_id if location.town_id else None
        location.clean()
    return touched


# --- categories, target groups, schedules -----------------------------------------------------------


def _write_relations(created, updated, ctx: ImportContext) -> None:
    for name, column in (("categories", "category_id"), ("target_groups", "targetgroup_id")):
        through = getattr(Service, name).through
        replace = [s.pk for row, s in updated if getattr(row.writes, name) is not None]
        if replace:
            through.objects.filter(service_id__in=replace).delete()
        links = []
        for row, service in list(created) + list(updated):
            for item in getattr(row.writes, name) or []:
                links.append({"service_id": service.pk, column: item.pk})
        RowTable(through).insert(links)
    for _, service in list(created) + list(updated):
        getattr(service, "_prefetched_objects_cache", {}).clear()


def _write_m2m_history(service_ids: list[int], *, when) -> None:
    """The categories and target groups each new version holds (as resources.services does
    with one version per edit): one history row per link, carrying the link's id."""
    if not service_ids:
        return
    versions = dict(
        Service.history.model.objects.filter(id__in=service_ids, history_date=when).values_list(
            "id", "history_id"
        )
    )
    for relation, column, model_name in (
        ("categories", "category_id", "HistoricalService_categories"),
        ("target_groups", "targetgroup_id", "HistoricalService_target_groups"),
    ):
        through = getattr(Service, relation).through
        links = through.objects.filter(service_id__in=service_ids).values_list(
            "pk", "service_id", column
        )
        RowTable(_history_model(model_name)).insert(
            {
                "id": link_id,
                "history_id": versions[service_id],
                "service_id": service_id,
                column: item_id,
            }
            for link_id, service_id, item_id in links
            if service_id in versions
        )


def _planned_schedules(row: RowPlan, now) -> list[Schedule]:
    """The schedules a row writes (their service is set when it has an id)."""
    planned = []
    for values in row.writes.schedules or []:
        schedule = Schedule(**values)
        schedule.byday = (schedule.byday or "").upper()
        schedule.weekday_mask = weekday_mask(schedule)
        schedule.created_at = schedule.updated_at = now
        planned.append(schedule)
    return planned


def _facts(service: Service, row: RowPlan, schedules: list[Schedule]) -> str:
    """The filter facts of a new resource, as resources.search.refresh_facts would read them
    back from the rows written."""
    return facts_of(
        municipality_id=service.municipality_id,
        area_id=service.area_id,
        town_id=service.town_id,
        status=service.status,
        is_free=service.is_free,
        welcomes_volunteers=service.welcomes_volunteers,
        is_public=service.is_public,
        publication_consent=service.publication_consent,
        category_ids=[c.pk for c in row.writes.categories or []],
        target_ids=[t.pk for t in row.writes.target_groups or []],
        schedules=[(s.weekday_mask, s.opens_at) for s in schedules],
    )


def _write_schedules(created, updated, schedules: dict, user, reason: str, now) -> None:
    replace = [s.pk for row, s in updated if row.writes.schedules is not None]
    if replace:
        Schedule.objects.filter(service_id__in=replace).delete()
    new = []
    for row, service in list(created) + list(updated):
        for schedule in schedules[row.index]:
            schedule.service = service
            new.append(schedule)
    Schedule.objects.bulk_create(new, batch_size=BATCH)
    history_insert(new, user=user, reason=reason, when=now)


def _set_document(service: Service, row: RowPlan) -> None:
    """Fills the search documents from the resource as it will be (the categories and target
    groups the plan gives it are known before it has a row, so the documents go in with the
    INSERT and SQLite's full-text index is written once)."""
    values = service_document_values(
        service, categories=row.writes.categories, target_groups=row.writes.target_groups
    )
    for column, value in search_document(values).columns().items():
        setattr(service, column, value)


def _write_search_columns(services: list[Service]) -> None:
    """The search documents of changed resources, with one prepared UPDATE for all of them."""
    if not services:
        return
    table = connection.ops.quote_name(Service._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in DOCUMENT_COLUMNS)
    params = [[*(getattr(s, c) for c in DOCUMENT_COLUMNS), s.pk] for s in services]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", params)


def _write_traces(rows: list[RowPlan], existing: dict, created: dict, ctx: ImportContext) -> None:
    new, changed = [], []
    by_row = {}
    for row in rows:
        if row.action == "create":
            continue
        by_row[row.index] = (existing.get(row.target_id), trace_values(row))
    created_rows = [r for r in rows if r.action == "create"]
    for row in created_rows:
        service = created.get(id(row))
        if service is not None:
            new.append({"service_id": service.pk, "values": trace_values(row)})
    traces = {
        t.service_id: t
        for t in ImportTrace.objects.filter(
            service_id__in=[s.pk for s, _ in by_row.values() if s is not None]
        )
    }
    for service, values in by_row.values():
        if service is None:
            continue
        trace = traces.get(service.pk)
        if trace is None:
            new.append({"service_id": service.pk, "values": values})
        elif {**trace.values, **values} != trace.values:
            trace.values = {**trace.values, **values}
            trace.batch_source = ctx.source_name[:255]
            changed.append(trace)
    now = timezone.now()
    for trace in new:
        trace.update(batch_source=ctx.source_name[:255], updated_at=now)
    RowTable(ImportTrace).insert(new)
    for trace in changed:
        trace.updated_at = now
    ImportTrace.objects.bulk_update(
        changed, ["values", "batch_source", "updated_at"], batch_size=BATCH
    )
