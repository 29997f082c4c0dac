"""The one schedule reader (core.recurrence.reading): the phrases Japanese sheets use, read into Schedule fields, and
what cannot be read kept as a note flagged for a person."""

import datetime as dt

import pytest

from sasaeai.core.recurrence import read_schedule_text, schedule_key, schedule_to_text


def one(text):
    reading = read_schedule_text(text)
    assert len(reading.schedules) == 1, reading
    return reading.schedules[0], reading


T = dt.time


@pytest.mark.parametrize(
    ("text", "freq", "interval", "byday", "bymonthday", "opens", "closes"),
    [
        ("毎週火曜10時〜12時", "WEEKLY", 1, "TU", "", T(10), T(12)),
        ("第2・4水曜 13:30-15:30", "MONTHLY", 1, "2WE,4WE", "", T(13, 30), T(15, 30)),
        (
            "第２・第４水曜日　１３：３０～１５：３０",
            "MONTHLY",
            1,
            "2WE,4WE",
            "",
            T(13, 30),
            T(15, 30),
        ),
        ("毎週火・木曜日 午前10時～11時30分", "WEEKLY", 1, "TU,TH", "", T(10), T(11, 30)),
        ("第1・第3土曜日 午後1時半〜3時", "MONTHLY", 1, "1SA,3SA", "", T(13, 30), T(15)),
        ("隔週金曜 10:00〜", "WEEKLY", 2, "FR", "", T(10), None),
        ("3週ごと火曜 10:00〜12:00", "WEEKLY", 3, "TU", "", T(10), T(12)),
        ("毎月15日 10時〜", "MONTHLY", 1, "", "15", T(10), None),
        ("毎月1日・15日", "MONTHLY", 1, "", "1,15", None, None),
        ("毎月末", "MONTHLY", 1, "", "-1", None, None),
        ("最終金曜 14時-16時", "MONTHLY", 1, "-1FR", "", T(14), T(16)),
        ("第3・最終土曜", "MONTHLY", 1, "3SA,-1SA", "", None, None),
        ("第2水曜・第4金曜", "MONTHLY", 1, "2WE,4FR", "", None, None),
        ("第2、第4水曜", "MONTHLY", 1, "2WE,4WE", "", None, None),
        ("隔月第2火曜 10時", "MONTHLY", 2, "2TU", "", T(10), None),
        ("月〜金 9:00-17:00", "WEEKLY", 1, "MO,TU,WE,TH,FR", "", T(9), T(17)),
        ("平日 10時〜16時", "WEEKLY", 1, "MO,TU,WE,TH,FR", "", T(10), T(16)),
        ("毎週土日", "WEEKLY", 1, "SA,SU", "", None, None),
        ("毎日", "DAILY", 1, "", "", None, None),
        ("(月)(木) 13:00~15:00", "WEEKLY", 1, "MO,TH", "", T(13), T(15)),
        ("火、木曜 10~12時", "WEEKLY", 1, "TU,TH", "", T(10), T(12)),
        ("正午〜午後2時 毎週日曜", "WEEKLY", 1, "SU", "", T(12), T(14)),
        ("水曜 10時ー12時", "WEEKLY", 1, "WE", "", T(10), T(12)),
        ("週1回（火曜）10時〜", "WEEKLY", 1, "TU", "", T(10), None),
        ("月2回 第2・4水曜 13:30-15:30", "MONTHLY", 1, "2WE,4WE", "", T(13, 30), T(15, 30)),
    ],
)
def test_phrases_are_read_into_a_recurrence(text, freq, interval, byday, bymonthday, opens, closes):
    schedule, reading = one(text)
    assert (schedule["freq"], schedule["interval"], schedule["byday"], schedule["bymonthday"]) == (
        freq,
        interval,
        byday,
        bymonthday,
    )
    assert (schedule["opens_at"], schedule["closes_at"]) == (opens, closes)
    assert not reading.needs_review, reading.reason


def test_irregular_with_a_frequency_is_an_irregular_schedule_with_its_words_as_note():
    schedule, reading = one("月2回(不定期)")
    assert schedule["freq"] == "IRREGULAR"
    assert schedule["note"] == "月2回(不定期)"
    assert not reading.needs_review


def test_holidays_off_is_read():
    schedule, _ = one("平日 10時〜16時（祝日休み）")
    assert schedule["closed_on_holidays"] is True
    schedule, _ = one("毎週月曜 10:00〜11:00 祝日は休み")
    assert schedule["closed_on_holidays"] is True


def test_several_schedules_in_one_cell():
    reading = read_schedule_text("毎週火曜10時〜12時、第2土曜13時〜15時")
    assert [(s["freq"], s["byday"]) for s in reading.schedules] == [
        ("WEEKLY", "TU"),
        ("MONTHLY", "2SA"),
    ]
    reading = read_schedule_text("第２水曜\n第４金曜 10時")
    assert [s["byday"] for s in reading.schedules] == ["2WE", "4FR"]


def test_a_remark_after_the_recurrence_is_kept_as_note():
    schedule, reading = one("毎週水曜 10時〜12時 雨天中止")
    assert schedule["note"] == "雨天中止"
    assert not reading.needs_review


@pytest.mark.parametrize(
    ("text", "reason_contains"),
    [
        ("週1回", "読み取れません"),
        ("毎月2回", "読み取れません"),
        ("月1回（火曜）", "第何週"),
        ("4/1", "読み取れません"),
        ("25時〜", "時刻"),
        ("12時〜10時 毎週火曜", "終了時刻"),
        ("第6水曜", "1〜5"),
    ],
)
def test_unreadable_text_is_kept_as_note_and_flagged(text, reason_contains):
    reading = read_schedule_text(text)
    assert reading.needs_review
    assert reason_contains in reading.reason
    assert any(text.replace("〜", "~")[:2] in s["note"] or s["note"] for s in reading.schedules)
    for schedule in reading.schedules:
        if schedule["freq"] == "IRREGULAR":
            assert schedule["note"]  # an irregular schedule always says something


def test_a_month_range_is_kept_and_flagged():
    schedule, reading = one("毎週月曜 4月〜9月")
    assert schedule["byday"] == "MO"
    assert "4月~9月" in schedule["note"]
    assert reading.needs_review


def test_free_text_without_days_is_irregular_without_a_flag_when_it_says_so():
    schedule, reading = one("お問い合わせください")
    assert schedule["freq"] == "IRREGULAR"
    assert not reading.needs_review
    schedule, reading = one("随時")
    assert schedule["freq"] == "IRREGULAR"


def test_empty_text_gives_nothing():
    assert read_schedule_text("").schedules == ()
    assert read_schedule_text(None).schedules == ()
    assert read_schedule_text("   ").schedules == ()


def test_a_long_note_is_cut_and_flagged():
    reading = read_schedule_text("不明" * 200)
    assert reading.needs_review
    assert len(reading.schedules[0]["note"]) <= 300


@pytest.mark.parametrize(
    "text",
    [
        "",
        "第",
        "曜",
        "~~~",
        "第0水曜",
        "99時",
        "毎月0日",
        "月" * 50,
        "\x00\n\t",
        "１２３４５６",
        "(((",
        "第2・4",
    ],
)
def test_never_raises(text):
    reading = read_schedule_text(text)
    assert isinstance(reading.schedules, tuple)


class Saved:
    """A stand-in for resources.Schedule with the fields the writer reads."""

    def __init__(self, **values):
        self.freq = values.get("freq", "WEEKLY")
        self.interval = values.get("interval", 1)
        self.byday = values.get("byday", "")
        self.bymonthday = values.get("bymonthday", "")
        self.opens_at = values.get("opens_at")
        self.closes_at = values.get("closes_at")
        self.closed_on_holidays = values.get("closed_on_holidays", False)
        self.closed_year_end = values.get("closed_year_end", False)
        self.note = values.get("note", "")
        self.valid_from = self.valid_to = None


@pytest.mark.parametrize(
    "values",
    [
        {"freq": "WEEKLY", "byday": "TU", "opens_at": T(10), "closes_at": T(12)},
        {"freq": "WEEKLY", "byday": "MO,TH", "interval": 2, "opens_at": T(9, 30)},
        {"freq": "WEEKLY", "byday": "WE", "interval": 3},
        {"freq": "MONTHLY", "byday": "2WE,4WE", "opens_at": T(13, 30), "closes_at": T(15, 30)},
        {"freq": "MONTHLY", "byday": "1MO,3TH", "closed_on_holidays": True},
        {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "closed_year_end": True},
        {"freq": "DAILY", "closed_on_holidays": True, "closed_year_end": True, "note": "雨天中止"},
        {"freq": "MONTHLY", "byday": "-1FR", "note": "雨天中止"},
        {"freq": "MONTHLY", "byday": "3SA,-1SA", "interval": 2},
        {"freq": "MONTHLY", "bymonthday": "1,15", "opens_at": T(10)},
        {"freq": "MONTHLY", "bymonthday": "-1"},
        {"freq": "DAILY"},
        {"freq": "IRREGULAR", "note": "月2回程度、日程はお問い合わせください"},
        {"freq": "IRREGULAR", "note": "月2回程度"},
        {"freq": "IRREGULAR", "note": "随時。訪問日は相談して決めます"},
        {"freq": "IRREGULAR", "note": "年1回・全3回。市報でお知らせします"},
        {"freq": "IRREGULAR", "note": "不定期、日程は；お問い合わせください"},
        {
            "freq": "WEEKLY",
            "byday": "SA,SU",
            "opens_at": T(10),
            "closes_at": T(12),
            "closed_on_holidays": True,
            "note": "材料費別",
        },
    ],
)
def test_written_schedules_read_back_to_the_same_fields(values):
    saved = Saved(**values)
    text = schedule_to_text(saved)
    schedule, reading = one(text)
    assert not reading.needs_review, (text, reading.reason)
    assert schedule_key(schedule) == schedule_key(vars(saved)), text
