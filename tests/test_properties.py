"""Property-based tests (hypothesis) for Japanese text folding, era dates, fiscal periods and
schedule phrases: the laws hold for every input hypothesis can think of, not just examples."""

import datetime as dt

import jaconv
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.core.eras import era_date, parse_japanese_date
from sasaeai.core.periods import Period, fiscal_year, fiscal_year_of, half_year
from sasaeai.core.text import kanji_number, kanji_numeral, nfkc, search_key

EXAMPLES = 300
TRIED: dict[str, int] = {}


def tried(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nhypothesis inputs tried: {sum(TRIED.values())} ({TRIED})")


common = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
japanese_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x3041, max_codepoint=0x3096),  # hiragana
        st.characters(min_codepoint=0x30A1, max_codepoint=0x30FA),  # katakana
        st.characters(min_codepoint=0xFF61, max_codepoint=0xFF9F),  # half-width katakana
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),  # kanji
        st.sampled_from(" \t\n\u3000\x00\x07\x1f\x7f"),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)
modern_dates = st.dates(min_value=dt.date(1989, 1, 8), max_value=dt.date(2099, 12, 31))


class TestText:
    @common
    @given(japanese_text)
    def test_folding_is_idempotent(self, text):
        tried("text")
        assert nfkc(nfkc(text)) == nfkc(text)
        assert search_key(search_key(text)) == search_key(text)

    @common
    @given(japanese_text)
    def test_no_control_characters_or_edge_space_survive(self, text):
        tried("text")
        folded = nfkc(text)
        assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in folded)
        assert folded == folded.strip() and "  " not in folded

    @common
    @given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3094), max_size=20))
    def test_hiragana_and_katakana_spellings_fold_together(self, hiragana):
        tried("text")
        assert search_key(hiragana) == search_key(jaconv.hira2kata(hiragana))

    @common
    @given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20))
    def test_full_width_and_ascii_fold_together(self, ascii_text):
        tried("text")
        full = "".join(chr(ord(ch) + 0xFEE0) for ch in ascii_text)
        assert search_key(full) == search_key(ascii_text)

    @common
    @given(st.integers(min_value=1, max_value=99))
    def test_kanji_numerals_round_trip(self, number):
        tried("text")
        assert kanji_number(kanji_numeral(number)) == number


class TestEras:
    @common
    @given(modern_dates, st.booleans())
    def test_era_date_reads_back(self, day, weekday):
        tried("eras")
        assert parse_japanese_date(era_date(day, weekday=weekday)) == day

    @common
    @given(modern_dates, st.sampled_from(["{y}/{m}/{d}", "{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日"]))
    def test_western_forms_read_back_in_any_width(self, day, pattern):
        tried("eras")
        text = pattern.format(y=day.year, m=day.month, d=day.day)
        assert parse_japanese_date(text) == day
        wide = text.translate(str.maketrans("0123456789/-", "０１２３４５６７８９／－"))
        assert parse_japanese_date(wide) == day

    @common
    @given(st.dates(min_value=dt.date(2019, 5, 1), max_value=dt.date(2099, 12, 31)))
    def test_reiwa_initial_form(self, day):
        tried("eras")
        assert parse_japanese_date(f"R{day.year - 2018}.{day.month}.{day.day}") == day

    @common
    @given(japanese_text)
    def test_anything_else_is_a_japanese_value_error(self, text):
        tried("eras")
        try:
            parse_japanese_date(text)
        except ValueError as exc:
            assert "「" in str(exc)


class TestPeriods:
    @common
    @given(modern_dates)
    def test_every_day_is_in_its_fiscal_year_and_one_half(self, day):
        tried("periods")
        year = fiscal_year_of(day)
        assert day in fiscal_year(year)
        halves = [half_year(year, "first"), half_year(year, "second")]
        assert sum(day in h for h in halves) == 1
        assert halves[0].days + halves[1].days == fiscal_year(year).days
        assert halves[0].end + dt.timedelta(days=1) == halves[1].start

    @common
    @given(st.integers(min_value=1990, max_value=2098), st.sampled_from(["first", "second"]))
    def test_previous_half_year_is_adjacent(self, year, half):
        tried("periods")
        period = half_year(year, half)
        previous = period.previous()
        assert previous.end + dt.timedelta(days=1) == period.start
        assert previous.label.endswith(("上半期", "下半期")) and previous.label != period.label

    @common
    @given(st.integers(min_value=1990, max_value=2098))
    def test_fiscal_years_tile_the_calendar(self, year):
        tried("periods")
        this, following = fiscal_year(year), fiscal_year(year + 1)
        assert this.end + dt.timedelta(days=1) == following.start
        assert following.previous() == this
        assert following.same_period_last_year() == this
        assert this.label.endswith("年度")

    @common
    @given(modern_dates, st.integers(min_value=0, max_value=800))
    def test_free_ranges(self, start, length):
        tried("periods")
        end = start + dt.timedelta(days=length)
        period = Period(start, end, "期間")
        assert period.days == length + 1 and start in period and end in period
        with pytest.raises(ValueError):
            Period(end + dt.timedelta(days=1), start, "逆")


class TestSchedules:
    @common
    @given(japanese_text)
    def test_any_phrase_is_read_or_refused_with_a_japanese_message(self, text):
        from sasaeai.resources.schedules import schedule_parse_japanese

        tried("schedules")
        try:
            fields = schedule_parse_japanese(text)
        except ValidationError as exc:
            assert "日程" in " ".join(exc.messages)
            return
        assert fields["freq"] in {"DAILY", "WEEKLY", "MONTHLY", "IRREGULAR"}

    @common
    @given(
        st.lists(st.sampled_from("月火水木金土日"), min_size=1, max_size=3, unique=True),
        st.integers(min_value=0, max_value=22),
        st.integers(min_value=0, max_value=59),
    )
    def test_weekly_phrases(self, days, hour, minute):
        from sasaeai.resources.schedules import schedule_parse_japanese

        tried("schedules")
        fields = schedule_parse_japanese(
            f"毎週{'・'.join(days)}曜 {hour}:{minute:02d}〜{hour + 1}:00"
        )
        assert fields["freq"] == "WEEKLY"
        assert len(fields["byday"].split(",")) == len(days)
        assert fields["opens_at"] == dt.time(hour, minute)
