"""The Japanese text form of a rule: 毎週火曜, 隔週金曜, 第2・第4水曜, 最終金曜, 第1月曜・第3木曜,
毎月1日・15日, 月末, 偶数月20日, 隔月第1月曜, 毎日, 不定期; and its closures (祝日休み, 年末年始休み).
`reading.read_rule_text` reads every form written here back to the same rule."""

from __future__ import annotations

from .rule import (
    DAILY,
    DAY_CODES,
    DAY_LABELS,
    EVEN_MONTHS,
    IRREGULAR,
    ODD_MONTHS,
    ONCE,
    WEEKLY,
    ByDay,
    Rule,
)


def _ordinal_label(ordinal: int) -> str:
    return "最終" if ordinal == -1 else f"第{ordinal}"


def _days_label(byday: tuple[ByDay, ...] | list[ByDay], *, monthly: bool) -> str:
    """[2TU, 4TU] → 第2・第4火曜; [MO, TH] → 月・木曜; [1MO, 3TH] → 第1月曜・第3木曜."""
    if all(item.ordinal is None for item in byday):
        text = "・".join(DAY_LABELS[item.day] for item in byday) + "曜"
        return "毎週" + text if monthly else text
    days = {item.day for item in byday}
    if len(days) == 1 and all(item.ordinal is not None for item in byday):
        ordinals = sorted((item.ordinal for item in byday), key=lambda o: (o == -1, o))
        return "・".join(_ordinal_label(o) for o in ordinals) + DAY_LABELS[byday[0].day] + "曜"
    parts = []
    for item in byday:
        prefix = "毎週" if item.ordinal is None else _ordinal_label(item.ordinal)
        parts.append(f"{prefix}{DAY_LABELS[item.day]}曜")
    return "・".join(parts)


def _months_label(months: tuple[int, ...]) -> str:
    if tuple(sorted(months)) == EVEN_MONTHS:
        return "偶数月"
    if tuple(sorted(months)) == ODD_MONTHS:
        return "奇数月"
    return "・".join(f"{m}月" for m in months) + "の"


def _month_day(day: int) -> str:
    return "月末" if day == -1 else f"{day}日"


def rule_text(rule: Rule) -> str:
    """The recurrence alone, in natural Japanese (closures and bounds not included)."""
    interval = rule.interval
    if rule.freq == ONCE:
        return "繰り返さない"
    if rule.freq == IRREGULAR:
        return "不定期"
    if rule.freq == DAILY:
        return "毎日" if interval == 1 else f"{interval}日ごと"
    if rule.freq == WEEKLY:
        head = {1: "毎週", 2: "隔週"}.get(interval, f"{interval}週ごと")
        byday = rule.byday or (ByDay(None, DAY_CODES[rule.anchor.weekday()]),)
        text = head + _days_label(byday, monthly=False)
        return (_months_label(rule.bymonth) + text) if rule.bymonth else text
    # MONTHLY
    if rule.bymonth:
        head = _months_label(rule.bymonth)
    else:
        head = {1: "", 2: "隔月"}.get(interval, f"{interval}か月ごと")
    if rule.byday:
        return head + _days_label(rule.byday, monthly=True)
    days = rule.bymonthday or (rule.anchor.day,)
    return (head or "毎月") + "・".join(_month_day(d) for d in days)


def closures_text(rule: Rule) -> list[str]:
    """「祝日休み」「年末年始休み」 as they apply."""
    if rule.freq in (ONCE, IRREGULAR):
        return []
    found = []
    if rule.closed_on_holidays:
        found.append("祝日休み")
    if rule.closed_year_end:
        found.append("年末年始休み")
    return found
