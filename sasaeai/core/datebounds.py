"""The dates Sasaeai accepts from people and programs: 1900-01-01 to 2200-12-31.

Every date read from a form, a query string or the API is held to this range, so that a
typo or a probe (9999-12-31, 0001-01-01) is refused with a clear Japanese message instead of
overflowing in a computation a step later (the next meeting after 9999-12-31, the holidays of
year 1). Forms get the bound on every DateField (`bound_form_dates`, called once at start-up),
the API through `sasaeai.api.types.Date`, and views that read a date by hand use
`parse_bounded_date`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2200, 12, 31)
OUT_OF_RANGE = "日付は1900年1月1日から2200年12月31日までの間で指定してください。"


def validate_date_in_range(value: dt.date | dt.datetime | None) -> None:
    """A validator for form fields: raises Django's ValidationError in Japanese."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


def parse_bounded_date(value: str | None) -> dt.date | None:
    """An ISO date from a query string, or None when it is missing, malformed or out of range
    (the view then uses its default, as for any unreadable date)."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


def bound_form_dates() -> None:
    """Puts the range on every date and date-time field of every form, those written by hand
    and those a ModelForm or the admin site makes (Django's `default_validators`)."""
    from django import forms

    for field_class in (forms.DateField, forms.DateTimeField):
        if validate_date_in_range not in field_class.default_validators:
            field_class.default_validators = [
                *field_class.default_validators,
                validate_date_in_range,
            ]
