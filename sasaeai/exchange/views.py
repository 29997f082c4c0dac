"""Pages of the exchange app: import (upload → mapping → preview → confirm → summary), the
Excel template, and the exports (CSV/Excel of a search, HSDS JSON, 公共施設一覧 CSV).

Import pages are for administrators and tier-1 coordinators (resources.import); a batch is
reached only by the person who uploaded it. Exports follow the resource list's own rules."""

from __future__ import annotations

import json
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.audit.services import audit_record
from sasaeai.core.exports import export_view
from sasaeai.resources.forms import SearchForm

from . import selectors, services
from .exports import export_csv, export_open_data_csv, export_xlsx
from .forms import (
    MappingForm,
    PublicationActionForm,
    PublicationFilterForm,
    UploadForm,
    read_decisions,
)
from .hsds import services_to_hsds
from .models import ImportBatch
from .template import template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import(user) -> None:
    policy.require(user, Capability.IMPORT_RESOURCES)
    policy.require(user, Capability.EDIT_RESOURCES)


def _download(content: bytes, *, content_type: str, ascii_name: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def _stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


# --- import ---------------------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the file (with the template to download and what happens next)."""
    user = request.user
    _require_import(user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(user=user, upload=form.cleaned_data["file"])
        except services.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if batch.status == ImportBatch.Status.MAPPING:
                return redirect("exchange:import_mapping", token=batch.token)
            return redirect("exchange:import_preview", token=batch.token)
    return render(
        request,
        "exchange/import_start.html",
        {
            "form": form,
            "step": 1,
            "limit": UploadForm.limit_text(),
            "recent": selectors.batch_list_for(user=user)[:10],
        },
        status=400 if form.errors else 200,
    )


def _samples(batch: ImportBatch, count: int = 3) -> dict[int, list[str]]:
    samples: dict[int, list[str]] = {}
    for _sheet, _number, cells in batch.rows[:count]:
        for index, value in enumerate(cells):
            if value not in ("", None):
                samples.setdefault(index, []).append(str(value)[:40])
    return samples


def _open_batch(request: HttpRequest, token: str) -> ImportBatch:
    _require_import(request.user)
    return selectors.batch_get_for(user=request.user, token=token)


def _closed(request: HttpRequest, batch: ImportBatch) -> HttpResponse | None:
    """A committed batch shows its summary; an expired one sends the person back to step 1."""
    if batch.status == ImportBatch.Status.COMMITTED:
        return redirect("exchange:import_summary", token=batch.token)
    if batch.is_expired:
        messages.error(
            request, "確認画面の有効期限が切れました。もう一度ファイルを選んでください。"
        )
        return redirect("exchange:import_start")
    return None


@login_required
def import_mapping(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: which field each header of the file fills (remembered for the next file with
    the same headers)."""
    batch = _open_batch(request, token)
    if (closed := _closed(request, batch)) is not None:
        return closed
    if batch.source_format == ImportBatch.Format.HSDS:
        return redirect("exchange:import_preview", token=batch.token)
    form = MappingForm(
        request.POST or None, headers=batch.headers, mapping=batch.mapping, samples=_samples(batch)
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_set_mapping(batch=batch, user=request.user, mapping=form.mapping())
        except services.ImportRefused as exc:
            problems = str(exc).splitlines()
        else:
            messages.success(
                request,
                "見出しの対応を保存しました。同じ見出しのファイルは次から自動で対応づけます。",
            )
            return redirect("exchange:import_preview", token=batch.token)
    guess = services.guess_mapping(headers=batch.headers, municipality=batch.municipality)
    return render(
        request,
        "exchange/import_mapping.html",
        {
            "batch": batch,
            "form": form,
            "problems": problems,
            "step": 2,
            "remembered": guess.remembered,
            "unknown": [batch.headers[i] for i in guess.unknown],
        },
        status=400 if problems else 200,
    )


def _duplicate_rows(batch: ImportBatch, chosen: dict[int, str]) -> list[dict]:
    rows = []
    for duplicate in batch.preview.get("duplicates", []):
        default = f"merge:{duplicate['target_id']}" if duplicate.get("target_id") else "new"
        candidates = [
            {**c, "value": f"merge:{c['service_id']}"} for c in duplicate.get("candidates", [])
        ]
        rows.append(
            {
                **duplicate,
                "candidates": candidates,
                "choice": chosen.get(duplicate["index"], default),
            }
        )
    return rows


def _preview_page(
    request: HttpRequest,
    batch: ImportBatch,
    *,
    refusal: str = "",
    chosen: dict[int, str] | None = None,
    only_valid: bool = False,
    status: int = 200,
) -> HttpResponse:
    preview = batch.preview
    problems = preview.get("problems", [])
    return render(
        request,
        "exchange/import_preview.html",
        {
            "batch": batch,
            "preview": preview,
            "counts": preview.get("counts", {}),
            "problems": problems,
            "problem_counts": preview.get("problem_counts", {}),
            "errors_shown": [p for p in problems if p["severity"] == "error"],
            "others_shown": [p for p in problems if p["severity"] != "error"],
            "duplicates": _duplicate_rows(batch, chosen or {}),
            "refusal": refusal,
            "only_valid": only_valid,
            "step": 3,
        },
        status=status,
    )


@login_required
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """Step 3: what the import will do; nothing is written yet."""
    batch = _open_batch(request, token)
    if (closed := _closed(request, batch)) is not None:
        return closed
    if batch.status == ImportBatch.Status.MAPPING:
        return redirect("exchange:import_mapping", token=batch.token)
    if not batch.preview:
        services.batch_preview(batch=batch, user=request.user)
    return _preview_page(request, batch)


@login_required
@require_POST
def import_commit(request: HttpRequest, token: str) -> HttpResponse:
    """Step 4: write (all or nothing, or only the valid rows when chosen)."""
    batch = _open_batch(request, token)
    if (closed := _closed(request, batch)) is not None:
        return closed
    decisions = read_decisions(request.POST, batch.preview.get("duplicates", []))
    only_valid = request.POST.get("only_valid") == "1"
    try:
        services.batch_commit(
            batch=batch,
            user=request.user,
            decisions=decisions,
            only_valid=only_valid,
            request=request,
        )
    except services.ImportRefused as exc:
        batch.refresh_from_db()
        return _preview_page(
            request,
            batch,
            refusal=str(exc),
            chosen=decisions,
            only_valid=only_valid,
            status=409,
        )
    return redirect("exchange:import_summary", token=batch.token)


@login_required
def import_summary(request: HttpRequest, token: str) -> HttpResponse:
    """Step 5: what was written."""
    batch = _open_batch(request, token)
    if batch.status != ImportBatch.Status.COMMITTED:
        return redirect("exchange:import_preview", token=batch.token)
    result = batch.result
    return render(
        request,
        "exchange/import_summary.html",
        {
            "batch": batch,
            "result": result,
            "counts": result.get("counts", {}),
            "created": selectors.services_by_ids(
                user=request.user, ids=result.get("created_ids", [])[:50]
            ),
            "updated": selectors.services_by_ids(
                user=request.user, ids=result.get("updated_ids", [])[:50]
            ),
            "reviews": result.get("reviews", [])[:200],
            "step": 5,
        },
    )


@login_required
@export_view(
    name="社会資源の取り込み用テンプレート（Excel）",
    formats=("xlsx",),
    allow=Capability.IMPORT_RESOURCES,
)
def template_download(request: HttpRequest) -> HttpResponse:
    """The Excel template with its explanation sheet and drop-down lists."""
    user = request.user
    _require_import(user)
    return _download(
        template_workbook(user.municipality),
        content_type=XLSX,
        ascii_name="resources-template.xlsx",
        name="社会資源_取り込み用テンプレート.xlsx",
    )


# --- export ---------------------------------------------------------------------------------------


PUBLICATION_PAGE_SIZE = 100


@login_required
def publication(request: HttpRequest) -> HttpResponse:
    """Publishing or hiding many resources at once: filters (name, area, state, source, the
    file they were imported from), a checkbox per row, 「このページをすべて選ぶ」 and 「条件に合う
    すべて」. Tier 2 sees and changes only its areas' resources."""
    from django.core.paginator import Paginator

    from sasaeai.org.models import Area
    from sasaeai.resources import selectors as resource_selectors
    from sasaeai.resources import services as resource_services
    from sasaeai.resources.models import Source

    user = request.user
    policy.require(user, Capability.EDIT_RESOURCES)
    areas = Area.objects.filter(municipality_id=user.municipality_id).order_by("pk")
    if user.role == "tier2":
        areas = areas.filter(pk__in=policy.area_ids(user))
    form = PublicationFilterForm(
        request.GET or None,
        areas=list(areas),
        sources=list(Source.choices),
        batches=selectors.import_batch_names(user=user),
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = resource_selectors.PublicationFilters(
        q=data.get("q") or "",
        area_id=data.get("area"),
        state=data.get("state") or "",
        source=data.get("source") or "",
        batch=data.get("batch") or "",
    )
    found = resource_selectors.publication_list(user=user, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    action_form = PublicationActionForm(
        request.POST if request.method == "POST" else None,
        actions=resource_services.PUBLICATION_ACTIONS,
        allowed_ids=found.values_list("pk", flat=True),
        initial={"scope": "checked"},
    )
    if request.method == "POST" and action_form.is_valid():
        action = action_form.cleaned_data["action"]
        if action_form.cleaned_data["scope"] == "all":
            ids = list(found.values_list("pk", flat=True))
        else:
            ids = action_form.cleaned_data["ids"]
        result = resource_services.services_set_publication(
            user=user, service_ids=ids, action=action, request=request
        )
        label = resource_services.PUBLICATION_ACTIONS[action]
        messages.success(
            request,
            f"{label}: {len(result.changed)}件を変更しました"
            f"（変更なし {len(result.unchanged)}件・変更できなかった {len(result.skipped)}件）。",
        )
        for service, why in result.skipped[:20]:
            messages.warning(request, f"「{service.name}」: {why}。")
        if len(result.skipped) > 20:
            messages.warning(request, f"ほか{len(result.skipped) - 20}件も変更できませんでした。")
        target = request.path + (
            f"?{request.POST.get('query', '')}" if request.POST.get("query") else ""
        )
        return redirect(target)
    page = Paginator(found, PUBLICATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/publication.html",
        {
            "form": form,
            "page": page,
            "count": page.paginator.count,
            "query": query.urlencode(),
            "actions": resource_services.PUBLICATION_ACTIONS,
            "action_form": action_form,
            "chosen_action": action_form["action"].value() or "",
            "chosen_scope": action_form["scope"].value() or "checked",
            "chosen_ids": {str(v) for v in (action_form["ids"].value() or [])},
        },
        status=400 if action_form.errors or form.errors else 200,
    )


@login_required
def export_index(request: HttpRequest) -> HttpResponse:
    """The downloads: the current search as CSV/Excel, HSDS JSON and 公共施設一覧 CSV."""
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    form = SearchForm(request.GET or None, municipality=user.municipality)
    if form.is_bound:
        form.is_valid()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "exchange/export.html",
        {
            "form": form,
            "query": query.urlencode(),
            "count": selectors.export_count(user=user, filters=form.to_filters()),
            "public_count": selectors.public_services(user=user).count(),
            "can_import": policy.has(user, Capability.IMPORT_RESOURCES)
            and policy.has(user, Capability.EDIT_RESOURCES),
        },
    )


def _search_export(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    # Every column, internal ones too: staff records only (the regional reader has the
    # public HSDS and open-data exports).
    policy.require(user, Capability.VIEW_RESOURCE_RECORDS)
    form = SearchForm(request.GET or None, municipality=user.municipality)
    if form.is_bound:
        form.is_valid()
    found = selectors.export_services(user=user, filters=form.to_filters())
    code = user.municipality.code if user.municipality else ""
    label = "CSV" if kind == "csv" else "Excel"
    audit_record(
        action="export",
        request=request,
        target_type="resources.service",
        summary=f"社会資源の検索結果を{label}で出力（{len(found)}件）",
    )
    if kind == "csv":
        return _download(
            export_csv(found, municipality_code=code),
            content_type="text/csv; charset=utf-8",
            ascii_name=f"resources-{_stamp()}.csv",
            name=f"社会資源-{_stamp()}.csv",
        )
    return _download(
        export_xlsx(found, municipality_code=code),
        content_type=XLSX,
        ascii_name=f"resources-{_stamp()}.xlsx",
        name=f"社会資源-{_stamp()}.xlsx",
    )


@login_required
@export_view(name="社会資源の検索結果（CSV）", formats=("csv",), allow=Capability.VIEW_RESOURCES)
def export_search_csv(request: HttpRequest) -> HttpResponse:
    return _search_export(request, "csv")


@login_required
@export_view(name="社会資源の検索結果（Excel）", formats=("xlsx",), allow=Capability.VIEW_RESOURCES)
def export_search_xlsx(request: HttpRequest) -> HttpResponse:
    return _search_export(request, "xlsx")


@login_required
def export_hsds(request: HttpRequest) -> HttpResponse:
    """The public resources as HSDS 3.0 services (JSON)."""
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    found = list(selectors.public_services(user=user))
    content = json.dumps(
        services_to_hsds(found, municipality=user.municipality), ensure_ascii=False, indent=1
    ).encode()
    audit_record(
        action="export",
        request=request,
        target_type="resources.service",
        summary=f"公開の社会資源をHSDS（JSON）で出力（{len(found)}件）",
    )
    return _download(
        content,
        content_type="application/json",
        ascii_name=f"hsds-services-{_stamp()}.json",
        name=f"社会資源_HSDS-{_stamp()}.json",
    )


@login_required
@export_view(
    name="公共施設一覧（自治体標準オープンデータ・CSV）",
    formats=("csv",),
    allow=Capability.VIEW_RESOURCES,
)
def export_open_data(request: HttpRequest) -> HttpResponse:
    """The public resources in the 自治体標準オープンデータセット 公共施設一覧 format."""
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    found = list(selectors.public_services(user=user))
    audit_record(
        action="export",
        request=request,
        target_type="resources.service",
        summary=f"公開の社会資源を公共施設一覧（オープンデータ）で出力（{len(found)}件）",
    )
    code = user.municipality.code
    return _download(
        export_open_data_csv(found, municipality=user.municipality),
        content_type="text/csv; charset=utf-8",
        ascii_name=f"{code}_public_facility.csv",
        name=f"{code}_public_facility.csv",
    )
