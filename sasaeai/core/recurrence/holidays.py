"""Japanese public holidays (jpholiday), and the year-end closure (年末年始), for calendars and
schedules that close on them. Safe on every date: jpholiday looks at the day after a date (for
振替休日) and overflows on 9999-12-31, which is never a holiday (12月31日 is none, and no holiday
follows it to make it a 振替休日 or 国民の休日)."""

import datetime as dt

import jpholiday

# 年末年始: the closure most public halls and offices keep, 12月29日 to 1月3日.
YEAR_END_FROM = (12, 29)
YEAR_END_TO = (1, 3)


def holiday_name(day: dt.date) -> str | None:
    """The holiday's Japanese name, or None on an ordinary day."""
    if day == dt.date.max:
        return None
    return jpholiday.is_holiday_name(day)


def is_holiday(day: dt.date) -> bool:
    return holiday_name(day) is not None


def holidays_between(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Every holiday from start to end (both included), by date."""
    if end == dt.date.max:
        if start > end:
            return {}
        end = end - dt.timedelta(days=1)
        if start > end:
            return {}
    return {day: name for day, name in jpholiday.between(start, end)}


def is_year_end(day: dt.date) -> bool:
    """12月29日 to 1月3日."""
    return (day.month, day.day) >= YEAR_END_FROM or (day.month, day.day) <= YEAR_END_TO
