"""Template filters of the report page: table cells in Japanese form, the pie as SVG."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe

from sasaeai.core.eras import era_date

from ..render import chart

register = template.Library()


@register.filter
def report_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return era_date(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"  # 5,160
    return str(value)


@register.filter
def pie_svg(block, ident: str = "pie") -> str:
    """The pie block as inline SVG (chart.svg escapes every text it writes)."""
    return mark_safe(chart.svg(block.title, block.slices, ident=ident))


@register.filter
def bars_svg(block, ident: str = "bars") -> str:
    """The monthly bars block as inline SVG (chart.bars_svg escapes every text it writes)."""
    return mark_safe(
        chart.bars_svg(block.title, block.categories, block.series, ident=f"{ident}-bars")
    )
