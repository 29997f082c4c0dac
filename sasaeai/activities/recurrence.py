"""Recurring calendar entries: RRULE parts ⇄ Japanese phrases (毎週火曜, 第2火曜, 偶数月20日),
validation, and the dates an entry falls on (python-dateutil's rrule does the expansion)."""

import datetime as dt
import re

from dateutil import rrule

from sasaeai.core.holidays import is_holiday
from sasaeai.core.text import nfkc

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_LABELS = dict(zip(DAY_CODES, "月火水木金土日", strict=True))
_JP_DAY = {label: code for code, label in DAY_LABELS.items()}
_BYDAY_ITEM = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
EVEN_MONTHS = "2,4,6,8,10,12"
ODD_MONTHS = "1,3,5,7,9,11"


def _split(value: str) -> list[str]:
    return [item for item in (value or "").upper().replace(" ", "").split(",") if item]


def parse_byday(value: str) -> list[tuple[int | None, str]]:
    """「2TU,-1FR」→ [(2, "TU"), (-1, "FR")]. Raises ValueError naming the unreadable item."""
    items = []
    for raw in _split(value):
        match = _BYDAY_ITEM.match(raw)
        if not match:
            raise ValueError(raw)
        ordinal = int(match.group(1)) if match.group(1) else None
        if ordinal is not None and not (1 <= ordinal <= 5 or ordinal == -1):
            raise ValueError(raw)
        items.append((ordinal, match.group(2)))
    return items


def _parse_numbers(value: str, low: int, high: int) -> list[int]:
    numbers = []
    for raw in _split(value):
        number = int(raw)  # ValueError for non-numbers
        if not low <= number <= high:
            raise ValueError(raw)
        numbers.append(number)
    return numbers


def recurrence_validate(entry) -> dict[str, str]:
    """Field-keyed Japanese messages for recurrence parts that cannot be read or combined."""
    errors: dict[str, str] = {}
    if not entry.freq:
        return errors
    try:
        byday = parse_byday(entry.byday)
    except ValueError as exc:
        errors["byday"] = (
            f"曜日「{exc}」を読めません。MO,TU,WE,TH,FR,SA,SU（毎月なら 2TU や -1FR）で入力してください。"
        )
        byday = []
    try:
        monthdays = _parse_numbers(entry.bymonthday, 1, 31)
    except ValueError as exc:
        errors["bymonthday"] = f"日付「{exc}」を読めません。1〜31の数字をカンマで区切ってください。"
        monthdays = []
    try:
        _parse_numbers(entry.bymonth, 1, 12)
    except ValueError as exc:
        errors["bymonth"] = f"月「{exc}」を読めません。1〜12の数字をカンマで区切ってください。"
    if entry.freq == "WEEKLY":
        if any(ordinal is not None for ordinal, _ in byday):
            errors["byday"] = "「第2火曜」のような指定は繰り返しを「毎月」にしてください。"
        if entry.bymonthday:
            errors["bymonthday"] = "毎週の繰り返しに日付は指定できません。"
    if entry.freq == "MONTHLY" and byday and monthdays:
        errors["bymonthday"] = (
            "毎月の繰り返しは「曜日」か「日付」のどちらか一方で指定してください。"
        )
    if entry.freq == "MONTHLY" and any(ordinal is None for ordinal, _ in byday):
        errors["byday"] = "毎月の場合は「第2火曜（2TU）」のように何週目かを付けてください。"
    return errors


def _rule(entry, *, until: dt.date | None = None) -> rrule.rrule | None:
    if not entry.freq:
        return None
    weekdays = []
    for ordinal, code in parse_byday(entry.byday):
        weekday = getattr(rrule, code)
        weekdays.append(weekday(ordinal) if ordinal else weekday)
    monthdays = _parse_numbers(entry.bymonthday, 1, 31)
    months = _parse_numbers(entry.bymonth, 1, 12)
    ends = [d for d in (entry.until, until) if d is not None]
    return rrule.rrule(
        rrule.WEEKLY if entry.freq == "WEEKLY" else rrule.MONTHLY,
        dtstart=dt.datetime.combine(entry.date, dt.time()),
        interval=entry.interval or 1,
        byweekday=weekdays or None,
        bymonthday=monthdays or None,
        bymonth=months or None,
        until=dt.datetime.combine(min(ends), dt.time()) if ends else None,
    )


def occurrences(
    entry, start: dt.date, end: dt.date, *, skipped: set[dt.date] | frozenset = frozenset()
) -> list[dt.date]:
    """The dates between start and end (inclusive) the entry falls on: its own date when it
    does not repeat; holidays left out when the entry rests on holidays; `skipped` (the
    entry's exceptions) left out."""
    if not entry.freq:
        days = [entry.date] if start <= entry.date <= end else []
    else:
        rule = _rule(entry, until=end)
        days = [
            moment.date()
            for moment in rule.between(
                dt.datetime.combine(start, dt.time()),
                dt.datetime.combine(end, dt.time()),
                inc=True,
            )
        ]
    return [
        day for day in days if day not in skipped and not (entry.skip_holidays and is_holiday(day))
    ]


def first_occurrence(entry) -> dt.date | None:
    """The first date on or after the entry's date that the rule produces (iCalendar wants
    DTSTART to be the first instance)."""
    if not entry.freq:
        return entry.date
    rule = _rule(entry)
    moment = rule.after(dt.datetime.combine(entry.date, dt.time()), inc=True)
    return moment.date() if moment else None


def ical_rrule(entry) -> dict | None:
    """The RRULE as the icalendar library's vRecur mapping."""
    if not entry.freq:
        return None
    parts: dict = {"FREQ": entry.freq}
    if entry.interval and entry.interval > 1:
        parts["INTERVAL"] = entry.interval
    if entry.byday:
        parts["BYDAY"] = [
            f"{ordinal}{code}" if ordinal else code for ordinal, code in parse_byday(entry.byday)
        ]
    if entry.bymonthday:
        parts["BYMONTHDAY"] = _parse_numbers(entry.bymonthday, 1, 31)
    if entry.bymonth:
        parts["BYMONTH"] = _parse_numbers(entry.bymonth, 1, 12)
    if entry.until:
        parts["UNTIL"] = entry.until
    return parts


# --- Japanese ---------------------------------------------------------------------------------


def _ordinal_label(ordinal: int) -> str:
    return "最終" if ordinal == -1 else f"第{ordinal}"


def recurrence_text(entry) -> str:
    """毎週火曜, 隔週金曜, 第2火曜, 第2・第4水曜, 最終金曜, 毎月20日, 偶数月20日, 隔月第1月曜."""
    if not entry.freq:
        return "繰り返さない"
    try:
        byday = parse_byday(entry.byday)
        monthdays = _parse_numbers(entry.bymonthday, 1, 31)
        months = _parse_numbers(entry.bymonth, 1, 12)
    except ValueError:
        return "（繰り返しの指定を読めません）"
    if entry.freq == "WEEKLY":
        head = (
            "毎週"
            if entry.interval in (None, 1)
            else ("隔週" if entry.interval == 2 else f"{entry.interval}週ごと")
        )
        days = (
            "・".join(DAY_LABELS[code] for _, code in byday)
            or DAY_LABELS[DAY_CODES[entry.date.weekday()]]
        )
        text = f"{head}{days}曜"
    else:
        if months == [2, 4, 6, 8, 10, 12]:
            head = "偶数月"
        elif months == [1, 3, 5, 7, 9, 11]:
            head = "奇数月"
        elif months:
            head = "・".join(f"{m}月" for m in months) + "の"
        else:
            head = (
                "毎月"
                if entry.interval in (None, 1)
                else ("隔月" if entry.interval == 2 else f"{entry.interval}か月ごと")
            )
        if byday:
            ordinals = sorted({ordinal for ordinal, _ in byday}, key=lambda o: (o == -1, o))
            codes = {code for _, code in byday}
            if len(codes) == 1:
                body = (
                    "・".join(_ordinal_label(o) for o in ordinals) + DAY_LABELS[codes.pop()] + "曜"
                )
            else:
                body = "・".join(f"{_ordinal_label(o)}{DAY_LABELS[c]}曜" for o, c in byday)
        else:
            days = monthdays or [entry.date.day]
            body = "・".join(f"{d}日" for d in days)
        if head == "毎月" and byday:
            head = ""
        text = f"{head}{body}"
    if entry.until:
        text += f"（{entry.until.year}年{entry.until.month}月{entry.until.day}日まで）"
    if entry.skip_holidays:
        text += "・祝日休み"
    return text


_ORDINAL_DAY = re.compile(r"第([1-5](?:[・,、と]第?[1-5])*)\s*([月火水木金土日])")
_LAST_DAY = re.compile(r"最終([月火水木金土日])")
_WEEK_DAYS = re.compile(r"([月火水木金土日](?:[・,、と]?[月火水木金土日])*)曜")
_MONTH_DAYS = re.compile(r"((?:\d{1,2}日[・,、と]?)+)")
_MONTH_LIST = re.compile(r"((?:\d{1,2}月[・,、と]?)+)")


def recurrence_parse_japanese(text: str) -> dict:
    """Reads 「毎週火曜」「隔週金曜」「第2火曜」「第2・第4水曜」「最終金曜」「毎月20日」「偶数月20日」
    「隔月第1月曜」 into freq, interval, byday, bymonthday and bymonth. Raises ValueError with a
    Japanese message when the phrase gives no recurrence."""
    raw = nfkc(text or "").strip()
    fields = {"freq": "", "interval": 1, "byday": "", "bymonthday": "", "bymonth": ""}
    if not raw or raw in ("なし", "繰り返さない", "1回のみ", "一回のみ"):
        return fields
    months = ""
    if "偶数月" in raw:
        months = EVEN_MONTHS
    elif "奇数月" in raw:
        months = ODD_MONTHS
    else:
        listed = _MONTH_LIST.search(raw)
        if listed:
            months = ",".join(re.findall(r"\d{1,2}", listed.group(1)))
            raw = raw.replace(listed.group(1), "")
    monthly_interval = 2 if "隔月" in raw else 1
    ordinal = _ORDINAL_DAY.search(raw)
    last = _LAST_DAY.search(raw)
    if ordinal or last:
        items = []
        if ordinal:
            items += [
                f"{n}{_JP_DAY[ordinal.group(2)]}" for n in re.findall(r"[1-5]", ordinal.group(1))
            ]
        if last:
            items.append(f"-1{_JP_DAY[last.group(1)]}")
        fields.update(
            freq="MONTHLY", byday=",".join(items), bymonth=months, interval=monthly_interval
        )
        return fields
    month_days = _MONTH_DAYS.search(raw)
    if month_days:
        numbers = re.findall(r"\d{1,2}", month_days.group(1))
        fields.update(
            freq="MONTHLY", bymonthday=",".join(numbers), bymonth=months, interval=monthly_interval
        )
        return fields
    days = _WEEK_DAYS.search(raw)
    if days and not months:
        codes = [_JP_DAY[ch] for ch in days.group(1) if ch in _JP_DAY]
        fields.update(freq="WEEKLY", byday=",".join(codes), interval=2 if "隔週" in raw else 1)
        return fields
    raise ValueError(
        f"繰り返し「{text}」を読み取れませんでした。例:「毎週火曜」「第2火曜」「偶数月20日」"
    )
