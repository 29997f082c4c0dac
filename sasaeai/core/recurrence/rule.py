"""The recurrence rule: iCalendar-like parts (freq, interval, byday, bymonthday, bymonth) with
holiday and year-end closures, and the one answer to "does it meet on this day?" and "when does
it meet next?".

Both resources' schedules and calendar entries store these parts as text fields; `Rule.from_parts`
reads them (raising ValueError naming an unreadable item) and `Rule.parts` writes them back.
The dates follow RFC 5545 as python-dateutil expands it (a week starts on Monday, an interval
counts weeks or months from the anchor's), computed by arithmetic on each day so that every date
from 0001-01-01 to 9999-12-31 is safe.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .holidays import is_holiday, is_year_end

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_LABELS = dict(zip(DAY_CODES, "月火水木金土日", strict=True))
DAY_BY_LABEL = {label: code for code, label in DAY_LABELS.items()}
EVEN_MONTHS = (2, 4, 6, 8, 10, 12)
ODD_MONTHS = (1, 3, 5, 7, 9, 11)

ONCE = ""  # a calendar entry that does not repeat: only its anchor date
DAILY, WEEKLY, MONTHLY, IRREGULAR = "DAILY", "WEEKLY", "MONTHLY", "IRREGULAR"
FREQS = (ONCE, DAILY, WEEKLY, MONTHLY, IRREGULAR)

# Looking ahead for the next dates: two years, as the pages always did.
NEXT_DATES_HORIZON_DAYS = 731
# Looking for a rule's first date: long enough for "every 12 months in June" to come round.
FIRST_DATE_HORIZON_DAYS = 366 * 13

_BYDAY_ITEM = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
_DEFAULT_ANCHOR = dt.date(2000, 1, 3)  # a Monday


@dataclass(frozen=True, order=True)
class ByDay:
    ordinal: int | None  # 1..5, or -1 for the last; None for every such weekday
    day: str  # MO … SU

    @property
    def weekday(self) -> int:
        return DAY_CODES.index(self.day)

    @property
    def code(self) -> str:
        return f"{self.ordinal}{self.day}" if self.ordinal is not None else self.day


def _items(value: str) -> list[str]:
    return [item for item in (value or "").upper().replace(" ", "").split(",") if item]


def parse_byday(value: str) -> list[ByDay]:
    """「2TU,-1FR」→ [ByDay(2, TU), ByDay(-1, FR)]. Raises ValueError naming the unreadable item."""
    found = []
    for raw in _items(value):
        match = _BYDAY_ITEM.match(raw)
        if not match:
            raise ValueError(raw)
        ordinal = int(match.group(1)) if match.group(1) else None
        if ordinal is not None and not (1 <= ordinal <= 5 or ordinal == -1):
            raise ValueError(raw)
        found.append(ByDay(ordinal, match.group(2)))
    return found


def parse_bymonthday(value: str) -> list[int]:
    """「1,15,-1」→ [1, 15, -1] (-1 is the month's last day). Raises ValueError naming the item."""
    return _numbers(value, 1, 31, last=True)


def parse_bymonth(value: str) -> list[int]:
    return _numbers(value, 1, 12)


def _numbers(value: str, low: int, high: int, *, last: bool = False) -> list[int]:
    numbers = []
    for raw in _items(value):
        try:
            number = int(raw)
        except ValueError:
            raise ValueError(raw) from None
        if not (low <= number <= high or (last and number == -1)):
            raise ValueError(raw)
        numbers.append(number)
    return numbers


@dataclass(frozen=True)
class Rule:
    """When something recurs. `anchor` is the day intervals count from (a calendar entry's
    first day, a schedule's validity start); `starts` and `ends` bound the dates it meets."""

    freq: str = WEEKLY
    interval: int = 1
    byday: tuple[ByDay, ...] = ()
    bymonthday: tuple[int, ...] = ()
    bymonth: tuple[int, ...] = ()
    anchor: dt.date = _DEFAULT_ANCHOR
    starts: dt.date | None = None
    ends: dt.date | None = None
    closed_on_holidays: bool = False
    closed_year_end: bool = False

    @classmethod
    def from_parts(
        cls,
        *,
        freq: str,
        interval: int | None = 1,
        byday: str = "",
        bymonthday: str = "",
        bymonth: str = "",
        anchor: dt.date | None = None,
        starts: dt.date | None = None,
        ends: dt.date | None = None,
        closed_on_holidays: bool = False,
        closed_year_end: bool = False,
    ) -> Rule:
        """The rule from stored text parts. Raises ValueError naming an unreadable item."""
        if freq not in FREQS:
            raise ValueError(freq)
        return cls(
            freq=freq,
            interval=max(1, interval or 1),
            byday=tuple(parse_byday(byday)),
            bymonthday=tuple(parse_bymonthday(bymonthday)),
            bymonth=tuple(parse_bymonth(bymonth)),
            anchor=anchor or starts or _DEFAULT_ANCHOR,
            starts=starts,
            ends=ends,
            closed_on_holidays=closed_on_holidays,
            closed_year_end=closed_year_end,
        )

    def parts(self) -> dict:
        """The stored text parts (freq, interval, byday, bymonthday, bymonth)."""
        return {
            "freq": self.freq,
            "interval": self.interval,
            "byday": ",".join(item.code for item in self.byday),
            "bymonthday": ",".join(str(day) for day in self.bymonthday),
            "bymonth": ",".join(str(month) for month in self.bymonth),
        }

    @property
    def repeats(self) -> bool:
        return self.freq not in (ONCE, IRREGULAR)

    def weekdays(self) -> frozenset[int]:
        """The weekdays (0 = Monday) it can fall on."""
        if self.freq == IRREGULAR:
            return frozenset()
        if self.freq == ONCE:
            return frozenset({self.anchor.weekday()})
        if self.freq == DAILY or (self.freq == MONTHLY and self.bymonthday):
            return frozenset(range(7))
        if self.byday:
            return frozenset(item.weekday for item in self.byday)
        if self.freq == MONTHLY:
            return frozenset(range(7))  # the anchor's day of the month, any weekday
        return frozenset({self.anchor.weekday()})


def weekday_mask(rule: Rule) -> int:
    """Bit mask of the weekdays a rule can fall on (Monday = 1 … Sunday = 64)."""
    mask = 0
    for weekday in rule.weekdays():
        mask |= 1 << weekday
    return mask


def month_ordinals(day: dt.date) -> tuple[int, bool]:
    """(n, is_last): the date is the n-th such weekday of its month, and maybe the last."""
    last_day = calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1, day.day + 7 > last_day


def _pattern_meets(rule: Rule, day: dt.date) -> bool:
    if rule.freq == ONCE:
        return day == rule.anchor
    if rule.freq == IRREGULAR:
        return False
    if rule.bymonth and day.month not in rule.bymonth:
        return False
    anchor = rule.anchor
    if rule.freq == DAILY:
        return (day.toordinal() - anchor.toordinal()) % rule.interval == 0
    if rule.freq == WEEKLY:
        days = {item.weekday for item in rule.byday} or {anchor.weekday()}
        if day.weekday() not in days:
            return False
        # Weeks counted from the Monday of the anchor's week (ordinals: safe at date.min).
        weeks = (day.toordinal() - (anchor.toordinal() - anchor.weekday())) // 7
        return weeks % rule.interval == 0
    if rule.freq == MONTHLY:
        months = (day.year - anchor.year) * 12 + day.month - anchor.month
        if months % rule.interval:
            return False
        if not rule.byday and not rule.bymonthday:
            return day.day == anchor.day
        ordinal, is_last = month_ordinals(day)
        for item in rule.byday:
            if item.weekday == day.weekday() and (
                item.ordinal is None or item.ordinal == ordinal or (item.ordinal == -1 and is_last)
            ):
                return True
        last_day = calendar.monthrange(day.year, day.month)[1]
        return any(d == day.day or (d == -1 and day.day == last_day) for d in rule.bymonthday)
    return False


def meets_on(rule: Rule, day: dt.date) -> bool:
    """Does the rule meet on this date (bounds, pattern, holidays and year end considered)?
    Irregular rules never claim a date."""
    if rule.starts and day < rule.starts:
        return False
    if rule.ends and day > rule.ends:
        return False
    if not _pattern_meets(rule, day):
        return False
    if rule.closed_year_end and is_year_end(day):
        return False
    return not (rule.closed_on_holidays and is_holiday(day))


def _days(start: dt.date, end: dt.date, weekdays: frozenset[int]) -> Iterator[dt.date]:
    for ordinal in range(start.toordinal(), end.toordinal() + 1):
        # date.fromordinal(n).weekday() == (n + 6) % 7
        if (ordinal + 6) % 7 in weekdays:
            yield dt.date.fromordinal(ordinal)


def dates_between(
    rule: Rule, start: dt.date, end: dt.date, *, skipped: Iterable[dt.date] = ()
) -> list[dt.date]:
    """The dates from start to end (both included) the rule meets on, `skipped` left out."""
    if rule.starts and rule.starts > start:
        start = rule.starts
    if rule.ends and rule.ends < end:
        end = rule.ends
    if start > end:
        return []
    skipped = set(skipped)
    if rule.freq == ONCE:
        candidates: Iterable[dt.date] = [rule.anchor] if start <= rule.anchor <= end else []
    else:
        candidates = _days(start, end, rule.weekdays())
    return [day for day in candidates if day not in skipped and meets_on(rule, day)]


def next_dates(
    rule: Rule, *, start: dt.date, count: int = 5, horizon_days: int = NEXT_DATES_HORIZON_DAYS
) -> list[dt.date]:
    """The next `count` dates on or after `start` it meets (looking `horizon_days` ahead, and
    never past 9999-12-31)."""
    if count <= 0 or rule.freq == IRREGULAR:
        return []
    end_ordinal = min(start.toordinal() + horizon_days, dt.date.max.toordinal())
    end = dt.date.fromordinal(end_ordinal)
    if rule.ends and rule.ends < end:
        end = rule.ends
    if rule.starts and rule.starts > start:
        start = rule.starts
    found: list[dt.date] = []
    if start > end:
        return found
    if rule.freq == ONCE:
        return [rule.anchor] if start <= rule.anchor <= end and meets_on(rule, rule.anchor) else []
    for day in _days(start, end, rule.weekdays()):
        if meets_on(rule, day):
            found.append(day)
            if len(found) == count:
                break
    return found


def first_date(rule: Rule) -> dt.date | None:
    """The first date on or after the anchor the pattern produces (iCalendar wants DTSTART to
    be the first instance). Closures do not move it: a holiday skipped is still the start."""
    if rule.freq == ONCE:
        return rule.anchor
    open_rule = Rule(
        freq=rule.freq,
        interval=rule.interval,
        byday=rule.byday,
        bymonthday=rule.bymonthday,
        bymonth=rule.bymonth,
        anchor=rule.anchor,
        starts=rule.anchor,
        ends=rule.ends,
    )
    dates = next_dates(open_rule, start=rule.anchor, count=1, horizon_days=FIRST_DATE_HORIZON_DAYS)
    return dates[0] if dates else None


def ical_parts(rule: Rule, *, until: dt.date | dt.datetime | None = None) -> dict | None:
    """The RRULE as the icalendar library's vRecur mapping."""
    if not rule.repeats:
        return None
    parts: dict = {"FREQ": rule.freq}
    if rule.interval > 1:
        parts["INTERVAL"] = rule.interval
    if rule.byday:
        parts["BYDAY"] = [item.code for item in rule.byday]
    if rule.bymonthday:
        parts["BYMONTHDAY"] = list(rule.bymonthday)
    if rule.bymonth:
        parts["BYMONTH"] = list(rule.bymonth)
    if until or rule.ends:
        parts["UNTIL"] = until or rule.ends
    return parts
