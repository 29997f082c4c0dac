"""Japanese conventions: text folding, fiscal periods, era dates, holidays, date parsing."""

import datetime as dt

import pytest
from django.template import Context, Template

from sasaeai.core import eras, periods
from sasaeai.core.recurrence import holidays
from sasaeai.core.text import SearchKey, kanji_number, kanji_numeral, search_key


@pytest.mark.django_db
def test_search_key_in_sql_folds_as_search_key_does(musashino):
    """SearchKey (SQLite: the registered function; PostgreSQL: normalize, translate, lower)
    gives what search_key gives, for every hiragana, half-width kana, full-width letters and
    digits, ヵヶ and upper case."""
    from django.db.models import Value

    from sasaeai.org.models import Municipality

    hiragana = "".join(chr(c) for c in range(0x3041, 0x30A0))
    for text in (hiragana, "ｶﾗｵｹ ﾊﾟｿｺﾝ", "ＡＢＣ１２３abcXYZ", "ヵヶゕゖ", "介護予防体操", ""):
        folded = (
            Municipality.objects.filter(pk=musashino.pk)
            .annotate(folded=SearchKey(Value(text)))
            .values_list("folded", flat=True)
            .get()
        )
        assert folded == search_key(text), text


class TestSearchKey:
    def test_hiragana_katakana_and_half_width_fold_together(self):
        assert search_key("からおけ") == search_key("カラオケ") == search_key("ｶﾗｵｹ")

    def test_half_width_katakana_salon(self):
        assert search_key("ｻﾛﾝ") == search_key("サロン")

    def test_full_width_digits_and_letters_are_ascii(self):
        assert search_key("ＡＢＣ１２３") == "abc123"

    def test_control_characters_and_spaces(self):
        assert search_key("  体操\x00　 教室 ") == "体操 教室"


def test_kanji_numbers_round_trip():
    for value in (1, 4, 10, 12, 20, 35):
        assert kanji_number(kanji_numeral(value)) == value
    assert kanji_number("四") == 4
    assert kanji_number("abc") is None


class TestFiscalPeriods:
    def test_fiscal_year_starts_in_april(self):
        assert periods.fiscal_year_of(dt.date(2016, 3, 31)) == 2015
        assert periods.fiscal_year_of(dt.date(2015, 4, 1)) == 2015

    def test_first_half_of_heisei_27(self):
        half = periods.half_year(2015, "first")
        assert (half.start, half.end) == (dt.date(2015, 4, 1), dt.date(2015, 9, 30))
        assert half.label == "平成27年度上半期"

    def test_second_half_crosses_the_calendar_year(self):
        half = periods.half_year(2015, "second")
        assert (half.start, half.end) == (dt.date(2015, 10, 1), dt.date(2016, 3, 31))
        assert half.label == "平成27年度下半期"

    def test_reiwa_first_fiscal_year_is_gannen(self):
        assert periods.fiscal_year_label(2019) == "令和元年度"
        assert periods.fiscal_year_label(2025) == "令和7年度"

    def test_previous_and_same_period_last_year(self):
        first = periods.half_year(2015, "first")
        assert first.previous() == periods.half_year(2014, "second")
        assert first.same_period_last_year() == periods.half_year(2014, "first")

    def test_bad_half_is_refused_in_japanese(self):
        with pytest.raises(ValueError, match="半期"):
            periods.half_year(2015, "third")


class TestEraDates:
    def test_seed_date_form(self):
        assert eras.era_date(dt.date(2015, 4, 28)) == "平成27年4月28日(火)"

    def test_reiwa(self):
        assert eras.era_date(dt.date(2025, 4, 28)) == "令和7年4月28日(月)"
        assert eras.era_date(dt.date(2025, 4, 28), full_width=True) == "令和7年4月28日（月）"

    def test_first_year_is_gannen(self):
        assert eras.era_date(dt.date(2019, 5, 1), weekday=False) == "令和元年5月1日"
        assert eras.era_date(dt.date(2019, 4, 30), weekday=False) == "平成31年4月30日"

    @pytest.mark.parametrize(
        "text",
        ["令和7年4月1日", "R7.4.1", "2025/4/1", "2025-04-01", "２０２５年４月１日", "r7/4/1"],
    )
    def test_parse_forms_people_type(self, text):
        assert eras.parse_japanese_date(text) == dt.date(2025, 4, 1)

    def test_parse_gannen(self):
        assert eras.parse_japanese_date("令和元年5月1日") == dt.date(2019, 5, 1)

    @pytest.mark.parametrize("text", ["令和7年2月30日", "明日", "平成32年1月1日", ""])
    def test_parse_refuses_with_japanese_message(self, text):
        with pytest.raises(ValueError, match="。"):
            eras.parse_japanese_date(text)

    def test_template_filters(self):
        out = Template(
            "{{ d|era_date }} / {{ 2015|fiscal_year_label }} / {{ 94|minutes_as_hours }}"
        ).render(Context({"d": dt.date(2015, 4, 28)}))
        assert out == "平成27年4月28日（火） / 平成27年度 / 1時間34分"  # pages: full-width


def test_holidays():
    assert holidays.holiday_name(dt.date(2025, 5, 5)) == "こどもの日"
    assert holidays.is_holiday(dt.date(2025, 5, 7)) is False
    assert dt.date(2025, 5, 3) in holidays.holidays_between(
        dt.date(2025, 5, 1), dt.date(2025, 5, 6)
    )
