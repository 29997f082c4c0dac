"""Error pages in Japanese; no stack trace ever reaches a user."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "errors/error.html",
        {
            "code": 400,
            "title": _("リクエストが正しくありません"),
            "message": _("入力内容を確認して、もう一度お試しください。"),
        },
        status=400,
    )


def payload_too_large(request: HttpRequest, *, limit: int) -> HttpResponse:
    """413: the request's body is over the limit (sasaeai.core.middleware)."""
    size = filesizeformat(limit)
    message = _(
        "送られたデータが大きすぎます（%(size)sまで）。ファイルは分けて送ってください。"
    ) % {"size": size}
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "code": "too_large"},
            status=413,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request,
        "errors/error.html",
        {"code": 413, "title": _("データが大きすぎます"), "message": message},
        status=413,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "errors/error.html",
        {
            "code": 403,
            "title": _("この操作の権限がありません"),
            "message": _(
                "ご自分の担当外の情報か、権限が必要な操作です。必要な場合は管理者にご相談ください。"
            ),
        },
        status=403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "errors/error.html",
        {
            "code": 404,
            "title": _("ページが見つかりません"),
            "message": _("アドレスが正しいか、ご確認ください。"),
        },
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "errors/error.html",
        {
            "code": 500,
            "title": _("システムエラーが発生しました"),
            "message": _("時間をおいてもう一度お試しください。続く場合は管理者にご連絡ください。"),
        },
        status=500,
    )
