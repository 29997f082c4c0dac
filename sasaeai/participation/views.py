"""Pages: participation per place and month, the population import (upload, preview, confirm),
and the gap map (ranked table and map layer)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.audit.services import audit_record
from sasaeai.core.exports import export_view
from sasaeai.exchange.uploads import UploadError, read_upload
from sasaeai.resources.models import Category, Service

from . import selectors, services
from .forms import (
    GapAttachForm,
    GapFilterForm,
    ParticipationForm,
    ParticipationSheetForm,
    PopulationUploadForm,
    SheetTemplateForm,
    SurveyJudgementForm,
)
from .gaps import DEFAULT_WALK_M, FORMULA, WALK_FACTOR, gap_analysis
from .models import ParticipationUpload, PopulationUpload, SurveyJudgement
from .survey import survey_figures, survey_workbook
from .workbook import months_between, read_sheet, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LIST_LIMIT = 100


@login_required
def index(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    records = selectors.participation_list_visible_to(user=request.user)[:LIST_LIMIT]
    return render(
        request,
        "participation/index.html",
        {
            "records": records,
            "datasets": selectors.population_datasets(user=request.user)[:5],
            "can_record": policy.has(request.user, Capability.EDIT_ACTIVITIES),
            "can_import": services.can_import_population(request.user),
        },
    )


@login_required
def record(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    recordable = selectors.services_recordable_by(user=request.user)
    initial = {}
    if "service" in request.GET:
        # A place named in the address must be one the user may record for (else 404).
        initial["service"] = policy.get_in_scope(recordable, request.GET["service"]).pk
    if request.method == "POST" and request.POST.get("service", "").isdigit():
        # An id posted from outside the user's scope answers as if it did not exist.
        policy.get_in_scope(Service.objects.filter(pk__in=recordable), request.POST["service"])
    form = ParticipationForm(request.POST or None, services=recordable, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.record_participation(
                service=data["service"],
                month=data["month"],
                sessions=data["sessions"],
                participants=data["participants"],
                attendances=data["attendances"],
                aged_65_plus=data["aged_65_plus"],
                men=data["men"],
                support_needed=data["support_needed"],
                volunteers=data["volunteers"],
                user=request.user,
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"{saved.service.name}の{saved.month.year}年{saved.month.month}月の参加実績を保存しました。",
            )
            return redirect("participation:index")
    return render(request, "participation/record.html", {"form": form})


@login_required
def sheet_import(request: HttpRequest) -> HttpResponse:
    """The organiser's Excel sheet: download the template (places pre-listed), upload it filled."""
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    template_form = SheetTemplateForm(request.GET if "first" in request.GET else None)
    if template_form.is_bound and template_form.is_valid():
        months = months_between(
            template_form.cleaned_data["first"], template_form.cleaned_data["last"]
        )
        places = selectors.services_recordable_by(user=request.user).values_list("pk", "name")
        audit_record(
            action="export",
            request=request,
            user=request.user,
            target_type="participation.sheet",
            summary=f"参加実績の記入用Excel（{months[0]:%Y-%m}〜{months[-1]:%Y-%m}）を出力",
            municipality_id=request.user.municipality_id,
        )
        response = HttpResponse(
            template_workbook(
                municipality_name=request.user.municipality.name,
                places=list(places),
                months=months,
            ),
            content_type=XLSX,
        )
        response["Content-Disposition"] = (
            f'attachment; filename="participation-{months[0]:%Y%m}-{months[-1]:%Y%m}.xlsx"'
        )
        return response
    form = ParticipationSheetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = read_upload(form.cleaned_data["file"])
            if upload.kind != "xlsx":
                raise UploadError("記入済みの様式をExcel（.xlsx）のまま選んでください。")
        except UploadError as exc:
            form.add_error("file", str(exc))
        else:
            pending, _, _ = services.participation_upload_create(
                user=request.user, file_name=upload.name, content=upload.content
            )
            return redirect("participation:sheet_preview", pk=pending.pk)
    return render(
        request,
        "participation/sheet_import.html",
        {"form": form, "template_form": template_form},
    )


@login_required
def sheet_preview(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    upload = policy.get_in_scope(
        ParticipationUpload.objects.filter(
            municipality_id=request.user.municipality_id,
            uploaded_by=request.user,
            applied_at__isnull=True,
        ),
        pk,
    )
    reading = read_sheet(bytes(upload.content))
    problems = services.participation_sheet_check(reading=reading, user=request.user)
    if request.method == "POST" and not problems and reading.rows:
        records = services.participation_upload_apply(
            upload=upload, user=request.user, request=request
        )
        messages.success(request, f"{len(records)}件の参加実績を取り込みました。")
        return redirect("participation:index")
    names = dict(
        Service.objects.filter(
            municipality_id=request.user.municipality_id,
            pk__in={row.service_id for row in reading.rows},
        ).values_list("pk", "name")
    )
    rows = [(row, names.get(row.service_id, "")) for row in reading.rows]
    return render(
        request,
        "participation/sheet_preview.html",
        {"upload": upload, "reading": reading, "problems": problems, "rows": rows},
    )


@login_required
def population_import(request: HttpRequest) -> HttpResponse:
    if not services.can_import_population(request.user):
        raise PermissionDenied("人口を取り込む権限がありません。")
    form = PopulationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = read_upload(form.cleaned_data["file"])
            if upload.kind not in ("csv", "xlsx"):
                raise UploadError("人口のファイルはCSVかExcel（.xlsx）で選んでください。")
        except UploadError as exc:
            form.add_error("file", str(exc))
        else:
            pending, _ = services.population_upload_create(
                user=request.user,
                file_name=upload.name,
                kind=upload.kind,
                content=upload.content,
                as_of=form.cleaned_data["as_of"],
            )
            return redirect("participation:population_preview", pk=pending.pk)
    return render(request, "participation/population_import.html", {"form": form})


@login_required
def population_preview(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.can_import_population(request.user):
        raise PermissionDenied("人口を取り込む権限がありません。")
    upload = policy.get_in_scope(
        PopulationUpload.objects.filter(
            municipality_id=request.user.municipality_id,
            uploaded_by=request.user,
            applied_at__isnull=True,
        ),
        pk,
    )
    reading = services.population_upload_reading(upload=upload)
    if request.method == "POST" and reading.ok:
        dataset = services.population_upload_apply(
            upload=upload, user=request.user, request=request
        )
        messages.success(
            request,
            f"{dataset.as_of.year}年{dataset.as_of.month}月{dataset.as_of.day}日現在の人口"
            f"（{len(reading.names)}町丁）を取り込みました。",
        )
        return redirect("participation:gaps")
    return render(
        request,
        "participation/population_preview.html",
        {"upload": upload, "reading": reading, "totals": reading.totals()},
    )


def _analysis(municipality, *, walk_m: int, category_code: str, joinable: tuple[str, ...]):
    category = None
    if category_code:
        category = Category.objects.filter(code=category_code, axis=Category.Axis.ACTIVITY).first()
    return gap_analysis(
        municipality=municipality, walk_m=walk_m, category=category, target_codes=joinable
    )


def _gaps_page(request: HttpRequest, *, attach_form: GapAttachForm | None = None, analysis=None):
    municipality = request.user.municipality
    form = GapFilterForm(request.GET or None, municipality_id=municipality.pk)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    category = data.get("category")
    category_code = category.code if category else ""
    joinable = tuple(data.get("joinable") or ())
    if analysis is None:
        analysis = _analysis(
            municipality,
            walk_m=form.walk() if valid else DEFAULT_WALK_M,
            category_code=category_code,
            joinable=joinable,
        )
    else:
        category_code = analysis.category.code if analysis.category else ""
    history = selectors.gap_history(analysis=analysis, category_code=category_code)
    for row in analysis.rows:
        row.history = history.get(row.key)
    issues = selectors.issues_attachable_by(user=request.user)
    if attach_form is None and issues and analysis.rows:
        attach_form = GapAttachForm(
            rows=analysis.rows,
            issues=issues,
            initial={
                "walk_m": analysis.walk_m,
                "category": category_code,
                "joinable": ",".join(analysis.target_codes),
            },
        )
    return render(
        request,
        "participation/gaps.html",
        {
            "form": form,
            "analysis": analysis,
            "formula": FORMULA,
            "walk_factor": WALK_FACTOR,
            "layer": selectors.gap_map_layer(analysis),
            "attach_form": attach_form,
            "map": {
                "tile_url": settings.MAP_TILE_URL,
                "attribution": settings.MAP_TILE_ATTRIBUTION,
            },
            "import_url": reverse("participation:population_import"),
            "can_import": services.can_import_population(request.user),
        },
    )


@login_required
@require_GET
def gaps(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    return _gaps_page(request)


@login_required
@require_POST
def gap_attach(request: HttpRequest) -> HttpResponse:
    """One town's gap, as shown with the posted filters, attached to a regional issue."""
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    policy.require(request.user, Capability.EDIT_COUNCILS)
    issues = selectors.issues_attachable_by(user=request.user)
    try:
        walk_m = int(request.POST.get("walk_m") or DEFAULT_WALK_M)
    except ValueError:
        walk_m = DEFAULT_WALK_M
    joinable = tuple(c for c in request.POST.get("joinable", "").split(",") if c)
    analysis = _analysis(
        request.user.municipality,
        walk_m=walk_m,
        category_code=request.POST.get("category", "")[:60],
        joinable=tuple(c for c in joinable if c in ("men", "support-needed")),
    )
    form = GapAttachForm(request.POST, rows=analysis.rows, issues=issues)
    if form.is_valid():
        row = next(r for r in analysis.rows if r.key == form.cleaned_data["town"])
        issue = next(i for i in issues if i.pk == form.cleaned_data["issue"])
        try:
            figure = services.gap_attach(
                user=request.user,
                issue=issue,
                analysis=analysis,
                row=row,
                category_code=form.cleaned_data["category"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("issue", exc.messages)
        else:
            messages.success(
                request, f"地域課題「{issue.title}」に「{figure.statement}」を追加しました。"
            )
            return redirect("councils:issue_detail", pk=issue.pk)
    return _gaps_page(request, attach_form=form, analysis=analysis)


@login_required
@export_view(name="通いの場調査（Excel）", formats=("xlsx",), allow=Capability.VIEW_ACTIVITIES)
def survey_download(request: HttpRequest) -> HttpResponse:
    """The MHLW 通いの場 survey workbook for a fiscal year (default: the last one ended)."""
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    year = _fiscal_year(request)
    figures = survey_figures(municipality=request.user.municipality, fiscal_year=year)
    audit_record(
        action="export",
        request=request,
        user=request.user,
        target_type="participation.survey",
        summary=f"通いの場調査の集計（{year}年度）を出力",
        municipality_id=request.user.municipality_id,
    )
    response = HttpResponse(
        survey_workbook(figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="kayoinoba-survey-{year}.xlsx"'
    return response


def _fiscal_year(request: HttpRequest) -> int:
    today = dt.date.today()
    default_year = today.year - 1 if today.month >= 4 else today.year - 2
    try:
        year = int(request.GET.get("fiscal_year") or default_year)
    except ValueError:
        year = default_year
    return max(2000, min(today.year, year))


@login_required
@require_GET
def survey_places(request: HttpRequest) -> HttpResponse:
    """The places the survey counts for a fiscal year, 住民主体 or not and why."""
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    year = _fiscal_year(request)
    figures = survey_figures(municipality=request.user.municipality, fiscal_year=year)
    return render(
        request,
        "participation/survey_places.html",
        {
            "figures": figures,
            "year": year,
            "can_judge": policy.has(request.user, Capability.EDIT_ACTIVITIES),
        },
    )


@login_required
def survey_place(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff's decision for one place: 住民主体 and 介護予防に資する (or as derived)."""
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    service = policy.get_in_scope(selectors.services_recordable_by(user=request.user), pk)
    current = SurveyJudgement.objects.filter(service=service).first()
    words = {True: "yes", False: "no", None: ""}
    initial = (
        {
            "resident_led": words[current.resident_led],
            "prevention": words[current.prevention],
            "note": current.note,
        }
        if current
        else {}
    )
    form = SurveyJudgementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.survey_judgement_set(
            service=service,
            user=request.user,
            resident_led=form.cleaned_data["resident_led"],
            prevention=form.cleaned_data["prevention"],
            note=form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, f"{service.name}の通いの場調査での扱いを保存しました。")
        return redirect("participation:survey_places")
    operator = service.organization.operator_type if service.organization else None
    return render(
        request,
        "participation/survey_place.html",
        {"form": form, "service": service, "operator": operator},
    )
