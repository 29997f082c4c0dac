"""The indicators reported upward, in a municipality's fiscal-year report: each counted from
the records with its rule and source (document and item); what Sasaeai cannot count yet is
「未集計」 with the reason, an item whose official wording was not found shows no value."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.activities.models import Meeting, Visit
from sasaeai.activities.tests.factories import MeetingFactory, VisitFactory
from sasaeai.core.periods import fiscal_year, half_year
from sasaeai.councils.tests.factories import CouncilFactory
from sasaeai.reports.document import document_build
from sasaeai.reports.indicators import NOT_COUNTED, WORDING_NOT_FOUND
from sasaeai.reports.selection import scope_parse
from sasaeai.reports.selectors import report_figures

pytestmark = pytest.mark.django_db

FY = fiscal_year(2019)


@pytest.fixture
def year(musashino):
    tier1 = User.objects.get(username="tier1")
    tier2 = list(User.objects.filter(municipality=musashino, role="tier2").order_by("pk")[:2])
    VisitFactory(coordinator=tier1, date=dt.date(2019, 5, 1))
    for user in tier2:
        VisitFactory(coordinator=user, date=dt.date(2019, 6, 1))
        VisitFactory(coordinator=user, date=dt.date(2019, 7, 1))
    VisitFactory(coordinator=tier2[0], date=dt.date(2020, 4, 1))  # next fiscal year
    council = CouncilFactory(municipality=musashino, tier=2, area=tier2[0].areas.first())
    for day in (dt.date(2019, 6, 10), dt.date(2019, 11, 10)):
        MeetingFactory(coordinator=tier2[0], date=day, council=council)
    MeetingFactory(coordinator=tier1, date=dt.date(2019, 9, 1), meeting_type="tier1_council")
    MeetingFactory(coordinator=tier1, date=dt.date(2019, 9, 2), meeting_type="liaison")
    return musashino


def _indicators(municipality, period=FY):
    scope = scope_parse("municipality", municipality=municipality)
    figures, _ = report_figures(user=None, period=period, scope=scope)
    return figures, {i.name: i for i in figures.indicators}


def test_counted_indicators_follow_their_rule(year):
    _figures, found = _indicators(year)
    visits = Visit.objects.filter(date__range=(FY.start, FY.end))
    for tier in (1, 2):
        expected = visits.filter(tier=tier).values("coordinator").distinct().count()
        assert found[f"生活支援コーディネーター（第{tier}層）"].value == expected
    meetings = Meeting.objects.filter(date__range=(FY.start, FY.end))
    assert found["協議体の開催（第2層）"].value == meetings.filter(council__tier=2).count() == 2
    assert found["協議体の開催（第1層）"].value == (
        meetings.filter(meeting_type="tier1_council").count()
    )
    for indicator in found.values():
        assert indicator.document and indicator.item  # every row names its source
        if indicator.status:
            assert indicator.value is None and indicator.reason
    assert found["通いの場の参加者実人数"].shown == NOT_COUNTED
    assert found["生活支援体制整備事業に関する評価指標"].shown == WORDING_NOT_FOUND


def test_the_indicators_on_the_page_and_in_excel(year, client):
    from openpyxl import load_workbook

    figures, found = _indicators(year)
    section = next(s for s in document_build(figures).sections if s.key == "indicators")
    assert section.title == "国・都道府県への報告に使う指標"
    client.force_login(User.objects.get(username="official"))
    query = "?fiscal_year=2019&scope=municipality"
    html = client.get(reverse("reports:show") + query).content.decode()
    assert "国・都道府県への報告に使う指標" in html and "未集計" in html
    content = client.get(reverse("reports:download", args=["xlsx"]) + query).content
    sheet = load_workbook(io.BytesIO(content))["国への報告指標"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["協議体の開催（第2層）"][1] == found["協議体の開催（第2層）"].value
    assert rows["通いの場の参加者実人数"][1] == NOT_COUNTED


def test_a_half_year_has_no_indicators(year):
    figures, found = _indicators(year, half_year(2019, "first"))
    assert found == {}
    assert all(s.key != "indicators" for s in document_build(figures).sections)
