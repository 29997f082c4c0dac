"""Writes of the participation app: a month of participation for a place (the one write path
the form, the API, an import and the organiser's link page call), and the population import
(a pending upload, then all or nothing). Each write checks access and is audited here."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record
from sasaeai.org.models import Municipality
from sasaeai.resources.models import Service

from .models import (
    ParticipationRecord,
    ParticipationUpload,
    PopulationCount,
    PopulationDataset,
    PopulationUpload,
    SurveyJudgement,
)
from .population import PopulationReading, read_population
from .workbook import HEADER_BY_FIELD, SheetReading, SheetRow, read_sheet

COUNT_FIELDS = (
    "sessions",
    "participants",
    "attendances",
    "aged_65_plus",
    "men",
    "support_needed",
    "volunteers",
)


def can_record_participation(user: User, service: Service) -> bool:
    """Tier 1 records for every place of its municipality, tier 2 for the places in its areas
    (the activities' rule: participation is coordinators' record-keeping)."""
    return policy.can_edit_record(user, service)


def participation_check(
    *,
    service: Service,
    month: dt.date,
    counts: dict[str, int | None],
    user: User | None,
    source: str = ParticipationRecord.Source.STAFF,
) -> ParticipationRecord:
    """The record `record_participation` would save (the existing month's, corrected, or a new
    one), checked but not saved: the one set of checks the form, the API, the organiser's link
    and the Excel import's preview share. Raises PermissionDenied or ValidationError (Japanese,
    keyed by field)."""
    if user is not None and not can_record_participation(user, service):
        raise PermissionDenied("この通いの場の参加実績を入力する権限がありません。")
    month = month.replace(day=1)
    record = ParticipationRecord.objects.filter(service=service, month=month).first()
    if record is None:
        record = ParticipationRecord(
            service=service, month=month, municipality_id=service.municipality_id
        )
    for name in COUNT_FIELDS:
        setattr(record, name, counts.get(name))
    record.area_id = service.area_id
    record.source = source if user is not None else ParticipationRecord.Source.ORGANISER
    record.recorded_by = user
    record.full_clean(exclude=["service", "municipality", "area", "recorded_by"])
    return record


def record_participation(
    *,
    service: Service,
    month: dt.date,
    participants: int,
    attendances: int,
    aged_65_plus: int,
    sessions: int | None = None,
    men: int | None = None,
    support_needed: int | None = None,
    volunteers: int | None = None,
    user: User | None,
    source: str = ParticipationRecord.Source.STAFF,
    request: HttpRequest | None = None,
    via: str = "",
) -> ParticipationRecord:
    """Records (or corrects) one month of participation for a place: counts only, never
    names. `user` None is the organiser's link (the caller has checked the link; the record is
    then marked as the organiser's). Raises PermissionDenied or ValidationError (Japanese,
    keyed by field)."""
    record = participation_check(
        service=service,
        month=month,
        counts={
            "sessions": sessions,
            "participants": participants,
            "attendances": attendances,
            "aged_65_plus": aged_65_plus,
            "men": men,
            "support_needed": support_needed,
            "volunteers": volunteers,
        },
        user=user,
        source=source,
    )
    created = record.pk is None
    record.save()
    audit_record(
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=record,
        summary=f"通いの場の参加実績 {service.name} {month:%Y年%-m月}"
        f"（実人数{participants}人・延べ{attendances}人）",
        municipality_id=service.municipality_id,
        via=via,
    )
    return record


# --- the organiser-filled Excel sheet -----------------------------------------------------------


def participation_sheet_check(*, reading: SheetReading, user: User) -> list[str]:
    """Every problem of a read sheet, in Japanese with its sheet, row and column: the reading's
    own (cells that are not counts), then each row through `participation_check` (the same
    checks as the form), then places out of the user's scope and a place's month twice."""
    problems = [p.text() for p in reading.problems]
    ids = {row.service_id for row in reading.rows}
    services_by_id = Service.objects.filter(
        municipality_id=user.municipality_id, pk__in=ids
    ).in_bulk()
    seen: dict[tuple[int, dt.date], int] = {}
    for row in reading.rows:

        def problem(column: str, message: str, row: SheetRow = row) -> None:
            problems.append(f"シート「{reading.sheet}」{row.row}行目「{column}」：{message}")

        service = services_by_id.get(row.service_id)
        if service is None:
            problem("ID", f"ID「{row.service_id}」の通いの場が見つかりません。")
            continue
        key = (row.service_id, row.month)
        if key in seen:
            problem("月", f"{seen[key]}行目と同じ通いの場・同じ月です。どちらか1行にしてください。")
            continue
        seen[key] = row.row
        try:
            participation_check(
                service=service,
                month=row.month,
                counts=row.counts,
                user=user,
                source=ParticipationRecord.Source.IMPORT,
            )
        except PermissionDenied as exc:
            problem("ID", str(exc))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = HEADER_BY_FIELD.get(name) or ("月" if name == "month" else "")
                for message in messages:
                    problem(column, message)
    return problems


@transaction.atomic
def participation_sheet_import(
    *,
    reading: SheetReading,
    user: User,
    file_name: str,
    request: HttpRequest | None = None,
    via: str = "",
) -> list[ParticipationRecord]:
    """Writes every filled row of a read sheet through `record_participation`, all or nothing:
    any problem writes nothing (ValidationError listing them)."""
    problems = participation_sheet_check(reading=reading, user=user)
    if problems or not reading.rows:
        raise ValidationError(problems or ["人数の入った行がありません。"])
    services_by_id = Service.objects.in_bulk({row.service_id for row in reading.rows})
    records = [
        record_participation(
            service=services_by_id[row.service_id],
            month=row.month,
            **row.counts,
            user=user,
            source=ParticipationRecord.Source.IMPORT,
            request=request,
            via=via or "Excel取り込み",
        )
        for row in reading.rows
    ]
    return records


def participation_upload_create(
    *, user: User, file_name: str, content: bytes
) -> tuple[ParticipationUpload, SheetReading, list[str]]:
    """Keeps the file for its confirmation; returns the reading and its problems (the preview)."""
    if not policy.has(user, policy.Capability.EDIT_ACTIVITIES):
        raise PermissionDenied("参加実績を取り込む権限がありません。")
    upload = ParticipationUpload.objects.create(
        municipality_id=user.municipality_id,
        uploaded_by=user,
        file_name=file_name[:200],
        content=content,
    )
    reading = read_sheet(content)
    return upload, reading, participation_sheet_check(reading=reading, user=user)


@transaction.atomic
def participation_upload_apply(
    *, upload: ParticipationUpload, user: User, request: HttpRequest | None = None
) -> list[ParticipationRecord]:
    """Imports a previewed sheet (the very bytes previewed) and marks it applied."""
    if upload.applied_at is not None:
        raise ValidationError("このファイルはすでに取り込み済みです。")
    records = participation_sheet_import(
        reading=read_sheet(bytes(upload.content)),
        user=user,
        file_name=upload.file_name,
        request=request,
    )
    upload.applied_at = timezone.now()
    upload.content = b""
    upload.save(update_fields=["applied_at", "content", "updated_at"])
    return records


def survey_judgement_set(
    *,
    service: Service,
    user: User,
    resident_led: bool | None,
    prevention: bool | None,
    note: str = "",
    request: HttpRequest | None = None,
) -> SurveyJudgement:
    """Staff's decision for the 通いの場 survey (住民主体, 介護予防に資する; None: as derived)."""
    if not can_record_participation(user, service):
        raise PermissionDenied("この通いの場の扱いを変える権限がありません。")
    judgement, _ = SurveyJudgement.objects.update_or_create(
        service=service,
        defaults={
            "resident_led": resident_led,
            "prevention": prevention,
            "note": note[:200],
            "decided_by": user,
        },
    )
    words = {None: "自動", True: "はい", False: "いいえ"}
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=judgement,
        summary=f"通いの場調査での扱い {service.name}（住民主体: {words[resident_led]}、"
        f"介護予防に資する: {words[prevention]}）",
        municipality_id=service.municipality_id,
    )
    return judgement


# --- population --------------------------------------------------------------------------------


def can_import_population(user: User) -> bool:
    return policy.has(user, policy.Capability.IMPORT_RESOURCES)


def population_upload_create(
    *, user: User, file_name: str, kind: str, content: bytes, as_of: dt.date
) -> tuple[PopulationUpload, PopulationReading]:
    """Keeps the file for its confirmation and returns the preview's reading."""
    if not can_import_population(user):
        raise PermissionDenied("人口を取り込む権限がありません。")
    upload = PopulationUpload.objects.create(
        municipality_id=user.municipality_id,
        uploaded_by=user,
        file_name=file_name[:200],
        kind=kind,
        content=content,
        as_of=as_of,
    )
    return upload, population_upload_reading(upload=upload)


def population_upload_reading(*, upload: PopulationUpload) -> PopulationReading:
    return read_population(bytes(upload.content), upload.kind, municipality=upload.municipality)


@transaction.atomic
def population_import(
    *,
    municipality: Municipality,
    as_of: dt.date,
    reading: PopulationReading,
    source_name: str,
    user: User | None,
    is_demo: bool = False,
    request: HttpRequest | None = None,
    via: str = "",
) -> PopulationDataset:
    """Writes a read population file, replacing any of the same date; all or nothing: a
    reading with problems writes nothing (ValidationError listing them)."""
    if user is not None and (
        not can_import_population(user) or user.municipality_id != municipality.pk
    ):
        raise PermissionDenied("人口を取り込む権限がありません。")
    if not reading.ok:
        raise ValidationError(
            [p.text() for p in reading.problems] or ["人数の入った行がありません。"]
        )
    PopulationDataset.objects.filter(municipality=municipality, as_of=as_of).delete()
    dataset = PopulationDataset.objects.create(
        municipality=municipality,
        as_of=as_of,
        source_name=source_name[:200],
        is_demo=is_demo,
        imported_by=user,
    )
    PopulationCount.objects.bulk_create(
        [
            PopulationCount(
                dataset=dataset,
                town_id=town,
                block_id=block,
                age_from=band.age_from,
                age_to=band.age_to,
                count=count,
            )
            for (town, block, band), count in reading.counts.items()
        ],
        batch_size=2000,
    )
    audit_record(
        action=AuditEvent.Action.IMPORT,
        request=request,
        user=user,
        target=dataset,
        summary=f"町丁別年齢別人口（{as_of:%Y-%m-%d}現在、{len(reading.names)}町丁）を取り込み"
        + ("（デモ用）" if is_demo else ""),
        municipality_id=municipality.pk,
        via=via,
    )
    return dataset


@transaction.atomic
def population_upload_apply(
    *, upload: PopulationUpload, user: User, request: HttpRequest | None = None
) -> PopulationDataset:
    """Imports a previewed upload (the same bytes as previewed) and marks it applied."""
    if upload.applied_at is not None:
        raise ValidationError("このファイルはすでに取り込み済みです。")
    dataset = population_import(
        municipality=upload.municipality,
        as_of=upload.as_of,
        reading=population_upload_reading(upload=upload),
        source_name=upload.file_name,
        user=user,
        request=request,
    )
    upload.applied_at = timezone.now()
    upload.content = b""
    upload.save(update_fields=["applied_at", "content", "updated_at"])
    return dataset


# --- a gap as evidence of a regional issue ------------------------------------------------------

GAP_SOURCE = "participation.gap"


def suppression_threshold(municipality_id: int) -> int:
    """The smallest count shown for a town to the council or the public (default 10)."""
    from .models import ParticipationSettings

    chosen = ParticipationSettings.objects.filter(municipality_id=municipality_id).first()
    return chosen.suppression_threshold if chosen else 10


def shown_count(value: int, threshold: int) -> str:
    """「612人」, or 「10人未満」 under the threshold (never 0 < n < threshold for a town)."""
    return f"{value:,}人" if value >= threshold or value == 0 else f"{threshold}人未満"


def gap_key(row, walk_m: int, category_code: str, joinable: tuple[str, ...]) -> str:
    """What was measured: the town (丁目), the walking distance and the filters."""
    return f"{row.town_id}:{row.block_id or 0}:walk{walk_m}:{category_code}:{','.join(sorted(joinable))}"


def gap_statement(row, walk_m: int, threshold: int, filters_text: str = "") -> str:
    """「御殿山二丁目: 65歳以上 612人、徒歩500m以内に週1回以上の通いの場なし」"""
    places = f" {row.weekly_places_within}か所" if row.weekly_places_within else "なし"
    text = (
        f"{row.name}: 65歳以上 {shown_count(row.residents_65_plus, threshold)}、"
        f"徒歩{walk_m}m以内に週1回以上の通いの場{filters_text}{places}"
    )
    if row.approximate:
        text += "（区域が広く概算）"
    return text


def gap_attach(
    *,
    user: User,
    issue,
    analysis,
    row,
    category_code: str = "",
    request: HttpRequest | None = None,
):
    """Attaches one town's gap to a regional issue with its figures frozen today."""
    from sasaeai.councils import services as councils_services

    if not policy.has(user, policy.Capability.VIEW_ACTIVITIES):
        raise PermissionDenied("空白地域の数値を見る権限がありません。")
    threshold = suppression_threshold(analysis.municipality.pk)
    filters = []
    if analysis.category is not None:
        filters.append(analysis.category.name)
    labels = {"men": "男性も参加しやすい", "support-needed": "要支援の方も可"}
    filters.extend(labels.get(code, code) for code in analysis.target_codes)
    filters_text = f"（{'・'.join(filters)}）" if filters else ""
    dataset = analysis.dataset
    return councils_services.figure_attach(
        user=user,
        issue=issue,
        source=GAP_SOURCE,
        source_key=gap_key(row, analysis.walk_m, category_code, analysis.target_codes),
        title=row.name,
        statement=gap_statement(row, analysis.walk_m, threshold, filters_text),
        figures={
            "residents_65_plus": row.residents_65_plus,
            "residents_75_plus": row.residents_75_plus,
            "weekly_places_within": row.weekly_places_within,
            "gap_score": round(row.gap_score, 2),
            "participation_rate": row.participation_rate,
            "walk_m": analysis.walk_m,
            "population_as_of": dataset.as_of.isoformat() if dataset else None,
            "population_is_demo": bool(dataset and dataset.is_demo),
            "approximate": row.approximate,
        },
        as_of=analysis.reference_day,
        area_id=row.area_id,
        request=request,
    )
