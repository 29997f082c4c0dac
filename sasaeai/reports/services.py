"""Writes of the reports app: the free-text sections (a new version on every change), the
stories chosen for a report, and the audit entry of every export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest

from sasaeai.accounts.models import User
from sasaeai.audit.models import AuditEvent
from sasaeai.audit.services import audit_record
from sasaeai.core.periods import Period

from .figures import ReportFigures
from .models import Report, ReportStory, ReportText, TextSection
from .policy import can_write
from .selection import Scope

TEXT_MAX_LENGTH = 20000
STORIES_MAX = 10


def _require_write(user: User, scope: Scope) -> None:
    if not can_write(user, scope):
        raise PermissionDenied("この報告書の文章を編集する権限がありません。")


def report_ensure(*, user: User, period: Period, scope: Scope) -> Report:
    """The saved report of a period and scope, created on first use."""
    _require_write(user, scope)
    report, _ = Report.objects.get_or_create(
        municipality=scope.municipality,
        scope_key=scope.storage_key,
        period_start=period.start,
        period_end=period.end,
        defaults={
            "period_label": period.label,
            "scope_label": scope.label,
            "created_by": user,
        },
    )
    return report


def report_text_save(
    *,
    report: Report,
    scope: Scope,
    section: str,
    text: str,
    user: User,
    based_on: int | None = None,
    change_note: str = "",
    request: HttpRequest | None = None,
) -> ReportText | None:
    """Saves a section's text as its next version. Nothing is written when the text is the
    same as the current version (None is returned). `based_on` is the version the writer
    started from: if somebody saved a newer one meanwhile, nothing is saved and the writer
    is told, so that no wording is lost without being read."""
    _require_write(user, scope)
    if section not in TextSection.values:
        raise ValidationError({"section": "この項目は報告書にありません。"})
    text = text.replace("\r\n", "\n").strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {"text": f"本文は{TEXT_MAX_LENGTH}文字以内にしてください（今は{len(text)}文字）。"}
        )
    change_note = change_note.strip()
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        current = report.texts.filter(section=section).order_by("-version").first()
        latest = current.version if current else 0
        if based_on is not None and based_on != latest:
            raise ValidationError(
                {
                    "text": f"編集を始めた後に、ほかの人が第{latest}版を保存しました。"
                    "最新の版を確認してから、もう一度保存してください（入力した文章は残っています）。"
                }
            )
        if current is not None and current.text == text:
            return None
        version = ReportText(
            report=report,
            section=section,
            version=latest + 1,
            text=text,
            change_note=change_note[:200],
            author=user,
            figures=_figures_now(report, scope),
        )
        version.full_clean()
        try:
            version.save()
        except IntegrityError as exc:  # a save at the same moment took this number
            raise ValidationError(
                {"text": "同時にほかの保存がありました。もう一度保存してください。"}
            ) from exc
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=report,
        summary=f"報告書の文章「{TextSection(section).label}」第{version.version}版を保存",
    )
    return version


def _figures_now(report: Report, scope: Scope) -> dict[str, int]:
    """The key figures as the text is written (what its numbers may quote)."""
    from sasaeai.activities import counting
    from sasaeai.core.periods import Period

    period = Period(report.period_start, report.period_end, report.period_label)
    return counting.key_figures(period, scope)


def report_text_restore(
    *,
    report: Report,
    scope: Scope,
    section: str,
    version: int,
    user: User,
    request: HttpRequest | None = None,
) -> ReportText | None:
    """Brings back an earlier wording as the newest version (the versions between stay)."""
    old = report.texts.filter(section=section, version=version).first()
    if old is None:
        raise ValidationError({"version": f"第{version}版は見つかりません。"})
    latest = report.texts.filter(section=section).aggregate(v=Max("version"))["v"]
    return report_text_save(
        report=report,
        scope=scope,
        section=section,
        text=old.text,
        user=user,
        based_on=latest,
        change_note=f"第{version}版に戻した",
        request=request,
    )


def report_stories_set(
    *,
    report: Report,
    scope: Scope,
    stories: list,
    choosable,
    user: User,
    request: HttpRequest | None = None,
) -> None:
    """Chooses the published stories printed in the report, in the given order. `choosable`
    is the queryset of stories the user may choose for this scope
    (`selectors.stories_choosable`)."""
    _require_write(user, scope)
    if len(stories) > STORIES_MAX:
        raise ValidationError({"stories": f"載せる事例は{STORIES_MAX}件までにしてください。"})
    allowed = set(choosable.filter(pk__in=[s.pk for s in stories]).values_list("pk", flat=True))
    refused = [s for s in stories if s.pk not in allowed]
    if refused:
        raise ValidationError(
            {"stories": "公開されていない事例や、この範囲の外の事例は載せられません。"}
        )
    with transaction.atomic():
        report.story_links.all().delete()
        ReportStory.objects.bulk_create(
            ReportStory(report=report, story=story, order=index)
            for index, story in enumerate(stories, start=1)
        )
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=report,
        summary=f"報告書に載せる事例を{len(stories)}件に変更",
    )


FORMAT_LABELS = {
    "html": "ウェブページ",
    "pdf": "PDF",
    "xlsx": "Excel",
    "docx": "Word",
    "csv": "CSV",
    "api": "API",
}


def report_export_record(
    *,
    figures: ReportFigures,
    fmt: str,
    municipality_id: int,
    report: Report | None = None,
    user: User | None = None,
    request: HttpRequest | None = None,
    via: str = "",
) -> None:
    """Every download (and every file written by the command) goes to the audit log."""
    audit_record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        user=user,
        target=report,
        target_type="reports.report",
        target_id=report.pk if report else "",
        municipality_id=municipality_id,
        summary=(
            f"活動報告を{FORMAT_LABELS.get(fmt, fmt)}で出力: {figures.period.label} "
            f"範囲 {figures.scope_key}{via}"
        ),
    )
