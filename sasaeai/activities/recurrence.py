"""Recurring calendar entries: the entry's RRULE fields as a rule of the one recurrence module
(`sasaeai.core.recurrence`), with the field-keyed messages the entry form shows."""

import datetime as dt

from sasaeai.core import recurrence
from sasaeai.core.eras import era_date
from sasaeai.core.recurrence import Rule, parse_byday, parse_bymonth, parse_bymonthday


def entry_rule(entry, *, skip_holidays: bool | None = None) -> Rule:
    """The entry as a rule: its first day is the anchor and the start, `until` the end.
    Raises ValueError naming an unreadable part."""
    return Rule.from_parts(
        freq=entry.freq or "",
        interval=entry.interval,
        byday=entry.byday,
        bymonthday=entry.bymonthday,
        bymonth=entry.bymonth,
        anchor=entry.date,
        starts=entry.date,
        ends=entry.until,
        closed_on_holidays=entry.skip_holidays if skip_holidays is None else skip_holidays,
    )


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
        monthdays = parse_bymonthday(entry.bymonthday)
        if -1 in monthdays:
            raise ValueError("-1")
    except ValueError as exc:
        errors["bymonthday"] = f"日付「{exc}」を読めません。1〜31の数字をカンマで区切ってください。"
        monthdays = []
    try:
        parse_bymonth(entry.bymonth)
    except ValueError as exc:
        errors["bymonth"] = f"月「{exc}」を読めません。1〜12の数字をカンマで区切ってください。"
    if entry.freq == "WEEKLY":
        if any(item.ordinal is not None for item in byday):
            errors["byday"] = "「第2火曜」のような指定は繰り返しを「毎月」にしてください。"
        if entry.bymonthday:
            errors["bymonthday"] = "毎週の繰り返しに日付は指定できません。"
    if entry.freq == "MONTHLY" and byday and monthdays:
        errors["bymonthday"] = (
            "毎月の繰り返しは「曜日」か「日付」のどちらか一方で指定してください。"
        )
    if entry.freq == "MONTHLY" and any(item.ordinal is None for item in byday):
        errors["byday"] = "毎月の場合は「第2火曜（2TU）」のように何週目かを付けてください。"
    return errors


def occurrences(
    entry, start: dt.date, end: dt.date, *, skipped: set[dt.date] | frozenset = frozenset()
) -> list[dt.date]:
    """The dates between start and end (inclusive) the entry falls on: its own date when it
    does not repeat; holidays left out when the entry rests on holidays; `skipped` (the
    entry's exceptions) left out."""
    if not entry.freq:
        return [entry.date] if start <= entry.date <= end and entry.date not in skipped else []
    return recurrence.dates_between(entry_rule(entry), start, end, skipped=skipped)


def first_occurrence(entry) -> dt.date | None:
    """The first date on or after the entry's date that the rule produces (iCalendar wants
    DTSTART to be the first instance)."""
    return recurrence.first_date(entry_rule(entry))


def ical_rrule(entry) -> dict | None:
    """The RRULE as the icalendar library's vRecur mapping."""
    return recurrence.ical_parts(entry_rule(entry))


def recurrence_text(entry) -> str:
    """毎週火曜, 隔週金曜, 第2火曜, 第2・第4水曜, 最終金曜, 毎月20日, 偶数月20日, 隔月第1月曜."""
    if not entry.freq:
        return "繰り返さない"
    try:
        rule = entry_rule(entry)
    except ValueError:
        return "（繰り返しの指定を読めません）"
    text = recurrence.rule_text(rule)
    if entry.until:
        text += f"（{era_date(entry.until, weekday=False)}まで）"
    if entry.skip_holidays:
        text += "・祝日休み"
    return text


def recurrence_parse_japanese(text: str) -> dict:
    """Reads 「毎週火曜」「隔週金曜」「第2火曜」「第2・第4水曜」「最終金曜」「毎月20日」「偶数月20日」
    「隔月第1月曜」 (the recurrence module's reader) into freq, interval, byday, bymonthday and
    bymonth. Raises ValueError with a Japanese message when the phrase gives no recurrence."""
    parts = recurrence.read_rule_text(text)
    if parts["freq"] not in ("", "WEEKLY", "MONTHLY"):
        raise ValueError(
            f"繰り返し「{text}」を読み取れませんでした。予定の繰り返しは毎週か毎月です。"
            "例:「毎週火曜」「第2火曜」「偶数月20日」"
        )
    fields = {key: parts[key] for key in ("freq", "interval", "byday", "bymonthday", "bymonth")}
    if parts.get("closed_on_holidays"):
        fields["skip_holidays"] = True
    return fields
