"""The two forms of a regional issue page without friction (issue 21): 「段階を進める」 offers
the meetings that make sense (recent, of the step's kind first, with era dates and names that
tell two alike meetings apart), not every meeting as an ISO date; 「根拠を追加する」 finds records
by words and a period and adds one with its button, never by typing an internal number."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.activities.models import MeetingType
from sasaeai.activities.tests.factories import (
    ConsultationFactory,
    MeetingFactory,
    VisitFactory,
)
from sasaeai.core.eras import era_date
from sasaeai.councils.models import IssueEvidence, IssueStatus
from sasaeai.councils.tests.factories import RegionalIssueFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def tier1(client, musashino):
    user = User.objects.get(username="tier1")
    client.force_login(user)
    return user


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(0)


def test_advancing_offers_recent_meetings_of_the_right_kind_with_era_dates(
    client, tier1, musashino
):
    issue = RegionalIssueFactory(
        municipality=musashino, raised_by=tier1, status=IssueStatus.TIER2_REVIEW
    )  # the next step is 連携会議で集約
    liaison = [
        MeetingFactory(
            coordinator=tier1,
            area=None,
            meeting_type=MeetingType.LIAISON,
            title="連携会議",
            venue=venue,
            date=TODAY - dt.timedelta(days=days),
        )
        for venue, days in (("市役所", 10), ("かたらいの道", 40))
    ]
    other = MeetingFactory(
        coordinator=tier1,
        area=None,
        meeting_type=MeetingType.INTERNAL,
        title="庁内打合せ",
        date=TODAY - dt.timedelta(days=5),
    )
    old = MeetingFactory(
        coordinator=tier1,
        area=None,
        meeting_type=MeetingType.LIAISON,
        title="昔の連携会議",
        date=TODAY - dt.timedelta(days=500),
    )
    html = client.get(f"/councils/issues/{issue.pk}/").content.decode()
    select = _select(html, "meeting")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", select), "ISO dates in the meeting list"
    assert era_date(liaison[0].date, full_width=True) in select
    assert "会場: 市役所" in select and "会場: かたらいの道" in select  # alike names told apart
    assert "昔の連携会議" not in select  # over a year ago
    fitting, rest = select.split("そのほかの最近の会議")
    assert f'value="{liaison[0].pk}"' in fitting and f'value="{liaison[1].pk}"' in fitting
    assert "「連携会議で集約」の会議" in fitting
    assert f'value="{other.pk}"' in rest
    # The choice is accepted and recorded with the step.
    response = client.post(
        f"/councils/issues/{issue.pk}/advance/",
        {"to_status": "pooled", "date": TODAY.isoformat(), "meeting": liaison[1].pk},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.POOLED
    assert issue.transitions.order_by("-id").first().meeting_id == liaison[1].pk
    assert old.pk  # made, but not offered


def test_evidence_is_found_by_words_and_period_and_added_with_its_button(client, tier1, musashino):
    issue = RegionalIssueFactory(municipality=musashino, raised_by=tier1)
    wanted = ConsultationFactory(
        coordinator=tier1, area=None, summary="買い物に行けず困っている", date=TODAY
    )
    older = ConsultationFactory(
        coordinator=tier1,
        area=None,
        summary="買い物の帰りに休める場所がない",
        date=TODAY - dt.timedelta(days=200),
    )
    ConsultationFactory(coordinator=tier1, area=None, summary="囲碁の相手がほしい", date=TODAY)
    visit = VisitFactory(coordinator=tier1, area=None, place_name="買い物支援の会", date=TODAY)

    page = client.get(f"/councils/issues/{issue.pk}/").content.decode()
    assert "記録の番号" not in page
    assert not re.search(r'<input type="(number|text)" name="record_id"', page)

    since = (TODAY - dt.timedelta(days=30)).isoformat()
    # Without JavaScript: the page shows the results.
    page = client.get(
        f"/councils/issues/{issue.pk}/", {"q": "買い物", "date_from": since, "date_to": ""}
    ).content.decode()
    results = page.split('id="evidence-results"', 1)[1].split("</ul>", 1)[0]
    assert "買い物に行けず困っている" in results
    assert "買い物支援の会への訪問" in results
    assert "休める場所" not in results  # before the period
    assert "囲碁" not in results  # not the words
    # The htmx fragment holds the same results.
    fragment = client.get(
        f"/councils/issues/{issue.pk}/evidence/search/", {"q": "買い物 困って"}
    ).content.decode()
    assert "買い物に行けず困っている" in fragment and "休める場所" not in fragment
    assert "#" + str(wanted.pk) not in fragment
    assert f'name="record_id" value="{wanted.pk}"' in fragment

    response = client.post(
        f"/councils/issues/{issue.pk}/evidence/",
        {"kind": "consultation", "record_id": wanted.pk},
    )
    assert response.status_code == 302
    assert IssueEvidence.objects.filter(issue=issue, consultation=wanted).exists()
    # Once added, it is not offered again.
    fragment = client.get(
        f"/councils/issues/{issue.pk}/evidence/search/", {"q": "買い物"}
    ).content.decode()
    assert "買い物に行けず困っている" not in fragment and "休める場所" in fragment
    assert older.pk and visit.pk


def test_no_internal_record_numbers_on_the_issue_page(client, tier1, musashino):
    issue = RegionalIssueFactory(municipality=musashino, raised_by=tier1)
    record = ConsultationFactory(coordinator=tier1, area=None, summary="移動販売の相談")
    client.post(
        f"/councils/issues/{issue.pk}/evidence/", {"kind": "consultation", "record_id": record.pk}
    )
    page = client.get(f"/councils/issues/{issue.pk}/", {"q": "相談"}).content.decode()
    assert "移動販売の相談" in page
    assert not re.search(
        r"#\d+", re.sub(r'href="[^"]*"|hx-[a-z]+="[^"]*"|action="[^"]*"', "", page)
    )
    assert "consultation #" not in page


def test_evidence_search_folds_width_and_kana_as_the_resource_search_does(client, tier1, musashino):
    """ｶﾗｵｹ (half width), からおけ and カラオケ are one word, in the records and in the query;
    so are Ｃａｆｅ and cafe (core.text.search_key on both sides, in the database)."""
    issue = RegionalIssueFactory(municipality=musashino, raised_by=tier1)
    ConsultationFactory(
        coordinator=tier1, area=None, summary="カラオケの会が減って行き場がない", date=TODAY
    )
    VisitFactory(coordinator=tier1, area=None, place_name="ｶﾗｵｹ喫茶　Ｃａｆｅうた", date=TODAY)
    MeetingFactory(coordinator=tier1, area=None, title="からおけ交流会の相談", date=TODAY)
    ConsultationFactory(coordinator=tier1, area=None, summary="囲碁の相手がほしい", date=TODAY)
    for query in ("ｶﾗｵｹ", "からおけ", "カラオケ", "ｶﾗｵｹ　から"):
        fragment = client.get(
            f"/councils/issues/{issue.pk}/evidence/search/", {"q": query}
        ).content.decode()
        assert "カラオケの会が減って行き場がない" in fragment, query
        assert "ｶﾗｵｹ喫茶" in fragment, query
        assert "からおけ交流会の相談" in fragment, query
        assert "囲碁" not in fragment, query
    fragment = client.get(
        f"/councils/issues/{issue.pk}/evidence/search/", {"q": "cafe"}
    ).content.decode()
    assert "ｶﾗｵｹ喫茶" in fragment and "カラオケの会" not in fragment
