"""Schedules (開催日時): a resource's recurrence stored in its fields, read through the one
recurrence module (`sasaeai.core.recurrence`): validation messages for the form, the text shown
to users, the next dates, and the database filters for "meets on this day"."""

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q

from sasaeai.core import recurrence
from sasaeai.core.recurrence import (
    DAY_CODES,
    DAY_LABELS,
    ByDay,
    Rule,
    is_holiday,
    is_year_end,
    month_ordinals,
    parse_byday,
    parse_bymonthday,
)

__all__ = ["DAY_CODES", "DAY_LABELS", "ByDay", "parse_byday", "parse_bymonthday"]


def schedule_rule(schedule) -> Rule | None:
    """The schedule's fields as a rule (None when a part cannot be read: it meets on no day).
    Intervals count from the validity start, else from when the schedule was made."""
    created = getattr(schedule, "created_at", None)
    try:
        return Rule.from_parts(
            freq=schedule.freq,
            interval=schedule.interval,
            byday=schedule.byday,
            bymonthday=schedule.bymonthday,
            anchor=schedule.valid_from or (created.date() if created else None),
            starts=schedule.valid_from,
            ends=schedule.valid_to,
            closed_on_holidays=schedule.closed_on_holidays,
            closed_year_end=schedule.closed_year_end,
        )
    except ValueError:
        return None


def schedule_validate(schedule) -> None:
    """Field-level Japanese messages for a schedule that cannot be read or cannot happen."""
    errors: dict[str, str] = {}
    freq = schedule.freq
    byday: list[ByDay] = []
    try:
        byday = parse_byday(schedule.byday)
    except ValueError as exc:
        errors["byday"] = (
            f"曜日「{exc}」を読めません。MO,TU,WE,TH,FR,SA,SU（毎月なら 2TU や -1FR）で入力してください。"
        )
    monthdays: list[int] = []
    try:
        monthdays = parse_bymonthday(schedule.bymonthday)
    except ValueError as exc:
        errors["bymonthday"] = f"日付「{exc}」を読めません。1〜31の数字をカンマで区切ってください。"
    if "byday" not in errors:
        if freq == "WEEKLY":
            if not byday:
                errors["byday"] = "毎週の場合は曜日を選んでください。"
            elif any(item.ordinal is not None for item in byday):
                errors["byday"] = "「第2火曜」のような指定は繰り返しを「毎月」にしてください。"
        elif freq == "MONTHLY":
            if not byday and not monthdays and "bymonthday" not in errors:
                errors["byday"] = "毎月の場合は「第何何曜日」か日付を指定してください。"
        elif freq in ("DAILY", "IRREGULAR") and byday:
            errors["byday"] = "毎日・不定期の場合、曜日は指定しません。"
    if freq == "IRREGULAR" and not (schedule.note or "").strip():
        errors["note"] = (
            "不定期の場合は、開催の目安を補足に書いてください（例: 月1回程度、日程はお問い合わせください）。"
        )
    if schedule.closes_at and not schedule.opens_at:
        errors["opens_at"] = "終了時刻を入れる場合は開始時刻も入力してください。"
    if schedule.opens_at and schedule.closes_at and schedule.closes_at <= schedule.opens_at:
        errors["closes_at"] = "終了時刻が開始時刻より前（または同じ）になっています。"
    if schedule.valid_from and schedule.valid_to and schedule.valid_to < schedule.valid_from:
        errors["valid_to"] = "有効期間の終了が開始より前になっています。"
    if errors:
        raise ValidationError(errors)


def weekday_mask(schedule) -> int:
    """Bit mask of the weekdays a schedule can fall on (Monday = 1 … Sunday = 64)."""
    rule = schedule_rule(schedule)
    return recurrence.weekday_mask(rule) if rule is not None else 0


def _time(value: dt.time | None) -> str:
    return f"{value.hour}:{value.minute:02d}" if value else ""


def _time_range(schedule) -> str:
    if schedule.opens_at and schedule.closes_at:
        return f"{_time(schedule.opens_at)}〜{_time(schedule.closes_at)}"
    if schedule.opens_at:
        return f"{_time(schedule.opens_at)}〜"
    return ""


def schedule_pattern_text(schedule) -> str:
    """The recurrence alone: 毎週火曜, 第2・第4水曜, 隔週金曜, 毎月1日・15日, 毎日, 不定期."""
    rule = schedule_rule(schedule)
    return recurrence.rule_text(rule) if rule is not None else "日程不明"


def schedule_text(schedule, *, with_note: bool = False) -> str:
    """「毎週火曜 10:00〜12:00」「第2・第4水曜 13:30〜15:30（祝日休み、年末年始休み）」."""
    text = schedule_pattern_text(schedule)
    times = _time_range(schedule)
    if times:
        text += " " + times
    extras = []
    if schedule.freq != "IRREGULAR":
        if schedule.closed_on_holidays:
            extras.append("祝日休み")
        if schedule.closed_year_end:
            extras.append("年末年始休み")
    if (with_note or schedule.freq == "IRREGULAR") and schedule.note:
        extras.append(schedule.note)
    if extras:
        text += "（" + "、".join(extras) + "）"
    return text


def schedules_text(schedules) -> str:
    return "／".join(schedule_text(s) for s in schedules)


def schedule_meets_on(schedule, day: dt.date) -> bool:
    """Does the schedule meet on this date (validity, recurrence, holidays and the year-end
    closure considered)?
    Irregular schedules never claim a date."""
    rule = schedule_rule(schedule)
    return rule is not None and recurrence.meets_on(rule, day)


def schedule_next_dates(schedule, *, start: dt.date, count: int = 5) -> list[dt.date]:
    """The next `count` dates on or after `start` when the schedule meets (holidays and the
    year-end closure respected;
    looks at most two years ahead)."""
    rule = schedule_rule(schedule)
    return recurrence.next_dates(rule, start=start, count=count) if rule is not None else []


def service_next_dates(
    schedules, *, start: dt.date, count: int = 5
) -> list[tuple[dt.date, object]]:
    """The next dates over all of a service's schedules, as (date, schedule) in date order."""
    found = []
    for schedule in schedules:
        found.extend((d, schedule) for d in schedule_next_dates(schedule, start=start, count=count))
    found.sort(key=lambda pair: (pair[0], pair[1].opens_at or dt.time(0)))
    return found[:count]


# --- database filters -----------------------------------------------------------------------


def _csv_contains(field: str, item: str) -> Q:
    """The comma-separated text field holds this item (exact item, not a substring)."""
    return (
        Q(**{field: item})
        | Q(**{f"{field}__startswith": item + ","})
        | Q(**{f"{field}__endswith": "," + item})
        | Q(**{f"{field}__contains": "," + item + ","})
    )


def weekday_q(weekdays: list[int], prefix: str = "") -> Q:
    """Schedules that can meet on any of these weekdays (0 = Monday)."""
    q = Q()
    for weekday in weekdays:
        q |= Q(**{f"{prefix}weekday_mask__in": [m for m in range(128) if m & (1 << weekday)]})
    return q


def open_on_q(day: dt.date, prefix: str = "") -> Q:
    """Schedules that meet on `day`, written as a database filter. Exact for every interval-1
    schedule; schedules with an interval above 1 match here by weekday and are checked in
    Python afterwards (`schedule_meets_on`), being few."""
    p = prefix
    weekday = day.weekday()
    code = DAY_CODES[weekday]
    ordinal, is_last = month_ordinals(day)
    last_day = calendar.monthrange(day.year, day.month)[1]
    validity = (Q(**{f"{p}valid_from__isnull": True}) | Q(**{f"{p}valid_from__lte": day})) & (
        Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__gte": day})
    )
    if is_holiday(day):
        validity &= Q(**{f"{p}closed_on_holidays": False})
    if is_year_end(day):
        validity &= Q(**{f"{p}closed_year_end": False})
    weekly = Q(**{f"{p}freq": "WEEKLY"}) & _csv_contains(f"{p}byday", code)
    monthly_day = _csv_contains(f"{p}byday", code) | _csv_contains(f"{p}byday", f"{ordinal}{code}")
    if is_last:
        monthly_day |= _csv_contains(f"{p}byday", f"-1{code}")
    monthly_date = _csv_contains(f"{p}bymonthday", str(day.day))
    if day.day == last_day:
        monthly_date |= _csv_contains(f"{p}bymonthday", "-1")
    monthly = Q(**{f"{p}freq": "MONTHLY"}) & (monthly_day | monthly_date)
    daily = Q(**{f"{p}freq": "DAILY"})
    return validity & (weekly | monthly | daily)


# --- Japanese phrases -------------------------------------------------------------------------

_SCHEDULE_FIELDS = ("freq", "interval", "byday", "bymonthday", "opens_at", "closes_at", "note")


def schedule_parse_japanese(text: str) -> dict:
    """Reads a phrase such as 「第2・第4水曜 13:30〜15:30 祝日休み」 or 「毎週火曜10時〜12時」
    into schedule fields (the recurrence module's reader). Raises ValidationError when the phrase
    gives no recurrence a schedule can hold."""
    try:
        parts = recurrence.read_rule_text(text)
    except ValueError:
        parts = {}
    if not parts.get("freq") or parts.get("bymonth"):
        raise ValidationError(
            "日程を読み取れませんでした。例:「毎週火曜 10:00〜12:00」「第2・第4水曜 13:30〜15:30」"
        )
    fields = {key: parts[key] for key in _SCHEDULE_FIELDS if key in parts}
    fields["closed_on_holidays"] = parts.get("closed_on_holidays", False)
    fields["closed_year_end"] = parts.get("closed_year_end", False)
    return fields
