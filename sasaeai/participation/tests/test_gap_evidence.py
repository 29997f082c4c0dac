"""A gap as evidence of a regional issue: attached from the gap page with its figures frozen,
shown on the issue and in the council's briefing pack, small counts suppressed, and a later
run showing what changed."""

import pytest
from django.test import Client
from pypdf import PdfReader

from sasaeai.accounts.models import User
from sasaeai.councils.models import IssueFigure
from sasaeai.councils.tests.factories import AgendaItemFactory, MeetingFactory, RegionalIssueFactory
from sasaeai.org.models import Town
from sasaeai.participation.models import ParticipationSettings, PopulationCount
from sasaeai.participation.tests.factories import PopulationCountFactory, PopulationDatasetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gap(musashino):
    """御殿山 (town without population by 丁目 here) with 612 residents 65+ and no places."""
    town = Town.objects.get(municipality=musashino, name="御殿山")
    dataset = PopulationDatasetFactory(municipality=musashino)
    PopulationCountFactory(
        dataset=dataset,
        town=town,
        block=town.blocks.get(number=2),
        age_from=65,
        age_to=None,
        count=612,
    )
    PopulationCountFactory(
        dataset=dataset,
        town=town,
        block=town.blocks.get(number=1),
        age_from=65,
        age_to=None,
        count=7,
    )
    issue = RegionalIssueFactory(
        municipality=musashino,
        title="通いの場が足りない",
        raised_by=User.objects.get(username="tier1"),
    )
    return town, issue


def _client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="tier1"))
    return client


def test_attach_freezes_the_figures_and_the_briefing_shows_them(gap, musashino):
    _, issue = gap
    client = _client()
    page = client.get("/participation/gaps/")
    form = page.context["attach_form"]
    key = next(value for value, label in form.fields["town"].choices if "御殿山二丁目" in label)
    answer = client.post(
        "/participation/gaps/attach/",
        {"town": key, "issue": issue.pk, "walk_m": 500, "category": "", "joinable": ""},
    )
    assert answer.status_code == 302
    figure = IssueFigure.objects.get(issue=issue)
    assert figure.statement == "御殿山二丁目: 65歳以上 612人、徒歩500m以内に週1回以上の通いの場なし"
    assert figure.figures["residents_65_plus"] == 612
    detail = client.get(f"/councils/issues/{issue.pk}/").content.decode()
    assert "御殿山二丁目: 65歳以上 612人" in detail
    meeting = MeetingFactory(
        municipality=musashino, coordinator=User.objects.get(username="tier1"), tier=1
    )
    AgendaItemFactory(meeting=meeting, issue=issue)
    pdf = client.get(f"/councils/meetings/{meeting.pk}/briefing.pdf")
    text = "".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(pdf.content)).pages)
    assert "数値の根拠" in text and "612" in text

    # Later the population changes: the page shows the figures then and now.
    PopulationCount.objects.filter(count=612).update(count=640)
    html = client.get("/participation/gaps/").content.decode()
    assert "612人・0か所 → 今 640人・0か所（+28人）" in html


def test_small_counts_are_suppressed_under_the_threshold(gap, musashino):
    _, issue = gap
    ParticipationSettings.objects.create(municipality=musashino, suppression_threshold=10)
    client = _client()
    form = client.get("/participation/gaps/").context["attach_form"]
    key = next(value for value, label in form.fields["town"].choices if "御殿山一丁目" in label)
    client.post(
        "/participation/gaps/attach/",
        {"town": key, "issue": issue.pk, "walk_m": 500, "category": "", "joinable": ""},
    )
    figure = IssueFigure.objects.get(issue=issue)
    assert "65歳以上 10人未満" in figure.statement and " 7人" not in figure.statement


def test_attach_form_keeps_input_on_error(gap):
    _, issue = gap
    answer = _client().post(
        "/participation/gaps/attach/",
        {"town": "", "issue": issue.pk, "walk_m": 500, "category": "", "joinable": ""},
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "error-summary" in html
    assert f'<option value="{issue.pk}" selected>' in html
    assert not IssueFigure.objects.exists()
