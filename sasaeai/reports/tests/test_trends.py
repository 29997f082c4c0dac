"""Trends: the fiscal year month by month (a table, a vector chart in the PDF, a native chart
in Excel, SVG on the web page) and the municipality's figures by tier, counted from the
records."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.activities.models import Consultation, Visit
from sasaeai.activities.tests.factories import (
    ConsultationFactory,
    MeetingFactory,
    VisitFactory,
)
from sasaeai.core.periods import fiscal_year
from sasaeai.reports.document import document_build
from sasaeai.reports.render import pdf, xlsx
from sasaeai.reports.selection import scope_parse
from sasaeai.reports.selectors import report_figures

pytestmark = pytest.mark.django_db

FY = fiscal_year(2019)


@pytest.fixture
def year(musashino):
    tier1 = User.objects.get(username="tier1")
    tier2 = User.objects.get(username="tier2-1")
    days = [dt.date(2019, 4, 8), dt.date(2019, 4, 9), dt.date(2019, 8, 1), dt.date(2020, 3, 31)]
    for index, day in enumerate(days):
        VisitFactory(coordinator=tier2 if index % 2 else tier1, date=day)
    ConsultationFactory(coordinator=tier2, date=dt.date(2020, 1, 15))
    MeetingFactory(coordinator=tier1, date=dt.date(2019, 12, 2))
    VisitFactory(coordinator=tier1, date=dt.date(2020, 4, 1))  # the next fiscal year
    return musashino


def _figures(municipality):
    scope = scope_parse("municipality", municipality=municipality)
    figures, _ = report_figures(user=None, period=FY, scope=scope)
    return figures


def _section(document, key):
    return next(s for s in document.sections if s.key == key)


def test_the_months_of_the_fiscal_year_as_a_table_and_bars(year):
    figures = _figures(year)
    section = _section(document_build(figures), "trends")
    table, bars = section.blocks
    assert table.columns[1:] == [
        *[f"{n}月" for n in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)],
        "合計",
    ]
    in_year = Visit.objects.filter(date__range=(FY.start, FY.end))
    visits = table.rows[0]
    assert visits[0] == "訪問（延べ）"
    assert visits[1] == in_year.filter(date__month=4).count() == 2
    assert visits[12] == in_year.filter(date__month=3).count()
    assert visits[-1] == in_year.count() == sum(visits[1:-1])
    assert table.rows[1][10] == Consultation.objects.filter(date__month=1).count()
    assert bars.categories[0] == "平成31年4月" and bars.categories[9] == "令和2年1月"
    assert bars.series[0] == ("訪問（延べ）", visits[1:-1])


def test_the_tiers_side_by_side_add_up(year):
    figures = _figures(year)
    table = next(b for b in _section(document_build(figures), "tiers").blocks if b.kind == "table")
    rows = {row[0]: row for row in table.rows}
    in_year = Visit.objects.filter(date__range=(FY.start, FY.end))
    assert rows["訪問（延べ）"][1:3] == [
        in_year.filter(tier=1).count(),
        in_year.filter(tier=2).count(),
    ]
    assert rows["訪問（延べ）"][1] + rows["訪問（延べ）"][2] == figures.visits.total


def test_the_chart_in_every_format(year, client):
    from openpyxl import load_workbook

    figures = _figures(year)
    document = document_build(figures)
    # PDF: the table's figures extract and the chart is drawn as vectors (no image).
    content = pdf.render(document)
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert "《月別の件数》" in text
    months = _section(document, "trends").blocks[0].rows[0]
    assert "".join(str(v) for v in months) in text  # 訪問（延べ）2000100000014
    assert b"/Subtype /Image" not in content
    # Excel: a native bar chart over the month table.
    workbook = load_workbook(io.BytesIO(xlsx.render(document)))
    sheet = workbook["月別の推移"]
    assert len(sheet._charts) == 1
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert list(rows["訪問（延べ）"][1:14]) == months[1:]
    # Web: SVG with the counts in its description, no script or style.
    client.force_login(User.objects.get(username="official"))
    body = client.get(reverse("reports:show") + "?fiscal_year=2019&scope=municipality")
    html = body.content.decode()
    svg = re.search(r'<svg class="report-bars".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and "平成31年4月 2件" in svg
    assert "<script" not in svg and "style=" not in svg
