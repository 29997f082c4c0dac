"""Fiscal years (年度, April to March), half years (上半期/下半期) and other report periods."""

import calendar
import datetime as dt
from dataclasses import dataclass

from .eras import era_date, era_year


@dataclass(frozen=True)
class Period:
    """A closed date range with the Japanese label officials use for it."""

    start: dt.date
    end: dt.date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("期間の終了日が開始日より前です。")

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same kind just before this one (a half year before a half year)."""
        if self.label.endswith("上半期") or self.label.endswith("下半期"):
            fy = fiscal_year_of(self.start)
            if self.label.endswith("上半期"):
                return half_year(fy - 1, "second")
            return half_year(fy, "first")
        if self.label.endswith("年度"):
            return fiscal_year(fiscal_year_of(self.start) - 1)
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return date_range(end - length, end)

    def same_period_last_year(self) -> "Period":
        def shift(day: dt.date) -> dt.date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        start, end = shift(self.start), shift(self.end)
        if self.label.endswith("上半期"):
            return half_year(fiscal_year_of(start), "first")
        if self.label.endswith("下半期"):
            return half_year(fiscal_year_of(start), "second")
        if self.label.endswith("年度"):
            return fiscal_year(fiscal_year_of(start))
        return date_range(start, end)


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year (by its starting calendar year) that a date falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_label(year: int) -> str:
    """平成27年度 for 2015; 令和元年度 for 2019 (the fiscal year that began in April 2019)."""
    return f"{era_year(dt.date(year, 4, 1), prefer_end=True)}度"


def fiscal_year(year: int) -> Period:
    return Period(dt.date(year, 4, 1), dt.date(year + 1, 3, 31), fiscal_year_label(year))


def half_year(year: int, half: str) -> Period:
    """First half is April–September, second half October–March."""
    if half in ("first", "1", "上半期", "upper"):
        return Period(dt.date(year, 4, 1), dt.date(year, 9, 30), f"{fiscal_year_label(year)}上半期")
    if half in ("second", "2", "下半期", "lower"):
        return Period(
            dt.date(year, 10, 1), dt.date(year + 1, 3, 31), f"{fiscal_year_label(year)}下半期"
        )
    raise ValueError(f"半期の指定「{half}」が正しくありません（first または second）。")


def month(year: int, month_number: int) -> Period:
    last = calendar.monthrange(year, month_number)[1]
    start = dt.date(year, month_number, 1)
    return Period(start, dt.date(year, month_number, last), f"{era_year(start)}{month_number}月")


def date_range(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, f"{era_date(start, weekday=False)}〜{era_date(end, weekday=False)}")


def current_half_year(today: dt.date) -> Period:
    fy = fiscal_year_of(today)
    return half_year(fy, "first" if 4 <= today.month <= 9 else "second")
