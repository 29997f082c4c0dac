"""Importing resources: upload → (mapping of unknown headers) → preview → commit.

The uploaded file's rows live in an ImportBatch on the server between the steps; the browser
only ever posts the batch's token and the person's choices (which duplicates to merge, whether
to import only the valid rows). A commit plans the rows again against the database as it is
then, writes in one transaction, and writes nothing when a row has an error unless the person
chose to import only the valid rows."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpRequest
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.audit.services import audit_record
from sasaeai.resources.models import Service

from .fields import (
    FIELDS_BY_KEY,
    IGNORE,
    OPEN_DATA_KEYS,
    header_fold,
    header_set_key,
    is_open_data,
    recognise_header,
)
from .hsds import records_from_hsds
from .models import PREVIEW_LIFETIME, ColumnMapping, ImportBatch
from .planning import ImportContext, Plan, Problem, RowPlan
from .planning.plan import PREVIEW_PROBLEMS
from .readers import ReadError, read_table
from .records import Record, field_label, iter_records
from .uploads import Upload, UploadError
from .writer import PlanWriter, WriteResult


class ImportFileError(ValueError):
    """The file cannot be imported at all (nothing was read or written); Japanese message."""


class ImportRefused(ValueError):
    """The commit wrote nothing: rows have errors, or the data changed since the preview."""

    def __init__(self, message: str, plan: Plan | None = None, context=None, file_format: str = ""):
        super().__init__(message)
        self.plan = plan
        self.context = context
        self.file_format = file_format

    def report(self) -> dict:
        """The preview of the refused import, for the API's answer."""
        if self.plan is None or self.context is None:
            return {}
        return ImportReport(format=self.file_format, plan=self.plan, context=self.context).as_json()


# --- reading the file -------------------------------------------------------------------------------


@dataclass
class ParsedFile:
    format: str
    encoding: str = ""
    headers: list[str] = field(default_factory=list)
    sheets: list[dict] = field(default_factory=list)
    rows: list = field(default_factory=list)
    records: list[Record] | None = None


def parse_upload(upload: Upload) -> ParsedFile:
    """Reads the file into rows (tables) or records (HSDS JSON). Raises ImportFileError."""
    try:
        if upload.kind == "json":
            return ParsedFile(
                format=ImportBatch.Format.HSDS, records=records_from_hsds(upload.content)
            )
        table = read_table(upload.content, upload.kind)
    except (ReadError, UploadError) as exc:
        raise ImportFileError(str(exc)) from exc
    headers: list[str] = []
    position: dict[str, int] = {}
    sheets: list[dict] = []
    rows: list = []
    for sheet_index, sheet in enumerate(table.sheets):
        columns: dict[str, str] = {}
        index_map: list[int] = []
        for column, header in enumerate(sheet.headers):
            key = header_fold(header) or f"#{header}"
            if key not in position:
                position[key] = len(headers)
                headers.append(header)
            index_map.append(position[key])
            columns[str(position[key])] = sheet.columns[column]
        sheets.append({"name": sheet.name, "columns": columns, "header_row": sheet.header_row})
        identity = index_map == list(range(len(index_map)))
        for number, cells in sheet.rows:
            if identity and len(cells) <= len(index_map):
                aligned = cells  # already in the headers' order: no copy
            else:
                aligned = [""] * len(headers)
                for column, value in enumerate(cells):
                    if column < len(index_map):
                        aligned[index_map[column]] = value
            rows.append([sheet_index, number, aligned])
    width = len(headers)
    for row in rows:
        row[2] += [""] * (width - len(row[2]))
    kind = ImportBatch.Format.OPEN_DATA if is_open_data(headers) else upload.kind
    return ParsedFile(
        format=kind, encoding=table.encoding, headers=headers, sheets=sheets, rows=rows
    )


# --- mapping headers to fields -----------------------------------------------------------------------


@dataclass
class MappingGuess:
    mapping: dict[str, str]  # header index (text) → field key ("" = not imported)
    unknown: list[int]  # header indexes nobody has mapped yet
    remembered: ColumnMapping | None = None


def guess_mapping(*, headers: list[str], municipality) -> MappingGuess:
    """The remembered mapping for this set of headers, else what the headers are known as."""
    remembered = ColumnMapping.objects.filter(
        municipality=municipality, header_key=header_set_key(headers)
    ).first()
    mapping: dict[str, str] = {}
    unknown: list[int] = []
    for index, header in enumerate(headers):
        if remembered is not None and header in remembered.mapping:
            mapping[str(index)] = remembered.mapping[header]
            continue
        key = recognise_header(header)
        if key is None:
            unknown.append(index)
            mapping[str(index)] = IGNORE
        else:
            mapping[str(index)] = key
    return MappingGuess(mapping=mapping, unknown=unknown, remembered=remembered)


def mapping_problems(mapping: dict[str, str], headers: list[str]) -> list[str]:
    """Japanese messages for a mapping that cannot be used."""
    problems = []
    used: dict[str, list[str]] = {}
    for index, key in mapping.items():
        if key:
            used.setdefault(key, []).append(headers[int(index)])
    if "name" not in used:
        found = "、".join(f"「{h}」" for h in headers[:40] if h)
        problems.append(
            "「名称」に対応する見出しがありません。資源の名称の列を「名称」に対応づけてください"
            f"（コマンドでは --map 見出し=名称）。このファイルの見出し: {found}"
        )
    for key, names in used.items():
        if len(names) > 1 and key not in ("description", "internal_note", "source_note"):
            problems.append(
                f"「{field_label(key)}」に2つ以上の見出し（{'、'.join(names)}）が対応づけられています。1つにしてください。"
            )
    known = set(FIELDS_BY_KEY) | set(OPEN_DATA_KEYS)
    for key in used:
        if key not in known:
            problems.append(f"項目「{key}」はありません。")
    return problems


def mapping_remember(
    *, municipality, user: User, headers: list[str], mapping: dict[str, str]
) -> ColumnMapping:
    by_header = {headers[int(index)]: key for index, key in mapping.items()}
    remembered, _ = ColumnMapping.objects.update_or_create(
        municipality=municipality,
        header_key=header_set_key(headers),
        defaults={"headers": headers, "mapping": by_header, "updated_by": user},
    )
    return remembered


# --- batches ----------------------------------------------------------------------------------------


def _require_import(user: User) -> None:
    policy.require(user, Capability.IMPORT_RESOURCES)
    policy.require(user, Capability.EDIT_RESOURCES)
    if user.municipality_id is None:
        raise PermissionDenied("この操作の権限がありません。")


def batch_purge_expired() -> int:
    """Removes previews nobody committed before they expired."""
    deleted, _ = (
        ImportBatch.objects.filter(expires_at__lt=timezone.now())
        .exclude(status=ImportBatch.Status.COMMITTED)
        .delete()
    )
    return deleted


def batch_create(*, user: User, upload: Upload) -> ImportBatch:
    """Reads an uploaded file and keeps its rows for the next steps. The batch is ready to
    preview, or waits for the mapping step when the sheet has headers nobody has mapped."""
    _require_import(user)
    batch_purge_expired()
    parsed = parse_upload(upload)
    batch = ImportBatch(
        user=user,
        municipality=user.municipality,
        source_name=upload.name[:255],
        source_format=parsed.format,
        source_sha256=hashlib.sha256(upload.content).hexdigest(),
        source_encoding=parsed.encoding,
        headers=parsed.headers,
        header_key=header_set_key(parsed.headers) if parsed.headers else "",
        sheets=parsed.sheets,
        rows=parsed.rows,
        records=[_record_json(r) for r in parsed.records] if parsed.records is not None else [],
        status=ImportBatch.Status.PREVIEWED,
    )
    if parsed.records is None:
        guess = guess_mapping(headers=parsed.headers, municipality=user.municipality)
        batch.mapping = guess.mapping
        if guess.unknown or mapping_problems(guess.mapping, parsed.headers):
            batch.status = ImportBatch.Status.MAPPING
    batch.full_clean(exclude=["user", "municipality"])
    batch.save()
    if batch.status == ImportBatch.Status.PREVIEWED:
        batch_preview(batch=batch, user=user)
    return batch


def batch_set_mapping(*, batch: ImportBatch, user: User, mapping: dict[str, str]) -> ImportBatch:
    """Saves the mapping the person chose (and remembers it for this set of headers), then
    makes the preview. Raises ImportRefused with the problems of an unusable mapping."""
    _require_import(user)
    _check_open(batch)
    problems = mapping_problems(mapping, batch.headers)
    if problems:
        raise ImportRefused("\n".join(problems))
    mapping_remember(
        municipality=batch.municipality, user=user, headers=batch.headers, mapping=mapping
    )
    batch.mapping = mapping
    batch.status = ImportBatch.Status.PREVIEWED
    batch.save(update_fields=["mapping", "status", "updated_at"])
    batch_preview(batch=batch, user=user)
    return batch


def _check_open(batch: ImportBatch) -> None:
    if batch.status == ImportBatch.Status.COMMITTED:
        raise ImportRefused(
            "このファイルは取り込み済みです。もう一度取り込むときは、ファイルを選び直してください。"
        )
    if batch.is_expired:
        hours = int(PREVIEW_LIFETIME.total_seconds() // 3600)
        raise ImportRefused(
            f"確認画面の有効期限（{hours}時間）が切れました。もう一度ファイルを選んでください。"
        )


def _record_json(record: Record) -> dict:
    return {
        "index": record.index,
        "label": record.label,
        "values": record.values,
        "columns": dict(record.columns),
        "structured": record.structured,
    }


def batch_records(batch: ImportBatch) -> Iterator[Record]:
    """The batch's records, made one at a time as the planner reads them."""
    if batch.source_format == ImportBatch.Format.HSDS:
        return (Record(**data) for data in batch.records)
    records = iter_records(
        headers=batch.headers, sheets=batch.sheets, rows=batch.rows, mapping=batch.mapping
    )
    return published_as_open_data(records, batch.source_format)


def published_as_open_data(records: Iterable[Record], file_format: str) -> Iterator[Record]:
    """Open data is already published by the municipality: its rows come in public, with
    consent, with its contact details public, unless the file itself says otherwise. (Template sheets say it in their 公開 and
    掲載の同意 columns, empty meaning not public; HSDS: see hsds.records_from_hsds.)"""
    for record in records:
        if file_format == ImportBatch.Format.OPEN_DATA:
            for key in ("is_public", "publication_consent"):
                if not record.values.get(key):
                    record.values[key] = "はい"
            # A phone or address published in open data is public contact information.
            values = record.values
            if not values.get("contact_is_public") and (
                values.get("contact_phone") or values.get("contact_email")
            ):
                values["contact_is_public"] = "はい"
        yield record


def _unmapped_problems(batch: ImportBatch) -> list[Problem]:
    problems = []
    for index, header in enumerate(batch.headers):
        key = batch.mapping.get(str(index), IGNORE)
        if key == IGNORE and recognise_header(header) is None:
            problems.append(
                Problem(
                    "ファイル全体",
                    f"「{header}」",
                    "この見出しの列は取り込みません（対応する項目を選んでいません）。",
                    "warning",
                )
            )
    return problems


def _state_stamp(municipality) -> str:
    """Changes whenever a resource of the municipality is added, changed or removed."""
    figures = Service.objects.filter(municipality=municipality).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    last = figures["last"].isoformat() if figures["last"] else ""
    return f"{figures['n']}:{last}"


def plan_batch(
    *,
    batch: ImportBatch,
    user: User,
    decisions: dict[int, str] | None = None,
    only_valid: bool = False,
    context: ImportContext | None = None,
    on_chunk: Callable[[list[RowPlan]], None] | None = None,
) -> tuple[Plan, ImportContext]:
    from .planning import plan_import

    context = context or ImportContext(
        user=user, municipality=batch.municipality, source_name=batch.source_name
    )
    plan = plan_import(
        batch_records(batch),
        context,
        decisions=decisions,
        only_valid=only_valid,
        on_chunk=on_chunk,
    )
    plan.file_problems = (
        _unmapped_problems(batch) if batch.source_format != ImportBatch.Format.HSDS else []
    )
    return plan, context


def preview_json(plan: Plan, context: ImportContext) -> dict:
    """What the preview page shows, kept with the batch (whole counts; the first problems,
    duplicates and updates: see planning.plan.Plan)."""
    return {
        "updates": plan.updates,
        "update_count": plan.update_count,
        "counts": plan.counts(),
        "problems": [p.as_json() for p in plan.problems(PREVIEW_PROBLEMS)],
        "problem_counts": plan.problem_counts(),
        "duplicates": plan.duplicates,
        "duplicate_count": plan.duplicate_count,
        "sample": plan.sample,
        "kept_rows": plan.kept_rows,
        "reviews": plan.reviews,
        "stamp": _state_stamp(context.municipality),
        "made_at": timezone.now().isoformat(),
    }


class _ChunkWriter:
    """Writes each planned chunk as it comes (planning.plan_import's `on_chunk`) until a row
    has an error and only valid rows were not asked for: from then on the rest of the file is
    only planned (for the report), and the caller rolls the transaction back."""

    def __init__(self, context: ImportContext, *, reason: str, only_valid: bool, progress):
        self.writer = PlanWriter(context, reason=reason, progress=progress)
        self.only_valid = only_valid
        self.failed = False

    def __call__(self, rows: list[RowPlan]) -> None:
        if not self.only_valid and any(r.action == "error" for r in rows):
            self.failed = True
        if not self.failed:
            self.writer.write(rows)


def batch_preview(*, batch: ImportBatch, user: User) -> Plan:
    _require_import(user)
    _check_open(batch)
    plan, context = plan_batch(batch=batch, user=user)
    batch.preview = preview_json(plan, context)
    batch.save(update_fields=["preview", "updated_at"])
    return plan


def batch_commit(
    *,
    batch: ImportBatch,
    user: User,
    decisions: dict[int, str] | None = None,
    only_valid: bool = False,
    request: HttpRequest | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> WriteResult:
    """Writes the batch: all of it or nothing. Raises ImportRefused (nothing written) when rows
    have errors and the person did not choose to import only the valid rows, or when the
    resources changed since the preview was made (the preview is then made again)."""
    _require_import(user)
    _check_open(batch)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused("見出しの対応づけを先に済ませてください。")
    refusal: ImportRefused | None = None
    stale = False
    with transaction.atomic():
        stale = batch.preview.get("stamp") != _state_stamp(batch.municipality)
        if stale:
            plan, context = plan_batch(
                batch=batch, user=user, decisions=decisions, only_valid=only_valid
            )
            refusal = ImportRefused(
                "確認画面を作った後に社会資源が登録・変更されたため、取り込み内容を作り直しました。"
                "内容を確かめて、もう一度「取り込む」を押してください。",
                plan,
            )
        else:
            context = ImportContext(
                user=user, municipality=batch.municipality, source_name=batch.source_name
            )
            chunk_writer = _ChunkWriter(
                context,
                reason=f"取り込み: {batch.source_name}",
                only_valid=only_valid,
                progress=progress,
            )
            plan, context = plan_batch(
                batch=batch,
                user=user,
                decisions=decisions,
                only_valid=only_valid,
                context=context,
                on_chunk=chunk_writer,
            )
            if plan.error_count and not only_valid:
                # Chunks before the first error were written: nothing of them stays.
                transaction.set_rollback(True)
                refusal = ImportRefused(
                    f"エラーのある行が{plan.error_count}行あるため、何も取り込んでいません。ファイルを直して選び直すか、"
                    "「エラーのない行だけ取り込む」を選んでください。",
                    plan,
                )
            else:
                result = chunk_writer.writer.finish()
                counts = plan.counts()
                batch.status = ImportBatch.Status.COMMITTED
                batch.committed_at = timezone.now()
                batch.result = {**result.as_json(), "counts": counts, "only_valid": only_valid}
                batch.preview = preview_json(plan, context)
                batch.rows = []
                batch.records = []
                batch.save()
                audit_record(
                    action="import",
                    request=request,
                    user=user,
                    target=batch,
                    target_type="exchange.importbatch",
                    summary=_summary(batch.get_source_format_display(), result, counts),
                    municipality_id=batch.municipality_id,
                )
    if refusal is not None:
        if stale:
            batch.preview = preview_json(plan, context)
            batch.save(update_fields=["preview", "updated_at"])
        raise refusal
    return result


def _summary(format_label: str, result: WriteResult, counts: dict) -> str:
    return (
        f"社会資源を取り込み（{format_label}）: 新規{len(result.created)}件・"
        f"更新{len(result.updated)}件・変更なし{len(result.unchanged)}件・"
        f"取り込まなかった行{counts['skip'] + counts['error']}件"
    )


# --- one step, for the API and the command ---------------------------------------------------------


@dataclass
class ImportReport:
    format: str
    plan: Plan
    context: ImportContext
    committed: bool = False
    result: WriteResult | None = None
    unmapped: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        preview = preview_json(self.plan, self.context)
        data = {
            "format": self.format,
            "committed": self.committed,
            "counts": preview["counts"],
            "problem_counts": preview["problem_counts"],
            "problems": preview["problems"],
            "duplicates": preview["duplicates"],
            "updates": preview["updates"],
            "reviews": preview["reviews"],
            "unmapped_headers": self.unmapped,
        }
        if self.result is not None:
            data["result"] = {
                "created": len(self.result.created),
                "updated": len(self.result.updated),
                "unchanged": len(self.result.unchanged),
            }
        return data


def import_upload(
    *,
    user: User,
    upload: Upload,
    commit: bool,
    only_valid: bool = False,
    on_duplicate: str = "new",
    mapping: dict[str, str] | None = None,
    request: HttpRequest | None = None,
    progress: Callable[[str, int], None] | None = None,
    confirm: Callable[[ImportReport], bool] | None = None,
) -> ImportReport:
    """Previews a file and, with `commit`, writes it (all or nothing unless `only_valid`).
    Headers are mapped as remembered for the municipality, else by their known names; extra
    `mapping` ({"見出し": "field key"}) overrides both; headers still unknown are left out.
    `on_duplicate` decides rows that resemble an existing resource: new, merge or skip.
    `confirm`, when given, is asked with the preview before writing (the command's prompt)."""
    _require_import(user)
    parsed = parse_upload(upload)
    unmapped: list[str] = []
    if parsed.records is not None:

        def records() -> Iterable[Record]:
            return parsed.records
    else:
        guess = guess_mapping(headers=parsed.headers, municipality=user.municipality)
        chosen = dict(guess.mapping)
        for header, key in (mapping or {}).items():
            for index, known in enumerate(parsed.headers):
                if header_fold(known) == header_fold(header):
                    chosen[str(index)] = key
        problems = mapping_problems(chosen, parsed.headers)
        if problems:
            raise ImportFileError("\n".join(problems))
        unmapped = [
            parsed.headers[int(i)]
            for i, k in chosen.items()
            if not k and recognise_header(parsed.headers[int(i)]) is None
        ]

        def records() -> Iterable[Record]:
            # Made afresh for each pass, a row at a time (memory: see docs/exchange.md).
            return published_as_open_data(
                iter_records(
                    headers=parsed.headers, sheets=parsed.sheets, rows=parsed.rows, mapping=chosen
                ),
                parsed.format,
            )

    from .planning import plan_import

    def make_plan(on_chunk=None, ctx=None):
        ctx = ctx or ImportContext(
            user=user, municipality=user.municipality, source_name=upload.name
        )
        plan = plan_import(
            records(),
            ctx,
            only_valid=only_valid,
            default_duplicate=on_duplicate,
            on_chunk=on_chunk,
        )
        return plan, ctx

    def refused(plan: Plan, ctx: ImportContext) -> ImportRefused:
        return ImportRefused(
            f"エラーのある行が{plan.error_count}行あるため、何も取り込んでいません。"
            "ファイルを直すか、エラーのない行だけ取り込む指定をしてください。",
            plan,
            ctx,
            parsed.format,
        )

    if not commit or confirm is not None:
        plan, context = make_plan()
        report = ImportReport(format=parsed.format, plan=plan, context=context, unmapped=unmapped)
        if not commit:
            return report
        if plan.error_count and not only_valid:
            raise refused(plan, context)
        if not confirm(report):
            return report
    refusal: ImportRefused | None = None
    with transaction.atomic():
        # Planned and written a chunk at a time in one transaction: an error in any row (unless
        # only valid rows were asked for) rolls back the chunks already written.
        context = ImportContext(user=user, municipality=user.municipality, source_name=upload.name)
        chunk_writer = _ChunkWriter(
            context,
            reason=f"取り込み: {upload.name}",
            only_valid=only_valid,
            progress=progress,
        )
        plan, context = make_plan(on_chunk=chunk_writer, ctx=context)
        if plan.error_count and not only_valid:
            transaction.set_rollback(True)
            refusal = refused(plan, context)
        else:
            result = chunk_writer.writer.finish()
            audit_record(
                action="import",
                request=request,
                user=user,
                target_type="exchange.import",
                target_id=hashlib.sha256(upload.content).hexdigest()[:16],
                summary=_summary(parsed.format, result, plan.counts()),
                municipality_id=user.municipality_id,
            )
    if refusal is not None:
        raise refusal
    parsed.rows.clear()
    return ImportReport(
        format=parsed.format,
        plan=plan,
        context=context,
        committed=True,
        result=result,
        unmapped=unmapped,
    )
