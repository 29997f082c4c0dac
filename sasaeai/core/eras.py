"""Japanese era dates (和暦) through japanera, and parsing of the date forms people type."""

import datetime as dt
import re

from japanera import EraDate

from .text import nfkc

WEEKDAYS = "月火水木金土日"

_ERA_INITIALS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}


def _era_of(day: dt.date):
    return EraDate(day.year, day.month, day.day).era


def era_year(day: dt.date, *, prefer_end: bool = False) -> str:
    """平成27年 or 令和元年. With prefer_end, a fiscal year starting in the last months of an
    era is named by the era in force at its end (FY2019 is 令和元年度, as officials write)."""
    era = _era_of(day)
    if prefer_end and era.until is not None:
        # A fiscal year that the new era enters is named after the new era.
        fiscal_end = dt.date(day.year + 1, 3, 31) if day.month >= 4 else dt.date(day.year, 3, 31)
        if fiscal_end >= era.until:
            era = _era_of(era.until)
    number = day.year - era.since.year + 1
    return f"{era.kanji}{'元' if number == 1 else number}年"


def era_date(
    day: dt.date | dt.datetime | None, *, weekday: bool = True, full_width: bool = False
) -> str:
    """令和7年4月28日(月): the form every official document uses (the seed's reports keep it).
    `full_width=True` gives 令和7年4月28日（月）, the form of the site's pages, whose Japanese
    text uses full-width brackets throughout (tests/test_every_page_text.py)."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    text = f"{era_year(day)}{day.month}月{day.day}日"
    if weekday:
        name = WEEKDAYS[day.weekday()]
        text += f"（{name}）" if full_width else f"({name})"
    return text


def weekday_ja(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


_ERA_FULL = re.compile(r"^(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日?$")
_ERA_SHORT = re.compile(r"^([MTSHRmtshr])(元|\d{1,2})[.\-/](\d{1,2})[.\-/](\d{1,2})$")
_WESTERN = re.compile(r"^(\d{4})[./\-年](\d{1,2})[./\-月](\d{1,2})日?$")


def parse_japanese_date(text: str) -> dt.date:
    """Reads 令和7年4月1日, R7.4.1, 2025/4/1, 2025-04-01 or 2025年4月1日 (any width).

    Raises ValueError with a Japanese message when the text is not a date.
    """
    raw = nfkc(text).replace(" ", "")
    raw = re.sub(r"\([月火水木金土日]\)$", "", raw)
    match = _ERA_FULL.match(raw) or _ERA_SHORT.match(raw)
    if match:
        era_name = match.group(1)
        era_name = _ERA_INITIALS.get(era_name.upper(), era_name)
        year_in_era = 1 if match.group(2) == "元" else int(match.group(2))
        start = _era_start(era_name)
        year = start.year + year_in_era - 1
        try:
            day = dt.date(year, int(match.group(3)), int(match.group(4)))
        except ValueError as exc:
            raise ValueError(f"「{text}」は存在しない日付です。") from exc
        if day < start or _era_of(day).kanji != era_name:
            raise ValueError(f"「{text}」は{era_name}の期間にない日付です。")
        return day
    match = _WESTERN.match(raw)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError as exc:
            raise ValueError(f"「{text}」は存在しない日付です。") from exc
    raise ValueError(
        f"「{text}」を日付として読めません。2025/4/1、令和7年4月1日、R7.4.1 のように入力してください。"
    )


def _era_start(name: str) -> dt.date:
    for probe in (
        dt.date(2019, 5, 1),
        dt.date(1989, 1, 8),
        dt.date(1926, 12, 25),
        dt.date(1912, 7, 30),
        dt.date(1873, 1, 1),
    ):
        era = _era_of(probe)
        if era.kanji == name:
            return era.since
    raise ValueError(f"元号「{name}」は扱えません。")
