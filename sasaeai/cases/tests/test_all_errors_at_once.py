"""A refused form shows all its errors in one round (issue 17, defect 4; issue 21): the case
form showed them in rounds (first the future date, then on the next submit the age over 120 and
丁目 not in 町), and advancing a referral hid its rules until the user broke them. Each form here
is sent once with several independent mistakes; every one must be named in that one answer,
in the error summary at the top of the page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from sasaeai.cases.models import Case, CaseEntry, Referral
from sasaeai.cases.tests.factories import CaseFactory, ReferralFactory
from sasaeai.org.models import TownBlock

TODAY = dt.date.today()
FUTURE = (TODAY + dt.timedelta(days=30)).isoformat()


def _summary(html: str) -> str:
    match = re.search(r"<div class=\"error-summary\".*?</ul>", html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


@pytest.fixture
def tier2(client, world):
    user = world["users"]["tier2-6"]
    client.force_login(user)
    return user


def _case_data(world, **changes) -> dict:
    data = {
        "area": world["areas"][5].pk,
        "received_on": TODAY.isoformat(),
        "brought_by": Case._meta.get_field("brought_by").choices[0][0],
        "sex": "female",
        "role_preference": "either",
        "town": world["kyonan"].pk,
    }
    data.update(changes)
    return data


def test_the_case_form_names_every_mistake_in_one_answer(client, world, tier2):
    elsewhere = TownBlock.objects.exclude(town=world["kyonan"]).first()
    response = client.post(
        reverse("cases:create"),
        _case_data(
            world,
            received_on=FUTURE,  # a check of the service
            age="130",  # a limit of the field
            town_block=elsewhere.pk,  # a rule of the model across two fields
            free_time_from="15:00",
            free_time_to="14:00",  # another rule across two fields
        ),
    )
    assert response.status_code in (400, 422, 200)
    summary = _summary(response.content.decode())
    assert "未来の日付" in summary
    assert "120" in summary
    assert "丁目が町と一致しません" in summary
    assert "空いている時間の終わりが始まりより前" in summary
    assert not Case.objects.exists()


def test_the_case_form_names_model_rules_even_when_a_field_cannot_be_read(client, world, tier2):
    elsewhere = TownBlock.objects.exclude(town=world["kyonan"]).first()
    response = client.post(
        reverse("cases:create"),
        _case_data(world, received_on="2025-02-30", town_block=elsewhere.pk),
    )
    summary = _summary(response.content.decode())
    assert "受付日" in summary and "丁目が町と一致しません" in summary


def test_editing_a_case_does_not_change_it_before_the_save(client, world, tier2):
    """The form checks the model on a copy: a refused edit leaves the case as it was and the
    audit of the next save names what really changed."""
    case = CaseFactory(area=world["areas"][5], town=world["kyonan"], hobbies="カラオケ")
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        _case_data(world, number=case.number, hobbies="囲碁", age="130", status="open"),
    )
    assert "120" in _summary(response.content.decode())
    case.refresh_from_db()
    assert case.hobbies == "カラオケ"


def test_advancing_a_referral_names_every_rule_broken_at_once(client, world, tier2):
    case = CaseFactory(area=world["areas"][5], town=world["kyonan"], consent_to_share=False)
    referral = ReferralFactory(case=case, status_on=TODAY - dt.timedelta(days=3))
    prefix = f"r{referral.pk}-"
    response = client.post(
        reverse("cases:referral_advance", args=[referral.pk]),
        {
            prefix + "to_status": "started",
            prefix + "date": FUTURE,
            prefix + "follow_up_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    summary = _summary(html)
    assert "本人の同意" in summary
    assert "未来の日付" in summary
    assert "次の確認日" in summary and "より前になっています" in summary
    # The summary is the first thing of the page's content and links to the fields.
    assert html.index('class="error-summary"') < html.index('id="h-person"')
    assert f'href="#id_{prefix}date"' in summary
    assert Referral.objects.get(pk=referral.pk).status == "proposed"


def test_the_consent_rule_is_stated_before_the_user_breaks_it(client, world, tier2):
    case = CaseFactory(area=world["areas"][5], town=world["kyonan"], consent_to_share=False)
    ReferralFactory(case=case)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "同意" in html.split("状態を進める", 1)[1].split("</form>", 1)[0]


def test_a_timeline_entry_names_every_mistake_at_once(client, world, tier2):
    case = CaseFactory(area=world["areas"][5], town=world["kyonan"])
    other = ReferralFactory(case=CaseFactory(area=world["areas"][5]))
    response = client.post(
        reverse("cases:entry_create", args=[case.pk]),
        {"kind": "call", "date": "2025-02-30", "referral": other.pk, "text": "電話で様子を聞いた"},
    )
    summary = _summary(response.content.decode())
    assert "日付" in summary and "つなぎ先" in summary
    assert not CaseEntry.objects.filter(case=case).exists()


def test_a_trial_visit_can_be_planned_for_a_future_date(client, world, tier2):
    """見学・体験 is arranged before it happens (issue 21): its date may be ahead; the start of
    use (利用開始) is still recorded once it happened."""
    case = CaseFactory(area=world["areas"][5], town=world["kyonan"], consent_to_share=True)
    referral = ReferralFactory(case=case, status_on=TODAY - dt.timedelta(days=3))
    prefix = f"r{referral.pk}-"
    planned = TODAY + dt.timedelta(days=10)
    response = client.post(
        reverse("cases:referral_advance", args=[referral.pk]),
        {prefix + "to_status": "trial", prefix + "date": planned.isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    referral.refresh_from_db()
    assert (referral.status, referral.status_on) == ("trial", planned)
    response = client.post(
        reverse("cases:referral_advance", args=[referral.pk]),
        {prefix + "to_status": "started", prefix + "date": FUTURE},
    )
    assert response.status_code == 422
    assert "未来の日付" in _summary(response.content.decode())


def test_a_trial_planned_over_a_year_ahead_asks_for_a_confirmation(client, world, tier2):
    case = CaseFactory(area=world["areas"][5], town=world["kyonan"], consent_to_share=True)
    referral = ReferralFactory(case=case, status_on=TODAY - dt.timedelta(days=3))
    prefix = f"r{referral.pk}-"
    far = (TODAY + dt.timedelta(days=400)).isoformat()
    url = reverse("cases:referral_advance", args=[referral.pk])
    response = client.post(url, {prefix + "to_status": "trial", prefix + "date": far})
    assert response.status_code == 422
    assert "1年以上先" in _summary(response.content.decode())
    response = client.post(
        url,
        {prefix + "to_status": "trial", prefix + "date": far, prefix + "confirm_far_plan": "on"},
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "trial"
