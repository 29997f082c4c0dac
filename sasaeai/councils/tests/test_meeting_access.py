"""Who reads a meeting: one rule (`activities.selectors.meeting_visible_to`) for the council
pages, the activity pages and the API. A council member reads the meetings of councils, never
an activity record such as a 地域ケア会議 that belongs to no council (it may discuss people)."""

import pytest

from sasaeai.accounts.models import User
from sasaeai.councils.tests.factories import CouncilFactory, MeetingFactory
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db

MINUTES = "田中様の見守りについて検討"


@pytest.fixture
def meetings(musashino):
    areas = list(Area.objects.filter(municipality=musashino).order_by("order"))
    east, south = areas[0], areas[5]  # tier2-1 works in east, tier2-6 in south
    coordinator = User.objects.get(username="tier2-1")
    council = CouncilFactory(municipality=musashino, area=east)
    common = {"municipality": musashino, "coordinator": coordinator, "minutes_text": MINUTES}
    return {
        "of_council": MeetingFactory(area=east, council=council, **common),
        "without_council": MeetingFactory(area=east, council=None, **common),
        "south": south,
    }


def _get(client, username, url):
    client.force_login(User.objects.get(username=username))
    return client.get(url)


def test_council_member_cannot_open_a_meeting_without_council_on_the_council_page(client, meetings):
    meeting = meetings["without_council"]
    response = _get(client, "council", f"/councils/meetings/{meeting.pk}/")
    assert response.status_code == 404
    assert MINUTES not in response.content.decode()


def test_council_member_cannot_download_the_briefing_of_a_meeting_without_council(client, meetings):
    meeting = meetings["without_council"]
    response = _get(client, "council", f"/councils/meetings/{meeting.pk}/briefing.pdf")
    assert response.status_code == 404


def test_council_member_opens_a_council_meeting(client, meetings):
    meeting = meetings["of_council"]
    response = _get(client, "council", f"/councils/meetings/{meeting.pk}/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "kind", "expected"),
    [
        # The council page and the activity page answer alike for every role.
        ("tier1", "without_council", 200),
        ("tier2-1", "without_council", 200),
        ("tier2-6", "without_council", 404),
        ("official", "without_council", 200),
        ("admin", "without_council", 404),
        ("tier2-6", "of_council", 200),
    ],
)
def test_the_council_page_follows_the_one_meeting_rule(client, meetings, username, kind, expected):
    meeting = meetings[kind]
    response = _get(client, username, f"/councils/meetings/{meeting.pk}/")
    assert response.status_code == expected


def test_a_meeting_without_council_cannot_be_chosen_by_a_coordinator_of_another_area(
    client, meetings
):
    """The issue advance form and API offer only meetings the user may read."""
    from sasaeai.councils.tests.factories import RegionalIssueFactory

    issue = RegionalIssueFactory(
        municipality=meetings["of_council"].municipality,
        raised_by=User.objects.get(username="tier2-6"),
        areas=[meetings["south"]],
    )
    client.force_login(User.objects.get(username="tier2-6"))
    response = client.post(
        f"/api/v1/regional-issues/{issue.pk}/advance",
        {
            "to_status": "tier2_review",
            "date": "2025-05-01",
            "meeting_id": meetings["without_council"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("username", "kind", "expected"),
    [
        ("tier1", "without_council", 200),
        ("tier2-1", "without_council", 200),
        ("tier2-6", "without_council", 404),
        ("tier2-6", "of_council", 200),
        ("official", "of_council", 200),
        # The activity pages need the activities capability before any object is looked up.
        ("council", "without_council", 403),
        ("council", "of_council", 403),
    ],
)
def test_the_activity_page_and_api_follow_the_same_rule(client, meetings, username, kind, expected):
    meeting = meetings[kind]
    response = _get(client, username, f"/activities/meetings/{meeting.pk}/")
    assert response.status_code == expected
    api = client.get(f"/api/v1/meetings/{meeting.pk}")
    assert api.status_code == expected
