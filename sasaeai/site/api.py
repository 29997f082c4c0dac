"""The django-ninja API at /api/v1/: each app keeps its own router (its `api.py`); this module
assembles them and maps errors to Japanese messages. The shared kit every router uses
(pagination, id and time types, the request parser, error wording) is `sasaeai.api`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from sasaeai.accounts.api import router as accounts_router
from sasaeai.accounts.api_auth import api_auth
from sasaeai.activities.api import router as activities_router
from sasaeai.api.errors import field_errors
from sasaeai.api.parser import RefusingNulParser
from sasaeai.cases.api import router as cases_router
from sasaeai.councils.api import router as councils_router
from sasaeai.directory.api import router as directory_router
from sasaeai.exchange.api import router as exchange_router
from sasaeai.org.api import router as org_router
from sasaeai.participation.api import router as participation_router
from sasaeai.reports.api import router as reports_router
from sasaeai.resources.api import router as resources_router

api = NinjaAPI(
    title="ささえあい API",
    version="1",
    description="生活支援コーディネーター業務支援システム「ささえあい」のAPI。"
    "認証はブラウザのセッション、または `Authorization: Bearer <トークン>`。"
    '一覧は `page` と `page_size` で区切り、`{"items": [...], "count": N}` を返します。',
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    # Swagger UI from django-ninja's own static files (no CDN), under the site's CSP; no call to
    # the public validator. The docs are open to anyone: they describe the interface, which is
    # published with the source, and no data. No deep links: Swagger UI puts each operation's
    # link inside the button that opens it (a control in a control, and a 17 px target); the
    # page (sasaeai/templates/ninja/swagger.html, css/api-docs.css) is held to WCAG 2.2 AA.
    docs=Swagger(settings={"validatorUrl": None, "deepLinking": False}),
    parser=RefusingNulParser(),
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": "この操作の権限がありません。"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": "見つかりません。"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": "ログインするか、有効なAPIトークンを指定してください。"}, status=401
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = {field: messages for field, messages in exc.message_dict.items()}
    else:
        errors = {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": "入力内容に誤りがあります。", "errors": errors}, status=422
    )


@api.exception_handler(RequestValidationError)
def _invalid_request(request: HttpRequest, exc: RequestValidationError):
    """The request does not fit the schema (type, range, missing field): checked before the
    operation runs, so `code` tells it apart from the operation's own checks."""
    return api.create_response(
        request,
        {
            "detail": "リクエストの形式に誤りがあります。",
            "code": "invalid_request",
            "errors": field_errors(exc.errors),
        },
        status=422,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    """ninja wraps any failure to read the body in a 400 in English: a NUL the parser refused
    is a 422 like any invalid field; JSON that cannot be read gets a Japanese 400."""
    if isinstance(exc.__cause__, RequestValidationError):
        return _invalid_request(request, exc.__cause__)
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return api.create_response(
            request,
            {
                "detail": "リクエストの本文をJSONとして読めません。",
                "code": "invalid_request",
                "errors": {"__all__": ["本文はUTF-8のJSONで送ってください。"]},
            },
            status=400,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# The order matters where paths overlap: the first router whose path matches answers.
ROUTERS = (
    accounts_router,
    org_router,
    exchange_router,  # before resources: /resources/import must win over /resources/{id}
    resources_router,
    activities_router,
    cases_router,
    reports_router,
    councils_router,
    participation_router,
    directory_router,
)
for router in ROUTERS:
    api.add_router("/", router)
