"""The plan of an import: each record read, the resource each row is the same as (by external id,
or by name in the same town, or as the person decided for a likely duplicate), the fields that
change, the model's rules checked on the resource as it would be, and what the writer is to
write for every row that creates or updates."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from django.core.exceptions import ValidationError

from sasaeai.accounts import policy
from sasaeai.resources.models import Service

from ..fields import FIELDS_BY_KEY
from ..records import Record, field_label
from .columns import CHECK_ONLY_KEYS
from .context import ImportContext
from .duplicates import candidates as duplicate_candidates
from .existing import compare, describe
from .folding import fold
from .plan import PREVIEW_DUPLICATES, Candidate, Plan, RowPlan
from .reading import read_record
from .writes import row_writes, service_values

CHUNK = 2000  # rows planned (and written) at a time: memory stays that of a chunk


class Planner:
    """Plans an import a chunk of records at a time, keeping across chunks only what the rules
    between rows need (external ids and names already seen in the file, the existing resources
    already claimed by a row), so that a 50,000-row file never holds every row's plan.

    `decisions` map a row index to "new", "skip" or "merge:<service id>" (the id must be one of
    the row's own matches or candidates)."""

    def __init__(
        self,
        ctx: ImportContext,
        *,
        decisions: dict[int, str] | None = None,
        only_valid: bool = False,
        default_duplicate: str = "new",
        describe_all: bool = False,
    ):
        self.ctx = ctx
        self.decisions = decisions or {}
        self.only_valid = only_valid
        self.default_duplicate = default_duplicate
        self.seen_ids: dict[str, str] = {}
        self.seen_names: dict[tuple[str, int | None], str] = {}
        self.taken: dict[int, str] = {}  # existing service id → the row label that updates it
        self.claimed_by_name: dict[tuple[str, int | None], int] = defaultdict(int)
        # What merging would change is shown for the duplicates the preview lists (the first
        # PREVIEW_DUPLICATES), or for every one when the plan keeps its rows.
        self.describe_left: int | None = None if describe_all else PREVIEW_DUPLICATES

    def plan(self, records: list[Record]) -> list[RowPlan]:
        """The plan of these records (the next ones of the file, in order)."""
        ctx = self.ctx
        rows = [read_record(record, ctx) for record in records]
        by_index = {r.index: r for r in records}
        self._check_file_duplicates(rows, by_index)
        taken = self.taken
        claimed_by_name = self.claimed_by_name
        for row in rows:
            record = by_index[row.index]
            if row.has_errors:
                continue
            external_id = row.typed.get("external_id") or ""
            target = ctx.by_external_id.get(external_id) if external_id else None
            if target is not None:
                row.match = "外部IDが一致"
                if ctx.external_ids.get(target) != external_id:
                    # the id an export derived for it (HSDS needs UUIDs): the stored id stays
                    row.typed.pop("external_id", None)
                    row.new.pop("external_id", None)
            else:
                key = (fold(row.typed.get("name", "")), row.town.pk if row.town else None)
                same = ctx.by_name_town.get(key, [])
                position = claimed_by_name[key]
                if position < len(same) and not (
                    external_id and _has_other_external_id(ctx, same[position])
                ):
                    target = same[position]
                    claimed_by_name[key] += 1
                    row.match = "同じ町に同じ名称の資源"
            exclude = {target} if target else set()
            row.candidates = duplicate_candidates(row, ctx, exclude) if target is None else []
            if target is not None and row.match != "外部IDが一致":
                # A name match may be overruled: offer it as a candidate too.
                row.candidates = [
                    Candidate(
                        target,
                        ctx.service_names[target][0],
                        ctx.town_name(ctx.service_names[target][1]),
                        [row.match],
                    )
                ]
            decision = self.decisions.get(row.index, "")
            allowed = {c.service_id for c in row.candidates} | exclude
            if decision.startswith("merge:"):
                try:
                    chosen = int(decision.split(":", 1)[1])
                except ValueError:
                    chosen = None
                if chosen in allowed:
                    target = chosen
                    row.match = row.match or "統合を選択"
            elif decision == "new":
                if row.match != "外部IDが一致":
                    target = None
                    row.match = ""
            elif decision == "skip" or (
                row.candidates and target is None and self.default_duplicate == "skip"
            ):
                row.action = "skip"
                continue
            elif row.candidates and target is None and self.default_duplicate == "merge":
                target = row.candidates[0].service_id
                row.match = "重複の候補に統合"
            if target is not None:
                if target in taken:
                    row.error(
                        record,
                        "name",
                        f"この行と{taken[target]}が同じ既存の資源「{ctx.service_names[target][0]}」に当たります。外部IDを入れて区別してください。",
                    )
                    continue
                taken[target] = row.label
                row.target_id = target
        existing = ctx.load_services({r.target_id for r in rows if r.target_id})
        for row in rows:
            record = by_index[row.index]
            if row.action == "skip":
                continue
            if row.has_errors:
                row.action = "skip" if self.only_valid else "error"
                continue
            service = existing.get(row.target_id) if row.target_id else None
            if service is None:
                row.action = "create"
                row.changes = [k for k in row.typed if k not in CHECK_ONLY_KEYS]
            else:
                compare(row, service)
                row.action = "update" if row.changes else "unchanged"
                row.diff = describe(row, service, ctx.user)
            if row.action != "unchanged":
                row.writes = row_writes(row, service, ctx)
            _check_writable(record, row, ctx, service)
            _check_service(record, row, ctx, service)
            if row.has_errors:
                row.action = "skip" if self.only_valid else "error"
        self.describe_left = _describe_merges(rows, ctx, self.describe_left)
        return rows

    def _check_file_duplicates(self, rows: list[RowPlan], records: dict[int, Record]) -> None:
        seen_ids, seen_names = self.seen_ids, self.seen_names
        for row in rows:
            record = records[row.index]
            external_id = row.typed.get("external_id") or ""
            if external_id:
                if external_id in seen_ids:
                    row.error(
                        record,
                        "external_id",
                        f"外部ID「{external_id}」が{seen_ids[external_id]}と重複しています。外部IDは資源ごとに違う値にしてください。",
                    )
                else:
                    seen_ids[external_id] = row.label
            elif row.typed.get("name"):
                key = (fold(row.typed["name"]), row.town.pk if row.town else None)
                if key in seen_names:
                    row.warn(
                        record,
                        "name",
                        f"{seen_names[key]}と同じ町に同じ名称があります。同じ資源の重複でないか確かめてください。",
                    )
                else:
                    seen_names[key] = row.label


def chunks(records: Iterable[Record], size: int | None = None) -> Iterator[list[Record]]:
    """The records a chunk at a time (made from the file's rows only as they are needed)."""
    size = size or CHUNK
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def plan_import(
    records: Iterable[Record],
    ctx: ImportContext,
    *,
    decisions: dict[int, str] | None = None,
    only_valid: bool = False,
    default_duplicate: str = "new",
    keep_rows: bool = False,
    on_chunk: Callable[[list[RowPlan]], None] | None = None,
) -> Plan:
    """What importing these records would do, planned a chunk at a time. `on_chunk` receives
    each chunk's planned rows before they are let go (the writer writes them); the plan keeps
    only counts and the preview's samples, unless `keep_rows`."""
    planner = Planner(
        ctx,
        decisions=decisions,
        only_valid=only_valid,
        default_duplicate=default_duplicate,
        describe_all=keep_rows,
    )
    plan = Plan(keep_rows=keep_rows)
    for chunk in chunks(records):
        rows = planner.plan(chunk)
        plan.add(rows)
        if on_chunk is not None:
            on_chunk(rows)
        ctx.loaded.clear()  # the existing resources this chunk compared with
    return plan


def _describe_merges(rows: list[RowPlan], ctx: ImportContext, limit: int | None) -> int | None:
    """What merging each likely duplicate into each of its candidates would change, so that the
    person chooses knowing it: for the first `limit` duplicates (all when None), those the
    preview lists. Returns how many more may be described."""
    offered = [r for r in rows if r.candidates and r.action != "error"]
    if limit is not None:
        offered, limit = offered[:limit], max(0, limit - len(offered))
    services = ctx.load_services({c.service_id for r in offered for c in r.candidates})
    for row in offered:
        for candidate in row.candidates:
            service = services.get(candidate.service_id)
            if service is None:
                continue
            trial = replace(
                row, changes=[], kept=[], diff=[], typed=dict(row.typed), new=dict(row.new)
            )
            compare(trial, service)
            candidate.diff = describe(trial, service, ctx.user)
    return limit


def _has_other_external_id(ctx: ImportContext, pk: int) -> bool:
    """The resource carries an external id of its own (so a row with another id is another
    resource, whatever its name)."""
    return bool(ctx.external_ids.get(pk))


def _check_writable(
    record: Record, row: RowPlan, ctx: ImportContext, service: Service | None
) -> None:
    areas = set()
    if row.town is not None:
        areas.add(row.town.area_id)
    if service is not None:
        areas.add(service.area_id)
    for area_id in areas or {None}:
        if not policy.can_write_area(ctx.user, area_id, ctx.municipality.pk):
            row.error(record, "town", "この圏域の社会資源を登録・変更する権限がありません。")
            return


def _check_service(
    record: Record, row: RowPlan, ctx: ImportContext, service: Service | None
) -> None:
    """The model's own rules for the resource as it would be after the import."""
    candidate = copy.copy(service if service is not None else ctx.blank_service)
    values = row.writes.service if row.writes is not None else service_values(row)
    for field_name, value in values.items():
        setattr(candidate, field_name, value)
    candidate.location = None
    candidate.organization = None
    try:
        # Field-level checks (lengths, e-mail and URL forms, choices) were made when each cell
        # was read; the model's rules across fields are its clean().
        candidate.clean()
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            key = "fee" if field_name in ("fee_amount", "is_free") else field_name
            column_key = key if key in row.typed or key in FIELDS_BY_KEY else "name"
            for message in messages:
                label = field_label(key)
                row.error(record, column_key, f"{label}: {message}")
