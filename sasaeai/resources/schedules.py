"""Schedules (開催日時): iCalendar-like recurrence as natural Japanese, validation, the next
dates a service meets, and the database filters for "meets on this day"."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from sasaeai.core.holidays import is_holiday
from sasaeai.core.text import nfkc

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_LABELS = {"MO": "月", "TU": "火", "WE": "水", "TH": "木", "FR": "金", "SA": "土", "SU": "日"}
_BYDAY_ITEM = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass(frozen=True)
class ByDay:
    ordinal: int | None  # 1..5, or -1 for the last; None for every such weekday
    day: str  # MO … SU

    @property
    def weekday(self) -> int:
        return DAY_CODES.index(self.day)


def parse_byday(value: str) -> list[ByDay]:
    """「2TU,4TU」→ [ByDay(2, TU), ByDay(4, TU)]. Raises ValueError on an unknown item."""
    items = []
    for raw in (value or "").upper().replace(" ", "").split(","):
        if not raw:
            continue
        match = _BYDAY_ITEM.match(raw)
        if not match:
            raise ValueError(raw)
        ordinal = int(match.group(1)) if match.group(1) else None
        if ordinal is not None and not (1 <= ordinal <= 5 or ordinal == -1):
            raise ValueError(raw)
        items.append(ByDay(ordinal, match.group(2)))
    return items


def parse_bymonthday(value: str) -> list[int]:
    days = []
    for raw in (value or "").replace(" ", "").split(","):
        if not raw:
            continue
        day = int(raw)
        if not (1 <= day <= 31 or day == -1):
            raise ValueError(raw)
        days.append(day)
    return days


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
    if schedule.freq == "DAILY":
        return 127
    if schedule.freq == "IRREGULAR":
        return 0
    try:
        byday = parse_byday(schedule.byday)
    except ValueError:
        return 0
    if schedule.freq == "MONTHLY" and not byday and schedule.bymonthday:
        return 127
    mask = 0
    for item in byday:
        mask |= 1 << item.weekday
    return mask


def _time(value: dt.time | None) -> str:
    return f"{value.hour}:{value.minute:02d}" if value else ""


def _time_range(schedule) -> str:
    if schedule.opens_at and schedule.closes_at:
        return f"{_time(schedule.opens_at)}〜{_time(schedule.closes_at)}"
    if schedule.opens_at:
        return f"{_time(schedule.opens_at)}〜"
    return ""


def _ordinal_label(ordinal: int) -> str:
    return "最終" if ordinal == -1 else f"第{ordinal}"


def _days_label(byday: list[ByDay]) -> str:
    """[2TU, 4TU] → 第2・第4火曜; [MO, TH] → 月・木曜; [1MO, 3TH] → 第1月曜・第3木曜."""
    if not byday:
        return ""
    if all(item.ordinal is None for item in byday):
        return "・".join(DAY_LABELS[item.day] for item in byday) + "曜"
    days = {item.day for item in byday}
    if len(days) == 1 and all(item.ordinal is not None for item in byday):
        ordinals = "・".join(_ordinal_label(item.ordinal) for item in byday)
        return f"{ordinals}{DAY_LABELS[byday[0].day]}曜"
    parts = []
    for item in byday:
        prefix = "毎週" if item.ordinal is None else _ordinal_label(item.ordinal)
        parts.append(f"{prefix}{DAY_LABELS[item.day]}曜")
    return "・".join(parts)


def schedule_pattern_text(schedule) -> str:
    """The recurrence alone: 毎週火曜, 第2・第4水曜, 隔週金曜, 毎月1日・15日, 毎日, 不定期."""
    interval = schedule.interval or 1
    try:
        byday = parse_byday(schedule.byday)
        monthdays = parse_bymonthday(schedule.bymonthday)
    except ValueError:
        return "日程不明"
    if schedule.freq == "DAILY":
        return "毎日" if interval == 1 else f"{interval}日ごと"
    if schedule.freq == "IRREGULAR":
        return "不定期"
    if schedule.freq == "WEEKLY":
        prefix = {1: "毎週", 2: "隔週"}.get(interval, f"{interval}週ごと")
        return prefix + _days_label(byday)
    # MONTHLY
    prefix = {1: "", 2: "隔月"}.get(interval, f"{interval}か月ごと")
    if byday:
        label = _days_label(byday)
        if all(item.ordinal is None for item in byday):
            label = "毎週" + label
        return (prefix + " " + label).strip() if prefix else label
    days = "・".join("月末" if d == -1 else f"{d}日" for d in monthdays)
    return (prefix or "毎月") + days


def schedule_text(schedule, *, with_note: bool = False) -> str:
    """「毎週火曜 10:00〜12:00」「第2・第4水曜 13:30〜15:30（祝日休み）」."""
    text = schedule_pattern_text(schedule)
    times = _time_range(schedule)
    if times:
        text += " " + times
    extras = []
    if schedule.closed_on_holidays and schedule.freq != "IRREGULAR":
        extras.append("祝日休み")
    if (with_note or schedule.freq == "IRREGULAR") and schedule.note:
        extras.append(schedule.note)
    if extras:
        text += "（" + "、".join(extras) + "）"
    return text


def schedules_text(schedules) -> str:
    return "／".join(schedule_text(s) for s in schedules)


def _anchor(schedule) -> dt.date:
    if schedule.valid_from:
        return schedule.valid_from
    created = getattr(schedule, "created_at", None)
    if created:
        return created.date()
    return dt.date(2000, 1, 3)  # a Monday


def _month_ordinals(day: dt.date) -> tuple[int, bool]:
    """(n, is_last): the date is the n-th such weekday of its month, and maybe the last."""
    last_day = calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1, day.day + 7 > last_day


def schedule_meets_on(schedule, day: dt.date) -> bool:
    """Does the schedule meet on this date (validity, recurrence and holidays considered)?
    Irregular schedules never claim a date."""
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_to and day > schedule.valid_to:
        return False
    if schedule.closed_on_holidays and is_holiday(day):
        return False
    interval = schedule.interval or 1
    try:
        byday = parse_byday(schedule.byday)
        monthdays = parse_bymonthday(schedule.bymonthday)
    except ValueError:
        return False
    anchor = _anchor(schedule)
    if schedule.freq == "DAILY":
        return (day - anchor).days % interval == 0
    if schedule.freq == "WEEKLY":
        if day.weekday() not in {item.weekday for item in byday}:
            return False
        if interval == 1:
            return True
        anchor_monday = anchor - dt.timedelta(days=anchor.weekday())
        weeks = (day - anchor_monday).days // 7
        return weeks % interval == 0
    if schedule.freq == "MONTHLY":
        months = (day.year - anchor.year) * 12 + day.month - anchor.month
        if interval > 1 and months % interval != 0:
            return False
        ordinal, is_last = _month_ordinals(day)
        for item in byday:
            if item.weekday != day.weekday():
                continue
            if item.ordinal is None or item.ordinal == ordinal or (item.ordinal == -1 and is_last):
                return True
        last_day = calendar.monthrange(day.year, day.month)[1]
        return any(d == day.day or (d == -1 and day.day == last_day) for d in monthdays)
    return False


def schedule_next_dates(schedule, *, start: dt.date, count: int = 5) -> list[dt.date]:
    """The next `count` dates on or after `start` when the schedule meets (holidays respected;
    looks at most two years ahead)."""
    dates: list[dt.date] = []
    if schedule.freq == "IRREGULAR" or count <= 0:
        return dates
    day = start
    end = start + dt.timedelta(days=731)
    while day <= end and len(dates) < count:
        if schedule_meets_on(schedule, day):
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


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
    ordinal, is_last = _month_ordinals(day)
    last_day = calendar.monthrange(day.year, day.month)[1]
    validity = (Q(**{f"{p}valid_from__isnull": True}) | Q(**{f"{p}valid_from__lte": day})) & (
        Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__gte": day})
    )
    if is_holiday(day):
        validity &= Q(**{f"{p}closed_on_holidays": False})
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

_JP_DAY = {"月": "MO", "火": "TU", "水": "WE", "木": "TH", "金": "FR", "土": "SA", "日": "SU"}
_TIME_RANGE = re.compile(
    r"(\d{1,2})[:時](\d{2})?分?\s*[〜~\-ー－から]+\s*(\d{1,2})[:時](\d{2})?分?"
)
_TIME_FROM = re.compile(r"(\d{1,2})[:時](\d{2})?分?\s*(?:〜|~|から)?")
_ORDINAL_DAY = re.compile(r"第([1-5１-５](?:[・,、と]第?[1-5１-５])*)\s*([月火水木金土日])")
_LAST_DAY = re.compile(r"最終([月火水木金土日])")
_WEEK_DAYS = re.compile(r"([月火水木金土日](?:[・,、と]?[月火水木金土日])*)曜")
_MONTH_DAYS = re.compile(r"毎月((?:\d{1,2}日[・,、と]?)+)")


def schedule_parse_japanese(text: str) -> dict:
    """Reads a phrase such as 「第2・第4水曜 13:30〜15:30 祝日休み」 or 「毎週火曜10時〜12時」
    into schedule fields. Raises ValidationError when the phrase gives no recurrence."""
    raw = nfkc(text)
    fields: dict = {"interval": 1, "closed_on_holidays": "祝" in raw and "休" in raw}
    if raw.startswith(("不定期", "随時")):
        note = re.sub(r"^不定期[\s、。:：]*", "", text.strip()) or text.strip()
        fields.update(freq="IRREGULAR", byday="", bymonthday="", note=note)
        fields["closed_on_holidays"] = False
        return fields
    match = _TIME_RANGE.search(raw)
    if match:
        fields["opens_at"] = dt.time(int(match.group(1)), int(match.group(2) or 0))
        fields["closes_at"] = dt.time(int(match.group(3)), int(match.group(4) or 0))
    else:
        match = _TIME_FROM.search(raw)
        if match:
            fields["opens_at"] = dt.time(int(match.group(1)), int(match.group(2) or 0))
    ordinal = _ORDINAL_DAY.search(raw)
    last = _LAST_DAY.search(raw)
    if ordinal or last:
        items = []
        if ordinal:
            numbers = re.findall(r"[1-5]", ordinal.group(1))
            items += [f"{n}{_JP_DAY[ordinal.group(2)]}" for n in numbers]
        if last:
            items.append(f"-1{_JP_DAY[last.group(1)]}")
        fields.update(freq="MONTHLY", byday=",".join(items), bymonthday="")
        if "隔月" in raw:
            fields["interval"] = 2
        return fields
    month_days = _MONTH_DAYS.search(raw)
    if month_days:
        numbers = re.findall(r"\d{1,2}", month_days.group(1))
        fields.update(freq="MONTHLY", byday="", bymonthday=",".join(numbers))
        return fields
    if "毎日" in raw:
        fields.update(freq="DAILY", byday="", bymonthday="")
        return fields
    days = _WEEK_DAYS.search(raw)
    if days:
        codes = [_JP_DAY[ch] for ch in days.group(1) if ch in _JP_DAY]
        fields.update(freq="WEEKLY", byday=",".join(codes), bymonthday="")
        if "隔週" in raw:
            fields["interval"] = 2
        return fields
    if "不定期" in raw or "随時" in raw:
        fields.update(freq="IRREGULAR", byday="", bymonthday="", note=text.strip())
        return fields
    raise ValidationError(
        "日程を読み取れませんでした。例:「毎週火曜 10:00〜12:00」「第2・第4水曜 13:30〜15:30」"
    )
