"""Comparisons officials use: the previous period and the same period of the previous year
(前年同期比), counted from the records; a period without records says 「記録なし」, never an
increase from zero."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.activities.models import Visit
from sasaeai.activities.tests.factories import VisitFactory
from sasaeai.core.periods import half_year
from sasaeai.reports.document import document_build
from sasaeai.reports.figures import percent
from sasaeai.reports.render import csvfile, pdf
from sasaeai.reports.selection import scope_parse
from sasaeai.reports.selectors import report_figures

pytestmark = pytest.mark.django_db

H1_2019 = half_year(2019, "first")


@pytest.fixture
def two_years(musashino):
    """Visits in 令和元年度上半期 and in 平成30年度上半期; none in 平成30年度下半期."""
    user = User.objects.get(username="tier2-1")
    for day in (dt.date(2019, 5, 1), dt.date(2019, 6, 3), dt.date(2019, 9, 2)):
        VisitFactory(coordinator=user, date=day)
    for day in (dt.date(2018, 4, 10), dt.date(2018, 7, 1)):
        VisitFactory(coordinator=user, date=day)
    return musashino


def _previous_table(figures):
    section = next(s for s in document_build(figures).sections if s.key == "previous")
    table = next(b for b in section.blocks if b.kind == "table")
    return section, table, {row[0]: row for row in table.rows}


def test_same_period_last_year_beside_the_previous_half(two_years):
    scope = scope_parse("municipality", municipality=two_years)
    figures, _ = report_figures(user=None, period=H1_2019, scope=scope)
    now = Visit.objects.filter(date__range=(H1_2019.start, H1_2019.end)).count()
    last = H1_2019.same_period_last_year()
    before = Visit.objects.filter(date__range=(last.start, last.end)).count()
    assert (now, before) == (figures.visits.total, figures.previous_year.values["visits"])
    section, table, rows = _previous_table(figures)
    assert "前年同期（平成30年度上半期）" in section.title
    assert table.columns[:4] == ["項目", "令和元年度上半期", "平成30年度下半期", "増減"]
    # The previous half had no records at all: 「記録なし」, not +3.
    assert rows["訪問（延べ）"][2:4] == ["記録なし", "—"]
    assert rows["訪問（延べ）"][4:7] == [before, f"+{now - before}", f"{percent(now, before)}%"]
    # A figure with nothing to divide by has no ratio.
    assert rows["講演"][6] == "—"
    notes = [b.text for b in section.blocks if b.kind == "para"]
    assert any("平成30年度下半期は記録がないため「記録なし」" in n for n in notes)


def test_the_comparison_in_the_pdf_and_csv(two_years):
    from pypdf import PdfReader

    scope = scope_parse("municipality", municipality=two_years)
    figures, _ = report_figures(user=None, period=H1_2019, scope=scope)
    reader = PdfReader(io.BytesIO(pdf.render(document_build(figures))))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert "訪問（延べ）3記録なし—2+1150.0%件" in text
    rows = csvfile.render(figures).decode("utf-8-sig").splitlines()
    assert any(",前年同期との比較,訪問（延べ）,平成30年度上半期,2,件" in r for r in rows)
    assert not any(",前期との比較,訪問（延べ）,平成30年度下半期," in r for r in rows)


def test_a_fiscal_year_is_compared_once(two_years, client):
    """For a fiscal year the previous period is the previous year: one comparison, shown on
    the page."""
    client.force_login(User.objects.get(username="official"))
    body = client.get(reverse("reports:show") + "?fiscal_year=2019&scope=municipality")
    html = body.content.decode()
    assert "前期（平成30年度）との比較" in html
    assert "前年同期" not in html
