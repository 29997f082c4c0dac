"""Open-data day columns (利用可能曜日) and their notes (利用可能日時特記事項), imported through the
service layer as a user's upload is: every weekday is kept, whichever way the column writes it,
and a note that lists closing days never becomes a list of opening days."""

import itertools

import pytest

from sasaeai.accounts.models import User
from sasaeai.exchange import services
from sasaeai.exchange.tests.helpers import csv_bytes, upload
from sasaeai.resources.models import Service

DAYS = "月火水木金土日"
CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
HEADERS = ["名称", "住所", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項"]


@pytest.fixture
def tier1(musashino):
    return User.objects.get(username="tier1")


def _import(tier1, rows: list[list]) -> list[Service]:
    batch = services.batch_create(
        user=tier1, upload=upload(csv_bytes([HEADERS, *rows]), "opendata.csv")
    )
    services.batch_commit(batch=batch, user=tier1, only_valid=True)
    return list(Service.objects.order_by("id"))


def _written(days: list[str], style: str) -> str:
    """One day column value in each way real files write it."""
    if style == "joined":
        return "".join(days)  # 月火水木金土日
    if style == "comma":
        return ",".join(days)  # 月,火,日
    if style == "dot":
        return "・".join(days)  # 月・火・日
    if style == "youbi":
        return "、".join(day + "曜日" for day in days)  # 月曜日、日曜日
    return "・".join(day + "曜" for day in days)  # 月曜・日曜


# Every single day, every pair holding Sunday, and the whole week: the day set × writing style.
DAY_SETS = [[day] for day in DAYS] + [[day, "日"] for day in DAYS[:-1]] + [list(DAYS)]
STYLES = ["joined", "comma", "dot", "youbi", "you"]


@pytest.mark.parametrize(("days", "style"), list(itertools.product(DAY_SETS, STYLES)))
def test_every_weekday_column_value_keeps_every_day(tier1, days, style):
    [service] = _import(
        tier1, [["曜日の家", "武蔵野市境南町3-1", _written(days, style), "9:00", "17:00", ""]]
    )
    [schedule] = service.schedules.all()
    expected = [CODES[DAYS.index(day)] for day in days]
    assert schedule.freq == "WEEKLY"
    assert schedule.byday.split(",") == expected


def test_closing_days_in_the_note_close_instead_of_opening(tier1):
    rows = [
        [
            "平日の窓口",
            "武蔵野市境南町3-1",
            "月火水木金",
            "8:30",
            "17:15",
            "土日、祝日、年末年始を除く",
        ],
        ["市民会館", "武蔵野市境南町3-2", "月火水木金土日", "9:00", "21:00", "第1・3火曜休館"],
        [
            "道の駅",
            "武蔵野市境南町3-3",
            "月火水木金土日",
            "8:00",
            "17:00",
            "トイレは月曜日でも随時利用可能",
        ],
    ]
    stored = {
        service.name: [
            (s.freq, s.byday, s.closed_on_holidays, s.closed_year_end, s.note)
            for s in service.schedules.all()
        ]
        for service in _import(tier1, rows)
    }
    assert stored == {
        "平日の窓口": [("WEEKLY", "MO,TU,WE,TH,FR", True, True, "")],
        "市民会館": [("WEEKLY", ",".join(CODES), False, False, "第1・3火曜休館")],
        "道の駅": [("WEEKLY", ",".join(CODES), False, False, "トイレは月曜日でも随時利用可能")],
    }
