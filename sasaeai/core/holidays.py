"""Japanese public holidays (jpholiday), for calendars and schedules that close on holidays."""

import datetime as dt

import jpholiday


def holiday_name(day: dt.date) -> str | None:
    """The holiday's Japanese name, or None on an ordinary day."""
    return jpholiday.is_holiday_name(day)


def is_holiday(day: dt.date) -> bool:
    return jpholiday.is_holiday(day)


def holidays_between(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    return {day: name for day, name in jpholiday.between(start, end)}
