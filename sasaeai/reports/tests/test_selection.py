"""Periods and scopes as people type them (web form, query string, command line)."""

import datetime as dt

import pytest

from sasaeai.accounts.models import User
from sasaeai.org.models import Area
from sasaeai.reports.policy import scope_allowed
from sasaeai.reports.selection import (
    ReportRequestError,
    ScopeKind,
    period_kind,
    period_parse,
    period_query,
    scope_choices,
    scope_default,
    scope_parse,
)

D = dt.date


class TestPeriods:
    def test_a_half_year(self):
        period = period_parse(fiscal_year=2015, half="first")
        assert (period.start, period.end, period.label) == (
            D(2015, 4, 1),
            D(2015, 9, 30),
            "平成27年度上半期",
        )
        assert period_parse(fiscal_year="2015", half="下半期").end == D(2016, 3, 31)

    def test_a_fiscal_year_in_full_width_digits(self):
        period = period_parse(fiscal_year="２０１９")
        assert (period.start, period.end, period.label) == (
            D(2019, 4, 1),
            D(2020, 3, 31),
            "令和元年度",
        )

    def test_a_month_two_ways(self):
        assert period_parse(month="2015-06").label == "平成27年6月"
        # Month 2 of fiscal year 2015 is February 2016.
        assert period_parse(fiscal_year=2015, month="2").start == D(2016, 2, 1)

    def test_any_range_in_era_or_western_form(self):
        period = period_parse(date_from="平成27年4月1日", date_to="2015/6/30")
        assert (period.start, period.end) == (D(2015, 4, 1), D(2015, 6, 30))

    @pytest.mark.parametrize(
        ("kwargs", "field", "words"),
        [
            ({}, "fiscal_year", "期間を指定してください"),
            ({"fiscal_year": "H27"}, "fiscal_year", "半角数字"),
            ({"fiscal_year": 1999}, "fiscal_year", "扱えません"),
            ({"fiscal_year": 2015, "half": "3"}, "half", "first（上半期）"),
            ({"month": "2015-13"}, "month", "1〜12"),
            ({"month": "6"}, "month", "年度も指定"),
            ({"date_from": "2015-04-01"}, "date_to", "終了日がありません"),
            ({"date_from": "2015-06-01", "date_to": "2015-04-01"}, "date_to", "開始日より前"),
            ({"date_from": "2015-02-30", "date_to": "2015-04-01"}, "date_from", "存在しない日付"),
            ({"date_from": "2010-01-01", "date_to": "2020-01-01"}, "date_to", "5年以内"),
        ],
    )
    def test_bad_input_says_what_and_where(self, kwargs, field, words):
        with pytest.raises(ReportRequestError) as caught:
            period_parse(**kwargs)
        assert caught.value.field == field
        assert words in caught.value.message

    @pytest.mark.parametrize(
        "period",
        [
            period_parse(fiscal_year=2015, half="second"),
            period_parse(fiscal_year=2015),
            period_parse(month="2015-06"),
            period_parse(date_from="2015-04-10", date_to="2015-05-20"),
        ],
    )
    def test_a_period_round_trips_through_its_query(self, period):
        query = period_query(period)
        again = period_parse(
            fiscal_year=query.get("fiscal_year"),
            half=query.get("half"),
            month=query.get("month"),
            date_from=query.get("from"),
            date_to=query.get("to"),
        )
        assert again == period
        assert period_kind(period) in ("half", "year", "month", "range")


@pytest.mark.django_db
class TestScopes:
    def test_each_form(self, musashino):
        area = Area.objects.get(municipality=musashino, name="境・桜堤エリア")
        assert scope_parse("municipality", municipality=musashino).label == "武蔵野市全体"
        assert scope_parse("tier2", municipality=musashino).kind == ScopeKind.TIER2
        by_id = scope_parse(f"area:{area.pk}", municipality=musashino)
        by_name = scope_parse("area:境・桜堤エリア", municipality=musashino)
        assert by_id == by_name
        assert by_id.key == f"area:{area.pk}"
        # A unique beginning is enough: 境南 finds 境南エリア (and not 境・桜堤エリア).
        assert scope_parse("area:境南", municipality=musashino).areas[0].name == "境南エリア"
        both = scope_parse(f"areas:{area.pk},境南エリア", municipality=musashino)
        assert both.kind == ScopeKind.AREAS
        assert [a.name for a in both.areas] == ["境・桜堤エリア", "境南エリア"]
        coordinator = scope_parse("coordinator:tier1", municipality=musashino)
        assert coordinator.label == "横山 美江（第1層生活支援コーディネーター）"
        assert coordinator.storage_key == f"coordinator#{coordinator.coordinator.pk}"

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("area:", "area:<ID または名前>"),
            ("area:どこか", "見つかりません"),
            ("area:境", "見つかりません"),  # two areas begin with 境
            ("areas:1", "2つ以上"),
            ("coordinator:official", "見つかりません"),
            ("everything", "読めません"),
        ],
    )
    def test_bad_scopes(self, musashino, text, words):
        with pytest.raises(ReportRequestError) as caught:
            scope_parse(text, municipality=musashino)
        assert words in caught.value.message
        assert caught.value.field == "scope"

    def test_tier2_reads_only_scopes_inside_its_areas(self, musashino):
        tier2 = User.objects.get(username="tier2-5")  # 境・桜堤エリア
        own = scope_parse("area:境・桜堤エリア", municipality=musashino)
        other = scope_parse("area:境南エリア", municipality=musashino)
        assert scope_allowed(tier2, own)
        assert not scope_allowed(tier2, other)
        assert not scope_allowed(tier2, scope_parse("municipality", municipality=musashino))
        assert not scope_allowed(tier2, scope_parse("tier2", municipality=musashino))
        assert scope_allowed(tier2, scope_parse("coordinator:tier2-5", municipality=musashino))
        assert not scope_allowed(tier2, scope_parse("coordinator:tier1", municipality=musashino))
        assert scope_default(tier2, musashino) == own
        keys = [key for key, _ in scope_choices(tier2, musashino)]
        assert keys == [own.key, "coordinator:tier2-5"]

    @pytest.mark.parametrize("username", ["admin", "tier1", "official"])
    def test_municipality_wide_roles_read_every_scope(self, musashino, username):
        user = User.objects.get(username=username)
        for text in ("municipality", "tier2", "area:境南エリア", "coordinator:tier2-1"):
            assert scope_allowed(user, scope_parse(text, municipality=musashino))

    def test_council_members_read_aggregates_but_no_coordinators_work(self, musashino):
        council = User.objects.get(username="council")
        for text in ("municipality", "tier2", "area:境南エリア"):
            assert scope_allowed(council, scope_parse(text, municipality=musashino))
        assert not scope_allowed(
            council, scope_parse("coordinator:tier2-1", municipality=musashino)
        )
        keys = [key for key, _ in scope_choices(council, musashino)]
        assert keys and not [key for key in keys if key.startswith("coordinator:")]

    def test_another_municipality_is_refused(self, musashino):
        from sasaeai.accounts.tests.factories import UserFactory

        stranger = UserFactory(role="tier1")
        assert not scope_allowed(stranger, scope_parse("municipality", municipality=musashino))
