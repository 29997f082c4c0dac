"""A referral's next check (次の確認日) is a plan (sasaeai/core/plans.py): the follow-up page
refused nothing, so a date years in the past (2020) was saved silently. Now a date before the
referral's status date is refused with the reason, on the page and in the API; a date more
than a year ahead is saved only once the user confirms it."""

import datetime as dt

import pytest
from django.urls import reverse

from sasaeai.cases.tests.factories import CaseFactory, ReferralFactory

TODAY = dt.date.today()


@pytest.fixture
def referral(client, world):
    client.force_login(world["users"]["tier2-6"])
    case = CaseFactory(area=world["areas"][5], town=world["kyonan"])
    return ReferralFactory(case=case, status_on=TODAY - dt.timedelta(days=10))


def test_a_next_check_in_2020_is_refused_with_the_reason(client, referral):
    url = reverse("cases:referral_follow_up", args=[referral.pk])
    response = client.post(url, {"follow_up_on": "2020-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "令和2年1月1日" in html and "より前になっています" in html
    assert 'aria-invalid="true"' in html
    referral.refresh_from_db()
    assert referral.follow_up_on is None


def test_a_next_check_years_ahead_asks_for_a_confirmation(client, referral):
    url = reverse("cases:referral_follow_up", args=[referral.pk])
    far = TODAY + dt.timedelta(days=800)
    response = client.post(url, {"follow_up_on": far.isoformat()})
    html = response.content.decode()
    assert "1年以上先" in html and 'name="confirm_far_plan"' in html
    referral.refresh_from_db()
    assert referral.follow_up_on is None
    response = client.post(url, {"follow_up_on": far.isoformat(), "confirm_far_plan": "on"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.follow_up_on == far


def test_a_usual_next_check_needs_no_confirmation(client, referral):
    url = reverse("cases:referral_follow_up", args=[referral.pk])
    soon = TODAY + dt.timedelta(days=14)
    assert client.post(url, {"follow_up_on": soon.isoformat()}).status_code == 302
    referral.refresh_from_db()
    assert referral.follow_up_on == soon


def test_the_api_refuses_a_next_check_before_the_status_date(client, referral):
    response = client.patch(
        f"/api/v1/referrals/{referral.pk}",
        {"follow_up_on": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "より前になっています" in response.json()["errors"]["follow_up_on"][0]
