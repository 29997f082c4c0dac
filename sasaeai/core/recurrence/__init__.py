"""Recurrence, in one place: the rule (weekly days, nth weekdays, every other week, month days,
months, holiday and year-end closures), "meets on" and the next dates (`rule`), Japanese
holidays (`holidays`), the Japanese text form (`text`) and the one reader of Japanese schedule
phrases (`reading`). Resources' schedules and calendar entries keep the parts in their own
fields and build a `Rule` from them; nothing else reads or expands a recurrence."""

from .holidays import holiday_name, holidays_between, is_holiday, is_year_end
from .reading import (
    ScheduleReading,
    read_day_list,
    read_rule_text,
    read_schedule_text,
    schedule_key,
    schedule_to_text,
    weekly_text,
)
from .rule import (
    DAY_CODES,
    DAY_LABELS,
    ByDay,
    Rule,
    dates_between,
    first_date,
    ical_parts,
    meets_on,
    month_ordinals,
    next_dates,
    parse_byday,
    parse_bymonth,
    parse_bymonthday,
    weekday_mask,
)
from .text import closures_text, rule_text

__all__ = [
    "DAY_CODES",
    "DAY_LABELS",
    "ByDay",
    "Rule",
    "ScheduleReading",
    "closures_text",
    "dates_between",
    "first_date",
    "holiday_name",
    "holidays_between",
    "ical_parts",
    "is_holiday",
    "is_year_end",
    "meets_on",
    "month_ordinals",
    "next_dates",
    "parse_byday",
    "parse_bymonth",
    "parse_bymonthday",
    "read_day_list",
    "read_rule_text",
    "read_schedule_text",
    "rule_text",
    "schedule_key",
    "schedule_to_text",
    "weekday_mask",
    "weekly_text",
]
