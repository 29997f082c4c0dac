"""Template filters for Japanese dates and numbers: {{ day|era_date }} → 令和7年4月28日（月）."""

import datetime as dt

from django import template
from django.utils import timezone

from sasaeai.core import eras, periods

register = template.Library()


@register.filter
def era_date(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return eras.era_date(value, full_width=True)


@register.filter
def era_date_plain(value: dt.date | dt.datetime | None) -> str:
    """Without the weekday: 令和7年4月28日."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return eras.era_date(value, weekday=False)


@register.filter
def era_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{eras.era_date(local, full_width=True)} {local:%H:%M}"


@register.filter
def fiscal_year_label(value: int | dt.date) -> str:
    if isinstance(value, dt.date):
        value = periods.fiscal_year_of(value)
    return periods.fiscal_year_label(int(value))


@register.filter
def weekday_ja(value: dt.date) -> str:
    return eras.weekday_ja(value)


@register.filter
def minutes_as_hours(value: int | None) -> str:
    """125 → 2時間5分."""
    if not value:
        return "0分"
    hours, minutes = divmod(int(value), 60)
    if hours and minutes:
        return f"{hours}時間{minutes}分"
    return f"{hours}時間" if hours else f"{minutes}分"
