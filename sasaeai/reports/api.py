"""API operations of the reports app (mounted under /api/v1/ by sasaeai.api): every figure
of a report, as the CSV gives them, for schedulers and other systems. The figures are counted
by sasaeai.activities.counting, as the report pages and the home panel are."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from sasaeai.accounts import policy
from sasaeai.core.periods import current_half_year

from . import selectors, services
from .render.csvfile import figure_rows
from .selection import (
    ReportRequestError,
    municipality_for,
    period_parse,
    scope_default,
    scope_parse,
)

router = Router(tags=["報告書"])


class FigureOut(Schema):
    section: str
    item: str
    breakdown: str
    value: int | Decimal
    unit: str


class ReportFiguresOut(Schema):
    title: str
    period: str
    period_start: str
    period_end: str
    scope: str
    scope_label: str
    figures: list[FigureOut]


class ReportQuery(Schema):
    fiscal_year: int | None = None
    half: str | None = None
    month: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    scope: str = ""
    municipality: str | None = None


@router.get(
    "/reports/figures",
    response=ReportFiguresOut,
    summary="活動報告のすべての数値",
    description="期間（fiscal_year と half、month、または date_from と date_to）と範囲"
    "（municipality、tier1、tier2、area:<ID または名前>、areas:<ID>,<ID>、coordinator:<ユーザー名>）"
    "を指定すると、報告書の数値をCSVと同じ行で返します。期間を省くと今の半期、範囲を省くと"
    "利用者の既定（第2層は担当圏域、ほかは市全体）。出力は監査ログに記録されます。",
)
def report_figures(request: HttpRequest, query: Query[ReportQuery]):
    policy.require(request.user, policy.Capability.VIEW_REPORTS)
    asked = (query.fiscal_year, query.month, query.date_from, query.date_to)
    try:
        if any(value not in (None, "") for value in asked):
            period = period_parse(
                fiscal_year=query.fiscal_year,
                half=query.half,
                month=query.month,
                date_from=query.date_from,
                date_to=query.date_to,
            )
        else:
            period = current_half_year(timezone.localdate())
        municipality = municipality_for(request.user, query.municipality)
        scope = (
            scope_parse(query.scope, municipality=municipality)
            if query.scope
            else scope_default(request.user, municipality)
        )
    except ReportRequestError as exc:
        raise ValidationError({exc.field or "__all__": [exc.message]}) from exc
    figures, report = selectors.report_figures(user=request.user, period=period, scope=scope)
    services.report_export_record(
        figures=figures,
        fmt="api",
        municipality_id=municipality.pk,
        report=report,
        request=request,
    )
    return {
        "title": figures.title,
        "period": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "scope": scope.key,
        "scope_label": scope.label,
        "figures": [
            {"section": s, "item": i, "breakdown": b, "value": v, "unit": u}
            for s, i, b, v, u in figure_rows(figures)
        ],
    }
