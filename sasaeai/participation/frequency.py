"""How often a place meets, in the MHLW survey's bins (週1回以上 / 月2回以上4回未満 /
月1回以上2回未満 / 月1回未満), decided by the one recurrence module: the schedule's rule is
expanded over a reference year of 52 weeks, without holiday and year-end closures and without
its validity dates (a weekly Monday group closed on holidays is still a weekly group), and the
dates are counted. Irregular schedules have no bin (不定期: 頻度不明).

A place with several schedules meets as often as all of them together (a group meeting on the
1st and 3rd Tuesday and on the 2nd and 4th Friday meets about weekly)."""

import dataclasses
import datetime as dt
from functools import lru_cache

from sasaeai.core import recurrence

WEEKLY = "weekly"
TWICE_MONTHLY = "twice_monthly"
MONTHLY = "monthly"
LESS_THAN_MONTHLY = "less_than_monthly"
UNKNOWN = "unknown"

BINS = [
    (WEEKLY, "週1回以上"),
    (TWICE_MONTHLY, "月2回以上4回未満"),
    (MONTHLY, "月1回以上2回未満"),
    (LESS_THAN_MONTHLY, "月1回未満"),
]
BIN_LABELS = dict(BINS) | {UNKNOWN: "頻度不明（不定期）"}

# A year of 52 whole weeks from a Monday: a weekly rule meets 52 times in it, 第1・第3 24 times.
REFERENCE_START = dt.date(2024, 1, 1)
REFERENCE_END = REFERENCE_START + dt.timedelta(weeks=52, days=-1)


def _yearly_dates(rule: recurrence.Rule) -> frozenset[dt.date]:
    bare = dataclasses.replace(
        rule,
        anchor=REFERENCE_START if rule.interval > 1 else rule.anchor,
        starts=None,
        ends=None,
        closed_on_holidays=False,
        closed_year_end=False,
    )
    return frozenset(recurrence.dates_between(bare, REFERENCE_START, REFERENCE_END))


@lru_cache(maxsize=4096)
def _dates_for_parts(
    freq: str, interval: int, byday: str, bymonthday: str
) -> frozenset[dt.date] | None:
    """The reference year's dates of a rule's parts (None when the parts cannot be read: the
    schedule meets on no day, as `resources.schedules.schedule_rule` says). Only the parts
    decide it, so places sharing a rule (most do: 「毎週火曜」) share one expansion."""
    try:
        rule = recurrence.Rule.from_parts(
            freq=freq, interval=interval, byday=byday, bymonthday=bymonthday
        )
    except ValueError:
        return None
    return _yearly_dates(rule)


def _parts(schedule) -> tuple[str, int, str, str]:
    return (schedule.freq, schedule.interval or 1, schedule.byday, schedule.bymonthday)


def yearly_meetings(schedules) -> int | None:
    """The days a year the schedules meet together (None when none can be counted: irregular
    or unreadable only)."""
    return _yearly_meetings_of_parts(frozenset(_parts(s) for s in schedules))


@lru_cache(maxsize=4096)
def _yearly_meetings_of_parts(parts: frozenset[tuple[str, int, str, str]]) -> int | None:
    days: set[dt.date] = set()
    counted = False
    for freq, interval, byday, bymonthday in parts:
        if freq == "IRREGULAR":
            continue
        dates = _dates_for_parts(freq, interval, byday, bymonthday)
        if dates is None:
            continue
        counted = True
        days |= dates
    return len(days) if counted else None


def frequency_bin(schedules) -> str:
    """The survey bin of a place from its schedules (see the module's note)."""
    count = yearly_meetings(schedules)
    if count is None:
        return UNKNOWN
    if count >= 52:
        return WEEKLY
    per_month = count / 12
    if per_month >= 2:
        return TWICE_MONTHLY
    if per_month >= 1:
        return MONTHLY
    return LESS_THAN_MONTHLY


def schedule_in_effect(schedule, day: dt.date) -> bool:
    return (schedule.valid_from is None or schedule.valid_from <= day) and (
        schedule.valid_to is None or schedule.valid_to >= day
    )
