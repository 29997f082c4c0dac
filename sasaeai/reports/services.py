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
from .models import (
    PLACEABLE_CHOICES,
    STANDING_SECTIONS,
    TEXT_SECTION_LABELS,
    MunicipalityText,
    Report,
    ReportPhoto,
    ReportStory,
    ReportText,
)
from .policy import can_write
from .selection import Scope

TEXT_MAX_LENGTH = 20000
STORIES_MAX = 10
PHOTOS_MAX = 20
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)
PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG"}
CAPTION_MAX_LENGTH = 200
PLACEABLE = dict(PLACEABLE_CHOICES)


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
    if section not in TEXT_SECTION_LABELS:
        raise ValidationError({"section": "この項目は報告書にありません。"})
    text = _text_clean(text)
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        current = report.texts.filter(section=section).order_by("-version").first()
        if not _is_new(current, text, based_on):
            return None
        version = ReportText(
            report=report,
            section=section,
            version=(current.version if current else 0) + 1,
            text=text,
            change_note=change_note.strip()[:200],
            author=user,
            figures=_figures_now(report, scope),
        )
        _save_version(version)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=report,
        summary=f"報告書の文章「{TEXT_SECTION_LABELS[section]}」第{version.version}版を保存",
    )
    return version


def _text_clean(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {"text": f"本文は{TEXT_MAX_LENGTH}文字以内にしてください（今は{len(text)}文字）。"}
        )
    return text


def _is_new(current, text: str, based_on: int | None) -> bool:
    """False when the text is the current version's; refuses a save started from an older
    version than the newest (somebody saved meanwhile)."""
    latest = current.version if current else 0
    if based_on is not None and based_on != latest:
        raise ValidationError(
            {
                "text": f"編集を始めた後に、ほかの人が第{latest}版を保存しました。"
                "最新の版を確認してから、もう一度保存してください（入力した文章は残っています）。"
            }
        )
    return current is None or current.text != text


def _save_version(version) -> None:
    version.full_clean()
    try:
        version.save()
    except IntegrityError as exc:  # a save at the same moment took this number
        raise ValidationError(
            {"text": "同時にほかの保存がありました。もう一度保存してください。"}
        ) from exc


def municipality_text_save(
    *,
    user: User,
    section: str,
    text: str,
    based_on: int | None = None,
    change_note: str = "",
    request: HttpRequest | None = None,
) -> MunicipalityText | None:
    """Saves the user's municipality's wording of an opening part (生活支援コーディネーター
    とは, 活動内容, 担当課) as its next version; who may write the municipality's report may
    write it. None when nothing changed."""
    municipality = user.municipality
    _require_write(user, Scope.for_municipality(municipality))
    if section not in STANDING_SECTIONS:
        raise ValidationError({"section": "この項目は市区町村ごとの共通の文章ではありません。"})
    text = _text_clean(text)
    with transaction.atomic():
        type(municipality).objects.select_for_update().filter(pk=municipality.pk).first()
        current = (
            MunicipalityText.objects.filter(municipality=municipality, section=section)
            .order_by("-version")
            .first()
        )
        if not _is_new(current, text, based_on):
            return None
        version = MunicipalityText(
            municipality=municipality,
            section=section,
            version=(current.version if current else 0) + 1,
            text=text,
            change_note=change_note.strip()[:200],
            author=user,
        )
        _save_version(version)
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=version,
        municipality_id=municipality.pk,
        summary=f"報告書の共通の文章「{TEXT_SECTION_LABELS[section]}」第{version.version}版を保存",
    )
    return version


def report_photo_add(
    *,
    report: Report,
    scope: Scope,
    upload,
    caption: str,
    section: str,
    user: User,
    request: HttpRequest | None = None,
) -> ReportPhoto:
    """Adds a photo with its caption to a section of the report. Only JPEG and PNG of at
    most 5 MB are taken, checked by decoding the file (not by its name or declared type);
    the file is stored under MEDIA_ROOT under a generated name."""
    _require_write(user, scope)
    errors: dict[str, list[str]] = {}
    caption = caption.strip()
    if not caption:
        errors["caption"] = ["写真の説明（キャプション）を入力してください。"]
    elif len(caption) > CAPTION_MAX_LENGTH:
        errors["caption"] = [
            f"説明は{CAPTION_MAX_LENGTH}文字以内にしてください（今は{len(caption)}文字）。"
        ]
    if section not in PLACEABLE:
        errors["section"] = ["載せる項目を選んでください。"]
    image_format, size = "", (0, 0)
    if upload is None:
        errors["image"] = ["写真のファイルを選んでください。"]
    elif upload.size > PHOTO_MAX_BYTES:
        errors["image"] = [
            f"写真は5MB以下にしてください（このファイルは{upload.size / 1024 / 1024:.1f}MB）。"
        ]
    else:
        image_format, size, problem = _image_check(upload)
        if problem:
            errors["image"] = [problem]
    if report.photos.count() >= PHOTOS_MAX:
        errors.setdefault("image", []).append(f"写真は1つの報告書に{PHOTOS_MAX}枚までです。")
    if errors:
        raise ValidationError(errors)
    upload.seek(0)
    last = report.photos.aggregate(n=Max("order"))["n"] or 0
    photo = ReportPhoto(
        report=report,
        section=section,
        caption=caption,
        image_format=image_format,
        width=size[0],
        height=size[1],
        order=last + 1,
        uploaded_by=user,
    )
    photo.image.save("photo", upload, save=False)
    photo.save()
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=report,
        summary=f"報告書に写真を追加（{PLACEABLE[section]}）",
    )
    return photo


def _image_check(upload) -> tuple[str, tuple[int, int], str]:
    """(format, size, problem): the file decoded by Pillow; anything but a whole JPEG or PNG
    is refused with the reason."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format or ""
            size = image.size
            if image_format not in PHOTO_FORMATS:
                return "", (0, 0), "写真はJPEGかPNGのファイルにしてください。"
            if size[0] * size[1] > PHOTO_MAX_PIXELS:
                return "", (0, 0), "写真の画素数が大きすぎます（4,000万画素まで）。"
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "", (0, 0), "写真として読めないファイルです（JPEGかPNGのファイルを選んでください）。"
    return image_format, size, ""


def report_photo_remove(
    *,
    report: Report,
    scope: Scope,
    photo_id: int,
    user: User,
    request: HttpRequest | None = None,
) -> None:
    _require_write(user, scope)
    photo = report.photos.filter(pk=photo_id).first()
    if photo is None:
        raise ValidationError({"photo": "その写真はこの報告書にありません。"})
    caption = photo.caption
    photo.image.delete(save=False)
    photo.delete()
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=report,
        summary=f"報告書の写真を削除（{caption[:40]}）",
    )


def report_photo_move(
    *,
    report: Report,
    scope: Scope,
    photo_id: int,
    direction: str,
    user: User,
    request: HttpRequest | None = None,
) -> bool:
    """Moves a photo one place up or down among the photos of its section (the order the
    page, PDF, Word and Excel print them in). False when it is first (or last) already."""
    _require_write(user, scope)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "上か下かを選んでください。"})
    photo = report.photos.filter(pk=photo_id).first()
    if photo is None:
        raise ValidationError({"photo": "その写真はこの報告書にありません。"})
    with transaction.atomic():
        siblings = list(
            report.photos.select_for_update().filter(section=photo.section).order_by("order", "id")
        )
        index = next(i for i, p in enumerate(siblings) if p.pk == photo.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        # Renumbered 1, 2, … so that photos added with the same number keep a clear order.
        for number, sibling in enumerate(siblings, start=1):
            if sibling.order != number:
                sibling.order = number
                sibling.save(update_fields=["order"])
    audit_record(
        action=AuditEvent.Action.UPDATE,
        request=request,
        user=user,
        target=report,
        summary=f"報告書の写真の順番を変更（{PLACEABLE[photo.section]}）",
    )
    return True


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
    sections: dict[int, str] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Chooses the published stories printed in the report, in the given order, each in the
    section `sections` gives for its id ((2) when not given). `choosable` is the queryset of
    stories the user may choose for this scope (`selectors.stories_choosable`)."""
    _require_write(user, scope)
    sections = sections or {}
    if any(value not in PLACEABLE for value in sections.values()):
        raise ValidationError({"stories": "事例を載せる項目を選び直してください。"})
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
            ReportStory(
                report=report,
                story=story,
                order=index,
                section=sections.get(story.pk, "support"),
            )
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
