"""Actions posted from a council page (progress of a recommendation, evidence of an issue, a
decision on an agenda item) that fail come back as a form with what was typed and the error
at the top, never as a redirect that drops it."""

import pytest

from sasaeai.accounts.models import User
from sasaeai.councils.models import Council
from sasaeai.councils.tests.factories import (
    AgendaItemFactory,
    CouncilFactory,
    MeetingFactory,
    RecommendationFactory,
    RegionalIssueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier1(client, musashino):
    user = User.objects.get(username="tier1")
    client.force_login(user)
    return user


def test_progress_with_a_wrong_percentage_keeps_the_note(client, tier1, musashino):
    council = CouncilFactory(
        municipality=musashino, tier=1, area=None, kind=Council.Kind.PROMOTION_COUNCIL
    )
    recommendation = RecommendationFactory(
        proposal__municipality=musashino, proposal__council=council
    )
    response = client.post(
        f"/councils/recommendations/{recommendation.pk}/progress/",
        {"date": "2025-06-01", "percent": "150", "note": "送迎ボランティアの募集を始めた"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "送迎ボランティアの募集を始めた" in page
    assert 'value="150"' in page
    assert "error-summary" in page


def test_evidence_with_a_wrong_number_keeps_the_note(client, tier1, musashino):
    issue = RegionalIssueFactory(municipality=musashino, raised_by=tier1)
    response = client.post(
        f"/councils/issues/{issue.pk}/evidence/",
        {"kind": "consultation", "record_id": "0", "note": "買い物の相談が続く"},
    )
    assert response.status_code == 400
    assert "買い物の相談が続く" in response.content.decode()


def test_a_decision_that_fails_keeps_the_text(client, tier1, musashino):
    meeting = MeetingFactory(municipality=musashino, coordinator=tier1, tier=1)
    issue = RegionalIssueFactory(municipality=musashino, raised_by=tier1)
    item = AgendaItemFactory(meeting=meeting, issue=issue)
    response = client.post(
        f"/councils/agenda/{item.pk}/decision/",
        {f"d{item.pk}-decision": "no-such-decision", f"d{item.pk}-decision_text": "次回継続"},
    )
    assert response.status_code == 400
    assert "次回継続" in response.content.decode()
