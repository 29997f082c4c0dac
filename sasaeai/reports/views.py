"""The report pages: choose a period and scope, read the report (printable), download it as
PDF, Excel, Word or CSV, write its 成果・課題 (versioned) and choose its case stories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from sasaeai.accounts import policy
from sasaeai.activities import counting
from sasaeai.cases.models import ReferralOutcome, ReferralStatus
from sasaeai.core import periods
from sasaeai.core.exports import export_view
from sasaeai.org.models import Area

from . import policy as reports_policy
from . import selectors, services
from .document import document_build
from .exports import FORMATS, export_bytes, export_extension, export_filename
from .models import (
    FOOTNOTE_PREFIX,
    FOOTNOTE_SECTIONS,
    PLACEABLE_CHOICES,
    STANDING_SECTIONS,
    TEXT_SECTION_LABELS,
    TextSection,
)
from .selection import (
    ReportRequestError,
    Scope,
    municipality_for,
    period_kind,
    period_parse,
    period_query,
    scope_choices,
    scope_default,
    scope_parse,
)

PERIOD_KINDS = [
    ("half", "半期"),
    ("year", "年度"),
    ("month", "月"),
    ("range", "期間を指定"),
]


def _selection(request: HttpRequest) -> tuple[periods.Period, Scope]:
    """Reads period and scope from the query string (raises ReportRequestError)."""
    data = request.GET
    kind = data.get("kind", "")
    fields = {
        "half": ("fiscal_year", "half"),
        "year": ("fiscal_year",),
        "month": ("month",),
        "range": ("from", "to"),
    }.get(kind)
    if kind and fields is None:
        raise ReportRequestError("期間の種類を選んでください。", field="kind")
    given = {key: data.get(key, "") for key in (fields or data.keys())}
    if not kind and not any(data.get(k) for k in ("fiscal_year", "month", "from", "to")):
        # Nothing asked: the half year we are in.
        given = period_query(periods.current_half_year(timezone.localdate()))
    period = period_parse(
        fiscal_year=given.get("fiscal_year"),
        half=given.get("half") if (kind == "half" or not kind) else None,
        month=given.get("month"),
        date_from=given.get("from"),
        date_to=given.get("to"),
    )
    if kind == "half" and not data.get("half"):
        raise ReportRequestError("上半期か下半期かを選んでください。", field="half")
    municipality = municipality_for(request.user, data.get("municipality") or None)
    scope_text = data.get("scope", "")
    scope = (
        scope_parse(scope_text, municipality=municipality)
        if scope_text
        else scope_default(request.user, municipality)
    )
    return period, scope


def selection_query(period: periods.Period, scope: Scope, user=None) -> str:
    query = {**period_query(period), "scope": scope.key}
    if user is not None and scope.municipality.pk != user.municipality_id:
        query["municipality"] = scope.municipality.code
    return urlencode(query)


def _fiscal_years() -> list[tuple[int, str]]:
    today = timezone.localdate()
    last = periods.fiscal_year_of(today) + 1
    return [(year, periods.fiscal_year_label(year)) for year in range(last, 2013, -1)]


def _form_context(request: HttpRequest, period=None, scope=None, error=None) -> dict:
    user = request.user
    municipality = scope.municipality if scope else municipality_for(user, None)
    today = timezone.localdate()
    current = period or periods.current_half_year(today)
    query = period_query(current)
    values = {
        "kind": request.GET.get("kind") or period_kind(current),
        "fiscal_year": request.GET.get("fiscal_year")
        or query.get("fiscal_year")
        or str(periods.fiscal_year_of(current.start)),
        "half": request.GET.get("half") or query.get("half", "first"),
        "month": request.GET.get("month") or query.get("month") or f"{today:%Y-%m}",
        "from": request.GET.get("from") or current.start.isoformat(),
        "to": request.GET.get("to") or current.end.isoformat(),
        "scope": request.GET.get("scope") or (scope or scope_default(user, municipality)).key,
    }
    municipalities = []
    if user.role == "regional":
        from sasaeai.org.models import Municipality

        municipalities = list(
            Municipality.objects.filter(pk__in=policy.municipality_ids(user)).order_by("code")
        )
    return {
        "values": values,
        "error": error,
        "kinds": PERIOD_KINDS,
        "fiscal_years": _fiscal_years(),
        "scopes": scope_choices(user, municipality, period=current),
        "municipality": municipality,
        "municipalities": municipalities,
    }


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Where a report is chosen; the saved reports (with text) are listed below."""
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    saved = [
        {
            "report": report,
            "query": selection_query(
                periods.Period(report.period_start, report.period_end, report.period_label),
                scope,
                request.user,
            ),
        }
        for report, scope in selectors.reports_saved(user=request.user)
    ]
    return render(
        request,
        "reports/index.html",
        {**_form_context(request), "saved": saved},
    )


@login_required
@require_safe
def show(request: HttpRequest) -> HttpResponse:
    """The report as a web page (printable), with its downloads."""
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    try:
        period, scope = _selection(request)
    except ReportRequestError as exc:
        context = _form_context(request, error=exc)
        return render(request, "reports/index.html", {**context, "saved": []}, status=400)
    if "kind" in request.GET:
        return redirect(f"{reverse('reports:show')}?{selection_query(period, scope, request.user)}")
    figures, report = selectors.report_figures(user=request.user, period=period, scope=scope)
    query = selection_query(period, scope, request.user)
    return render(
        request,
        "reports/report.html",
        {
            **_form_context(request, period, scope),
            "figures": figures,
            "document": document_build(figures),
            "report": report,
            "scope": scope,
            "period": period,
            "query": query,
            "downloads": [(fmt, label) for fmt, label in FORMATS.items() if fmt != "html"],
            "can_write": reports_policy.can_write(request.user, scope),
            "text_sections": TextSection.choices,
            "footnote_sections": FOOTNOTE_SECTIONS,
            "footnote_prefix": FOOTNOTE_PREFIX,
            "standing_sections": [(s.value, s.label) for s in STANDING_SECTIONS],
            "can_write_standing": reports_policy.can_write(
                request.user, Scope.for_municipality(scope.municipality)
            )
            and scope.municipality.pk == request.user.municipality_id,
            "previous_query": selection_query(period.previous(), scope, request.user),
        },
    )


@login_required
@require_safe
@export_view(
    name="報告書（Excel・CSV）",
    formats=("xlsx", "csv"),
    allow=policy.Capability.VIEW_REPORTS,
    format_kwarg="fmt",
    other_formats=("pdf", "appendix", "docx", "html"),
)
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report as a file; every download is written to the audit log."""
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    if fmt not in FORMATS:
        raise Http404("その形式には対応していません。")
    try:
        period, scope = _selection(request)
    except ReportRequestError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    figures, report = selectors.report_figures(user=request.user, period=period, scope=scope)
    content, content_type = export_bytes(figures, fmt)
    services.report_export_record(
        figures=figures,
        fmt=fmt,
        municipality_id=scope.municipality.pk,
        report=report,
        request=request,
    )
    response = HttpResponse(content, content_type=content_type)
    name = export_filename(figures, fmt)
    suffix = "-appendix" if fmt == "appendix" else ""
    ascii_name = f"report-{period.start:%Y%m%d}-{period.end:%Y%m%d}{suffix}.{export_extension(fmt)}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{_quote(name)}"
    )
    response["Cache-Control"] = "no-store"
    return response


def _quote(name: str) -> str:
    return quote(name, safe="")


@login_required
@require_POST
def prepare(request: HttpRequest) -> HttpResponse:
    """Creates the saved report of a period and scope (to write its text or choose its
    stories), then opens what was asked for."""
    policy.require(request.user, policy.Capability.EDIT_ACTIVITIES)
    try:
        period, scope = _selection(request)
    except ReportRequestError as exc:
        messages.error(request, exc.message)
        return redirect("reports:index")
    report = services.report_ensure(user=request.user, period=period, scope=scope)
    then = request.POST.get("then", "")
    if then == "stories":
        return redirect("reports:stories", pk=report.pk)
    if then == "photos":
        return redirect("reports:photos", pk=report.pk)
    section = then if then in TEXT_SECTION_LABELS else TextSection.ACHIEVEMENTS
    return redirect("reports:text_edit", pk=report.pk, section=section)


def _report_url(report, scope, user) -> str:
    period = periods.Period(report.period_start, report.period_end, report.period_label)
    return f"{reverse('reports:show')}?{selection_query(period, scope, user)}"


@login_required
def text_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    report, scope = selectors.report_get(user=request.user, pk=pk)
    if section not in TEXT_SECTION_LABELS:
        raise Http404("この項目は報告書にありません。")
    if not reports_policy.can_write(request.user, scope):
        raise services.PermissionDenied("この報告書の文章を編集する権限がありません。")
    current = selectors.report_texts(report).get(section)
    edit = _text_edit_handle(
        request,
        section=section,
        current=current,
        save=lambda **fields: services.report_text_save(
            report=report, scope=scope, section=section, user=request.user, **fields
        ),
        done_url=_report_url(report, scope, request.user) + f"#{_anchor(section)}",
    )
    if isinstance(edit, HttpResponse):
        return edit
    return render(
        request,
        "reports/text_edit.html",
        {
            "report": report,
            "section": section,
            "section_label": TEXT_SECTION_LABELS[section],
            "section_help": SECTION_HELP.get(section.split(":")[0], ""),
            "current": current,
            **edit.context(),
            "report_url": _report_url(report, scope, request.user),
        },
        status=edit.status,
    )


@dataclass
class _TextEdit:
    """What a text-edit form shows: the text as typed (or the current version's), the change
    note, the version it was based on, and the errors of a refused save."""

    text: str
    change_note: str = ""
    based_on: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return 400 if self.errors else 200

    def context(self) -> dict:
        return {
            "text": self.text,
            "change_note": self.change_note,
            "based_on": self.based_on,
            "errors": self.errors,
        }


def _text_edit_handle(
    request: HttpRequest,
    *,
    section: str,
    current,
    save: Callable[..., object | None],
    done_url: str,
) -> _TextEdit | HttpResponse:
    """The POST handling both versioned texts share (a report's and the municipality's):
    reads text, change note and the version it was based on, saves through `save` (a service
    that returns the new version, or None when nothing changed), and on success says so and
    redirects to `done_url`. Otherwise (GET, or a refused save) returns what the form shows."""
    edit = _TextEdit(
        text=current.text if current else "", based_on=current.version if current else 0
    )
    if request.method != "POST":
        return edit
    edit.text = request.POST.get("text", "")
    edit.change_note = request.POST.get("change_note", "")
    try:
        edit.based_on = int(request.POST.get("based_on", "0"))
    except ValueError:
        edit.based_on = 0
    try:
        saved = save(
            text=edit.text,
            based_on=edit.based_on,
            change_note=edit.change_note,
            request=request,
        )
    except ValidationError as exc:
        edit.errors = exc.message_dict
        return edit
    label = TEXT_SECTION_LABELS[section]
    if saved is None:
        messages.info(request, f"「{label}」は変更されていないため、保存しませんでした。")
    else:
        messages.success(request, f"「{label}」を第{saved.version}版として保存しました。")
    return redirect(done_url)


@login_required
def text_versions(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    report, scope = selectors.report_get(user=request.user, pk=pk)
    if section not in TEXT_SECTION_LABELS:
        raise Http404("この項目は報告書にありません。")
    can_write = reports_policy.can_write(request.user, scope)
    if request.method == "POST":
        if not can_write:
            raise services.PermissionDenied("この報告書の文章を編集する権限がありません。")
        try:
            version = int(request.POST.get("version", ""))
            saved = services.report_text_restore(
                report=report,
                scope=scope,
                section=section,
                version=version,
                user=request.user,
                request=request,
            )
        except (ValueError, ValidationError) as exc:
            message = (
                "；".join(m for ms in exc.message_dict.values() for m in ms)
                if isinstance(exc, ValidationError) and hasattr(exc, "error_dict")
                else "戻す版を選んでください。"
            )
            messages.error(request, message)
        else:
            if saved is None:
                messages.info(request, "選んだ版は今の文章と同じです。")
            else:
                messages.success(
                    request, f"第{version}版の文章を第{saved.version}版として保存しました。"
                )
        return redirect("reports:text_versions", pk=report.pk, section=section)
    return render(
        request,
        "reports/text_versions.html",
        {
            "report": report,
            "section": section,
            "section_label": TEXT_SECTION_LABELS[section],
            "versions": selectors.report_text_versions(report=report, section=section),
            "can_write": can_write,
            "report_url": _report_url(report, scope, request.user),
        },
    )


@login_required
def stories(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the published case stories printed in section (2)."""
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    report, scope = selectors.report_get(user=request.user, pk=pk)
    if not reports_policy.can_write(request.user, scope):
        raise services.PermissionDenied("この報告書の事例を選ぶ権限がありません。")
    choosable = selectors.stories_choosable(user=request.user, scope=scope)
    links = report.story_links.order_by("order", "id")
    chosen_ids = [link.story_id for link in links]
    placed = {link.story_id: link.section for link in links}
    error = ""
    if request.method == "POST":
        picked = [value for value in request.POST.getlist("story") if value.isdecimal()]
        by_id = {s.pk: s for s in choosable.filter(pk__in=picked)}
        wanted = [int(v) for v in picked]
        # Every story's chosen section comes back as sent (ticked or not, valid or not).
        placed = {
            int(key.removeprefix("section_")): value
            for key, value in request.POST.items()
            if key.startswith("section_") and key.removeprefix("section_").isdecimal()
        }
        try:
            services.report_stories_set(
                report=report,
                scope=scope,
                stories=[by_id[i] for i in wanted if i in by_id]
                + [_Missing(i) for i in wanted if i not in by_id],
                choosable=choosable,
                user=request.user,
                sections={i: placed.get(i, "support") for i in wanted},
                request=request,
            )
        except ValidationError as exc:
            error = "；".join(m for ms in exc.message_dict.values() for m in ms)
            chosen_ids = wanted
        else:
            messages.success(request, f"報告書に載せる事例を{len(wanted)}件にしました。")
            return redirect(_report_url(report, scope, request.user) + "#section-support")
    return render(
        request,
        "reports/stories.html",
        {
            "report": report,
            "stories": [_placed_in(s, placed) for s in choosable[:200]],
            "chosen": set(chosen_ids),
            "sections": PLACEABLE_CHOICES,
            "error": error,
            "report_url": _report_url(report, scope, request.user),
        },
        status=400 if error else 200,
    )


SECTION_HELP = {
    TextSection.DEPARTMENT: "報告書の題名の下に1行で載ります（例: 武蔵野市 健康福祉部 高齢者支援課）。",
    TextSection.OUTLINE: "「- 」で始まる行は箇条書きとして載ります。",
    "footnote": "この項目の最後に注として載ります。「※」から書き、1行に1つの注を書きます。",
}


def _anchor(section: str) -> str:
    if section.startswith(FOOTNOTE_PREFIX):
        return f"section-{section.removeprefix(FOOTNOTE_PREFIX)}"
    if section in STANDING_SECTIONS:
        return "report-title" if section == TextSection.DEPARTMENT else f"section-{section}"
    return "section-notes" if section == TextSection.NOTES else "section-texts"


@login_required
def standing_text_edit(request: HttpRequest, section: str) -> HttpResponse:
    """The municipality's wording of an opening part (生活支援コーディネーターとは, 活動内容,
    担当課), printed in each of its reports that has none of its own."""
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    if section not in STANDING_SECTIONS:
        raise Http404("この項目は市区町村ごとの共通の文章ではありません。")
    municipality = request.user.municipality
    if municipality is None or not reports_policy.can_write(
        request.user, Scope.for_municipality(municipality)
    ):
        raise services.PermissionDenied("報告書の共通の文章を編集する権限がありません。")
    current = selectors.municipality_texts(municipality).get(section)
    edit = _text_edit_handle(
        request,
        section=section,
        current=current,
        save=lambda **fields: services.municipality_text_save(
            user=request.user, section=section, **fields
        ),
        done_url=reverse("reports:standing_text_edit", kwargs={"section": section}),
    )
    if isinstance(edit, HttpResponse):
        return edit
    return render(
        request,
        "reports/standing_text_edit.html",
        {
            "section": section,
            "section_label": TEXT_SECTION_LABELS[section],
            "section_help": SECTION_HELP.get(section, ""),
            "current": current,
            **edit.context(),
            "municipality": municipality,
            "versions": selectors.municipality_text_versions(
                municipality=municipality, section=section
            )[:20],
            "sections": [(s.value, s.label) for s in STANDING_SECTIONS],
        },
        status=edit.status,
    )


@login_required
def photos(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's photos: add one (file, caption, section) or remove one."""
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    report, scope = selectors.report_get(user=request.user, pk=pk)
    if not reports_policy.can_write(request.user, scope):
        raise services.PermissionDenied("この報告書の写真を編集する権限がありません。")
    errors: dict[str, list[str]] = {}
    values = {"caption": "", "section": "activity_consultations"}
    if request.method == "POST":
        if request.POST.get("remove", "").isdecimal():
            try:
                services.report_photo_remove(
                    report=report,
                    scope=scope,
                    photo_id=int(request.POST["remove"]),
                    user=request.user,
                    request=request,
                )
            except ValidationError as exc:
                messages.error(
                    request, "；".join(m for ms in exc.message_dict.values() for m in ms)
                )
            else:
                messages.success(request, "写真を削除しました。")
            return redirect("reports:photos", pk=report.pk)
        if request.POST.get("move", "").isdecimal():
            try:
                moved = services.report_photo_move(
                    report=report,
                    scope=scope,
                    photo_id=int(request.POST["move"]),
                    direction=request.POST.get("direction", ""),
                    user=request.user,
                    request=request,
                )
            except ValidationError as exc:
                messages.error(
                    request, "；".join(m for ms in exc.message_dict.values() for m in ms)
                )
            else:
                if moved:
                    messages.success(request, "写真の順番を変えました。")
            return redirect(f"{reverse('reports:photos', args=[report.pk])}#photo-list")
        values = {
            "caption": request.POST.get("caption", ""),
            "section": request.POST.get("section", ""),
        }
        try:
            services.report_photo_add(
                report=report,
                scope=scope,
                upload=request.FILES.get("image"),
                caption=values["caption"],
                section=values["section"],
                user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, "写真を追加しました。")
            return redirect("reports:photos", pk=report.pk)
    return render(
        request,
        "reports/photos.html",
        {
            "report": report,
            "photos": _photos_in_order(report),
            "sections": PLACEABLE_CHOICES,
            "values": values,
            "errors": errors,
            "report_url": _report_url(report, scope, request.user),
        },
        status=400 if errors else 200,
    )


def _placed_in(story, placed: dict[int, str]):
    story.report_section = placed.get(story.pk, "support")
    return story


def _photos_in_order(report) -> list:
    """The report's photos as the report prints them: by section in the report's order, then
    in their order within the section; each knows its section's label and whether it can
    move up or down (within its section)."""
    labels = dict(PLACEABLE_CHOICES)
    rank = {code: i for i, (code, _label) in enumerate(PLACEABLE_CHOICES)}
    photos = sorted(
        report.photos.order_by("order", "id"), key=lambda p: rank.get(p.section, len(rank))
    )
    for index, photo in enumerate(photos):
        photo.section_label = labels.get(photo.section, "")
        photo.can_move_up = index > 0 and photos[index - 1].section == photo.section
        photo.can_move_down = index + 1 < len(photos) and photos[index + 1].section == photo.section
    return photos


@login_required
@require_safe
def photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """A report photo's file, for whoever may read the report (404 otherwise)."""
    from django.http import FileResponse

    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    report, _scope = selectors.report_get(user=request.user, pk=pk)
    found = report.photos.filter(pk=photo_id).first()
    if found is None:
        raise Http404("見つかりません。")
    try:
        handle = found.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404("見つかりません。") from exc
    response = FileResponse(
        handle, content_type="image/jpeg" if found.image_format == "JPEG" else "image/png"
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Missing:
    """A story id that is not among the choosable ones (refused by the service)."""

    def __init__(self, pk: int) -> None:
        self.pk = pk


@login_required
@require_safe
def case_counts(request: HttpRequest) -> HttpResponse:
    """個別ケースの件数 for a fiscal year: cases received (as the report counts them), how many of
    them are closed, by area; the referrals that moved in the year by their status at its end,
    and the outcomes of those closed. Counted by `activities.counting`, like the report."""
    scope = reports_policy.case_counts_scope(request.user)  # refuses who may not see them
    today = timezone.localdate()
    year_text = request.GET.get("year", "")
    year = (
        int(year_text)
        if year_text.isdecimal() and 2000 <= int(year_text) <= 2100
        else periods.fiscal_year_of(today)
    )
    period = periods.fiscal_year(year)
    cases = counting.case_counts(period, scope)
    referrals = counting.referral_counts(period, scope)
    areas = counting.areas_in_effect(period, scope.municipality)
    if scope.areas:
        areas = [area for area in areas if area.pk in set(scope.area_ids)]
    listed = {area.pk for area in areas}
    # An area retired before the year still shows the cases stored on it.
    areas += list(
        Area.objects.filter(pk__in=set(cases.by_area) - listed - {None}).order_by("order", "pk")
    )
    rows = [(area.name, *cases.by_area.get(area.pk, (0, 0))) for area in areas]
    if None in cases.by_area:
        rows.append(("圏域なし", *cases.by_area[None]))
    statuses = [
        (label, referrals.status_at_end.get(code, 0)) for code, label in ReferralStatus.choices
    ]
    outcomes = [
        (ReferralOutcome(code).label, n)
        for code, n in sorted(referrals.closed_outcomes.items())
        if code
    ]
    return render(
        request,
        "reports/case_counts.html",
        {
            "period": period,
            "year": year,
            "scope": scope,
            "cases": cases,
            "rows": rows,
            "referrals_new": referrals.new,
            "statuses": statuses,
            "outcomes": outcomes,
        },
    )
