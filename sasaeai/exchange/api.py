"""API operations of the exchange app (mounted under /api/v1/ by sasaeai.api).

- `POST /api/v1/resources/import`: a resource file (Excel, CSV or HSDS JSON) previewed, and
  written with `commit=true` (all or nothing unless `only_valid=true`). The file is sent as
  multipart form data (field `file`) or as the request body itself (JSON, CSV, .xlsx).
- `GET /api/v1/hsds/services`: the public resources as HSDS 3.0 services, in HSDS's own page
  shape (`contents`, `total_items`, `page_number` …)."""

from __future__ import annotations

import io
import math
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.api.pagination import MAX_PAGE
from sasaeai.core.uploads import MAX_NAME_LENGTH

from . import selectors, services
from .hsds import services_to_hsds
from .uploads import UploadError, read_upload

router = Router(tags=["データ取込・出力"])

_MULTIPART_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "Excel（.xlsx）、CSV（UTF-8・Shift_JIS）、HSDSのJSON",
                        }
                    },
                    "required": ["file"],
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": 'HSDS 3.0 のサービスの配列、または {"contents": [...]}',
                }
            },
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


class ImportOptions(Schema):
    commit: bool = False
    only_valid: bool = False
    on_duplicate: Literal["new", "merge", "skip"] = "new"
    filename: str = Field("", max_length=MAX_NAME_LENGTH)


class ImportProblem(Schema):
    row: str
    column: str
    message: str
    severity: str
    index: int


class ImportResult(Schema):
    created: int
    updated: int
    unchanged: int


class ImportOut(Schema):
    format: str
    committed: bool
    counts: dict[str, int]
    problem_counts: dict[str, int]
    problems: list[ImportProblem]
    duplicates: list[dict[str, Any]]
    updates: list[dict[str, Any]] = []  # each update field by field: field, before, after
    reviews: list[dict[str, Any]]
    unmapped_headers: list[str]
    result: ImportResult | None = None


class ImportRefusedOut(Schema):
    detail: str
    preview: dict[str, Any] | None = None


class Detail(Schema):
    detail: str


_BODY_NAMES = {"application/json": "upload.json", "text/csv": "upload.csv"}


def _upload_from(request: HttpRequest, filename: str):
    uploaded = request.FILES.get("file")
    try:
        if uploaded is not None:
            return read_upload(uploaded)
        content_type = (request.content_type or "").lower()
        name = filename or _BODY_NAMES.get(content_type, "upload")
        if content_type.startswith("multipart/"):
            raise UploadError("フォームの「file」欄にファイルを付けてください。")
        return read_upload(io.BytesIO(request.body), name=name)
    except UploadError as exc:
        raise HttpError(422, str(exc)) from exc


@router.post(
    "/resources/import",
    response={200: ImportOut, 409: ImportRefusedOut, 422: Detail},
    summary="社会資源の取り込み（プレビュー・登録）",
    openapi_extra=_MULTIPART_DOC,
)
def resources_import(request: HttpRequest, options: Query[ImportOptions]):
    """ファイルを読み、取り込んだ場合の件数・行ごとの問題・重複の候補を返します
    （`commit=false`、既定）。`commit=true` のときは登録します。エラーのある行が1行でもあれば
    何も登録せず 409 を返します（`only_valid=true` でエラーのない行だけ登録）。
    `on_duplicate` は既存の資源に似た行の扱い（new: 新規登録、merge: 統合、skip: 取り込まない）。
    見出しの対応は、画面で保存した対応、または既知の見出し名で決まります。"""
    user = request.user
    policy.require(user, Capability.IMPORT_RESOURCES)
    policy.require(user, Capability.EDIT_RESOURCES)
    upload = _upload_from(request, options.filename)
    try:
        report = services.import_upload(
            user=user,
            upload=upload,
            commit=options.commit,
            only_valid=options.only_valid,
            on_duplicate=options.on_duplicate,
            request=request,
        )
    except services.ImportFileError as exc:
        return Status(422, {"detail": str(exc)})
    except services.ImportRefused as exc:
        return Status(409, {"detail": str(exc), "preview": exc.report() or None})
    return Status(200, report.as_json())


class HsdsPage(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


@router.get(
    "/hsds/services",
    response=HsdsPage,
    summary="公開の社会資源（HSDS 3.0）",
)
def hsds_services(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(50, ge=1, le=500),
):
    """公開・掲載同意あり・活動中の社会資源を Open Referral HSDS 3.0 のサービス
    （団体・場所・開催日時を含む）として返します。ページの形は HSDS API のものです。"""
    user = request.user
    policy.require(user, Capability.VIEW_RESOURCES)
    if user.municipality_id is None:
        raise PermissionDenied
    per_page = max(1, min(per_page, 500))
    queryset = selectors.public_services(user=user)
    total = queryset.count()
    pages = max(1, math.ceil(total / per_page))
    page = max(1, page)
    found = list(queryset[(page - 1) * per_page : page * per_page])
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(found),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not found,
        "contents": services_to_hsds(found, municipality=user.municipality),
    }
