"""Text that stays true: a written section keeps the key figures of the moment it was saved;
when the records change afterwards, the numbers it quotes that no longer match are flagged on
the page and in the PDF (and nothing is flagged while they match)."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.activities.models import Visit
from sasaeai.activities.tests.factories import VisitFactory
from sasaeai.reports.document import stale_numbers
from sasaeai.reports.models import Report, ReportText

pytestmark = pytest.mark.django_db

HALF = "fiscal_year=2015&half=first&scope=municipality"


@pytest.fixture
def written(musashino, client):
    """Three visits of 90 minutes, and 成果 written through the edit page quoting them."""
    user = User.objects.get(username="tier1")
    for day in (dt.date(2015, 5, 1), dt.date(2015, 6, 1)):
        VisitFactory(coordinator=user, date=day)
    VisitFactory(coordinator=user, date=dt.date(2015, 7, 1), start_time=dt.time(9, 30))
    visits = Visit.objects.count()
    client.force_login(user)
    url = client.post(reverse("reports:prepare") + f"?{HALF}", {"then": "achievements"}).url
    text = f"総時間5時間を{visits}件の訪問に充てた。地域の集まりは12件。"
    assert client.post(url, {"text": text, "based_on": "0"}).status_code == 302
    return user, visits


def _plain(client) -> str:
    body = client.get(reverse("reports:show") + f"?{HALF}").content.decode()
    return re.sub(r"<[^>]+>", "", body)


def test_the_text_keeps_the_figures_it_was_written_with(written, client):
    _user, visits = written
    version = ReportText.objects.get(report=Report.objects.get())
    assert version.figures["visits"] == visits
    assert version.figures["visit_hours"] == 5  # 90 + 90 + 120 minutes
    assert "本文の数字が現在の集計と合いません" not in _plain(client)


def test_a_quoted_number_the_records_changed_is_flagged_on_the_page_and_in_the_pdf(written, client):
    from pypdf import PdfReader

    user, visits = written
    VisitFactory(coordinator=user, date=dt.date(2015, 8, 3))
    now = Visit.objects.filter(date__year=2015).count()
    plain = _plain(client)
    assert "本文の数字が現在の集計と合いません" in plain
    assert f"「{visits}件」（訪問（延べ））: 書いた時点は{visits}件、現在は{now}件" in plain
    # The hours (5 → 6.5, shown 7, with a new 90-minute visit) are flagged too; 「12件」 quoted no figure.
    assert "「5時間」（訪問の総時間）" in plain
    assert "「12件」" not in plain
    response = client.get(reverse("reports:download", args=["pdf"]) + f"?{HALF}")
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert f"「{visits}件」（訪問（延べ））:書いた時点は{visits}件、現在は{now}件" in text


def test_a_number_still_matching_another_figure_of_its_unit_is_not_flagged():
    then = {"visits": 3, "consultations": 5}
    assert stale_numbers("相談5件", then, {"visits": 5, "consultations": 6}) == []
    assert stale_numbers("相談5件", {}, {"consultations": 6}) == []
    assert stale_numbers("相談5件", then, {"visits": 4, "consultations": 6}) == [
        "「5件」（相談対応）: 書いた時点は5件、現在は6件"
    ]
