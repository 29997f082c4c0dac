"""Schedules in natural Japanese, the next dates they meet, and reading typed phrases."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sasaeai.resources.models import Schedule
from sasaeai.resources.schedules import (
    schedule_meets_on,
    schedule_next_dates,
    schedule_parse_japanese,
    schedule_text,
    schedule_validate,
    weekday_mask,
)


def make(**kwargs) -> Schedule:
    return Schedule(**{"freq": "WEEKLY", "interval": 1, "byday": "", "bymonthday": "", **kwargs})


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        (dict(byday="TU", opens_at=dt.time(10), closes_at=dt.time(12)), "毎週火曜 10:00〜12:00"),
        (
            dict(
                freq="MONTHLY",
                byday="2WE,4WE",
                opens_at=dt.time(13, 30),
                closes_at=dt.time(15, 30),
                closed_on_holidays=True,
            ),
            "第2・第4水曜 13:30〜15:30（祝日休み）",
        ),
        (dict(byday="MO,TH"), "毎週月・木曜"),
        (dict(byday="FR", interval=2, opens_at=dt.time(9)), "隔週金曜 9:00〜"),
        (dict(freq="MONTHLY", byday="-1FR"), "最終金曜"),
        (dict(freq="MONTHLY", byday="1MO,3TH"), "第1月曜・第3木曜"),
        (dict(freq="MONTHLY", bymonthday="1,15"), "毎月1日・15日"),
        (dict(freq="DAILY", opens_at=dt.time(6, 30), closes_at=dt.time(7)), "毎日 6:30〜7:00"),
        (dict(freq="IRREGULAR", note="月1回程度"), "不定期（月1回程度）"),
    ],
)
def test_natural_japanese(fields, text):
    assert schedule_text(make(**fields)) == text


def test_next_dates_skip_holidays():
    # Mondays from 2025-05-01: 5/5 is こどもの日 (a holiday).
    schedule = make(byday="MO", closed_on_holidays=True)
    assert schedule_next_dates(schedule, start=dt.date(2025, 5, 1), count=3) == [
        dt.date(2025, 5, 12),
        dt.date(2025, 5, 19),
        dt.date(2025, 5, 26),
    ]
    schedule.closed_on_holidays = False
    assert schedule_next_dates(schedule, start=dt.date(2025, 5, 1), count=1) == [
        dt.date(2025, 5, 5)
    ]


def test_next_dates_second_and_fourth_wednesday():
    schedule = make(freq="MONTHLY", byday="2WE,4WE")
    assert schedule_next_dates(schedule, start=dt.date(2025, 5, 1), count=4) == [
        dt.date(2025, 5, 14),
        dt.date(2025, 5, 28),
        dt.date(2025, 6, 11),
        dt.date(2025, 6, 25),
    ]


def test_last_friday_and_month_days():
    assert schedule_next_dates(
        make(freq="MONTHLY", byday="-1FR"), start=dt.date(2025, 5, 1), count=2
    ) == [dt.date(2025, 5, 30), dt.date(2025, 6, 27)]
    assert schedule_next_dates(
        make(freq="MONTHLY", bymonthday="1,15"), start=dt.date(2025, 5, 2), count=2
    ) == [dt.date(2025, 5, 15), dt.date(2025, 6, 1)]


def test_every_other_week_from_valid_from():
    schedule = make(byday="TH", interval=2, valid_from=dt.date(2025, 5, 1))
    assert schedule_next_dates(schedule, start=dt.date(2025, 5, 1), count=3) == [
        dt.date(2025, 5, 1),
        dt.date(2025, 5, 15),
        dt.date(2025, 5, 29),
    ]


def test_validity_period_is_respected():
    schedule = make(byday="TU", valid_from=dt.date(2025, 5, 1), valid_to=dt.date(2025, 5, 14))
    assert schedule_next_dates(schedule, start=dt.date(2025, 4, 1), count=5) == [
        dt.date(2025, 5, 6),
        dt.date(2025, 5, 13),
    ]
    assert not schedule_meets_on(schedule, dt.date(2025, 5, 20))


def test_irregular_has_no_dates():
    assert schedule_next_dates(make(freq="IRREGULAR", note="随時"), start=dt.date(2025, 5, 1)) == []


def test_weekday_mask():
    assert weekday_mask(make(byday="MO,WE")) == 0b101
    assert weekday_mask(make(freq="DAILY")) == 127
    assert weekday_mask(make(freq="IRREGULAR", note="x")) == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (dict(byday="TU", opens_at=dt.time(12), closes_at=dt.time(10)), "closes_at", "終了時刻"),
        (dict(byday="XX"), "byday", "曜日「XX」"),
        (dict(byday=""), "byday", "曜日を選んで"),
        (dict(byday="2TU"), "byday", "毎月"),
        (dict(freq="MONTHLY"), "byday", "第何"),
        (dict(freq="IRREGULAR"), "note", "不定期"),
        (
            dict(byday="TU", valid_from=dt.date(2025, 5, 2), valid_to=dt.date(2025, 5, 1)),
            "valid_to",
            "有効期間",
        ),
        (dict(freq="MONTHLY", bymonthday="40"), "bymonthday", "日付「40」"),
    ],
)
def test_validation_messages_are_japanese_and_on_the_field(fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        schedule_validate(make(**fields))
    assert field in excinfo.value.message_dict
    assert message in " ".join(excinfo.value.message_dict[field])


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        (
            "第2・第4水曜 13:30〜15:30 祝日休み",
            dict(
                freq="MONTHLY",
                byday="2WE,4WE",
                opens_at=dt.time(13, 30),
                closes_at=dt.time(15, 30),
                closed_on_holidays=True,
            ),
        ),
        (
            "毎週火曜10時〜12時",
            dict(freq="WEEKLY", byday="TU", opens_at=dt.time(10), closes_at=dt.time(12)),
        ),
        (
            "毎週　月・木曜　９：００～１１：００",
            dict(freq="WEEKLY", byday="MO,TH", opens_at=dt.time(9), closes_at=dt.time(11)),
        ),
        ("隔週金曜 14:00", dict(freq="WEEKLY", byday="FR", interval=2, opens_at=dt.time(14))),
        ("最終金曜 13:30〜15:00", dict(freq="MONTHLY", byday="-1FR")),
        ("毎月1日・15日 10:00〜11:00", dict(freq="MONTHLY", bymonthday="1,15")),
        ("毎日 6:30〜7:00", dict(freq="DAILY")),
        ("不定期 月1回程度", dict(freq="IRREGULAR", note="月1回程度")),
    ],
)
def test_parse_japanese_phrases(phrase, expected):
    parsed = schedule_parse_japanese(phrase)
    for key, value in expected.items():
        assert parsed[key] == value, key


def test_unreadable_phrase_gets_a_japanese_message():
    with pytest.raises(ValidationError) as excinfo:
        schedule_parse_japanese("そのうち")
    assert "日程を読み取れません" in excinfo.value.messages[0]
