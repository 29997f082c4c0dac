"""The case pages through the requests users make: access for every role, audit of every
read and change, forms that keep what was typed, referrals followed to their outcome."""

import datetime as dt

import pytest
from django.urls import reverse

from sasaeai.audit.models import AuditEvent
from sasaeai.cases.models import Case, CaseStory, Referral, ReferralTransition
from sasaeai.cases.tests.factories import CaseFactory

TODAY = dt.date.today()


def login(client, world, username):
    client.force_login(world["users"][username])
    return world["users"][username]


@pytest.fixture
def case6(world):
    """A case of the 境南エリア (tier2-6), with a name that must stay out of logs."""
    return CaseFactory(
        area=world["areas"][5],
        town=world["kyonan"],
        person_name="武蔵野 花子",
        contact_phone="0422-00-0000",
        hobbies="カラオケ",
        coordinator=world["users"]["tier2-6"],
    )


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("tier2-6", 200),
        ("tier1", 200),
        ("tier2-1", 404),
        ("official", 403),
        ("council", 403),
        ("admin", 403),
    ],
)
def test_case_detail_access_by_role(client, world, case6, username, status):
    login(client, world, username)
    response = client.get(reverse("cases:detail", args=[case6.pk]))
    assert response.status_code == status
    if status == 200:
        assert "武蔵野 花子" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "status"),
    [("tier2-6", 200), ("tier1", 200), ("official", 403), ("council", 403), ("admin", 403)],
)
def test_case_list_access_by_role(client, world, case6, username, status):
    login(client, world, username)
    assert client.get(reverse("cases:list")).status_code == status


def test_anonymous_is_sent_to_login(client, world, case6):
    response = client.get(reverse("cases:detail", args=[case6.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_tier2_list_shows_only_its_areas(client, world, case6):
    other = CaseFactory(area=world["areas"][0], number="OTHER-1")
    login(client, world, "tier2-6")
    body = client.get(reverse("cases:list")).content.decode()
    assert case6.number in body
    assert other.number not in body
    login(client, world, "tier1")
    body = client.get(reverse("cases:list")).content.decode()
    assert case6.number in body and other.number in body


def test_case_list_queries_are_bounded(client, world, django_assert_max_num_queries):
    for i in range(30):
        CaseFactory(area=world["areas"][5], number=f"Q-{i}")
    login(client, world, "tier2-6")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200


def test_viewing_a_case_is_audited_without_personal_data(client, world, case6):
    login(client, world, "tier2-6")
    client.get(reverse("cases:detail", args=[case6.pk]))
    event = AuditEvent.objects.filter(action="view", target_type="cases.case").latest("id")
    assert event.target_id == str(case6.pk)
    assert event.username == "tier2-6"
    assert "花子" not in event.summary and "0422" not in event.summary


def _case_post(world, **overrides):
    data = {
        "area": world["areas"][5].pk,
        "number": "",
        "received_on": TODAY.isoformat(),
        "brought_by": "care_manager",
        "brought_by_note": "地域包括支援センター",
        "age": "61",
        "age_band": "",
        "sex": "female",
        "care_level": "support1",
        "town": world["kyonan"].pk,
        "town_block": "",
        "person_name": "",
        "needs_text": "気分が落ち込みがち。自宅近くで人と交流できる場所はないか。",
        "wants_company": "on",
        "hobbies": "",
        "max_walk_m": "800",
        "free_days": ["tue"],
        "role_preference": "either",
        "constraints": "",
    }
    data.update(overrides)
    return data


def test_create_case_through_the_form(client, world):
    login(client, world, "tier2-6")
    response = client.post(reverse("cases:create"), _case_post(world))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.number.endswith("-0001")
    assert case.age_band == "60-64"
    assert case.free_days == "tue"
    assert case.coordinator.username == "tier2-6"
    assert AuditEvent.objects.filter(action="create", target_type="cases.case").exists()


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, world):
    login(client, world, "tier2-6")
    response = client.post(
        reverse("cases:create"),
        _case_post(world, consent_to_share="on", consent_on="", hobbies="将棋と囲碁"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "同意を得た日を入力してください。" in body
    assert "将棋と囲碁" in body
    assert not Case.objects.exists()


def test_tier2_cannot_create_a_case_in_another_area(client, world):
    login(client, world, "tier2-6")
    response = client.post(reverse("cases:create"), _case_post(world, area=world["areas"][0].pk))
    assert response.status_code == 200
    assert not Case.objects.exists()


def test_future_received_date_is_refused(client, world):
    login(client, world, "tier2-6")
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client.post(reverse("cases:create"), _case_post(world, received_on=future))
    assert "受付日に未来の日付は入れられません。" in response.content.decode()
    assert not Case.objects.exists()


def test_edit_case_is_audited_with_field_names_only(client, world, case6):
    login(client, world, "tier2-6")
    data = _case_post(
        world, number=case6.number, status="open", closed_on="", hobbies="カラオケ、将棋"
    )
    response = client.post(reverse("cases:edit", args=[case6.pk]), data)
    assert response.status_code == 302
    case6.refresh_from_db()
    assert case6.hobbies == "カラオケ、将棋"
    event = AuditEvent.objects.filter(action="update", target_type="cases.case").latest("id")
    assert "趣味・関心" in event.summary
    assert "将棋" not in event.summary


def test_other_area_cannot_edit(client, world, case6):
    login(client, world, "tier2-1")
    assert client.get(reverse("cases:edit", args=[case6.pk])).status_code == 404


def test_match_page_lists_suggestions_and_one_click_referral(client, world, case6):
    login(client, world, "tier2-6")
    response = client.get(reverse("cases:match", args=[case6.pk]))
    body = response.content.decode()
    assert "老人クラブ境南 カラオケの会" in body
    assert "カラオケ: 一致" in body
    karaoke = world["services"]["karaoke"]
    response = client.post(
        reverse("cases:referral_suggested", args=[case6.pk]),
        {"service": karaoke.pk, "role": "participant", "reason": "カラオケ: 一致"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=case6)
    assert referral.service == karaoke
    assert referral.status == "proposed"
    assert referral.transitions.count() == 1


def test_referral_followed_to_its_outcome(client, world, case6):
    login(client, world, "tier2-6")
    karaoke = world["services"]["karaoke"]
    client.post(
        reverse("cases:referral_suggested", args=[case6.pk]),
        {"service": karaoke.pk, "role": "participant", "reason": ""},
    )
    referral = Referral.objects.get(case=case6)
    url = reverse("cases:referral_advance", args=[referral.pk])
    prefix = f"r{referral.pk}-"
    # Without the person's consent the place may not be contacted.
    response = client.post(url, {prefix + "to_status": "trial", prefix + "date": TODAY.isoformat()})
    assert response.status_code == 422
    assert "本人の同意" in response.content.decode()
    case6.consent_to_share = True
    case6.consent_on = TODAY
    case6.save()
    follow = (TODAY + dt.timedelta(days=14)).isoformat()
    for status in ("trial", "started", "settled"):
        response = client.post(
            url,
            {
                prefix + "to_status": status,
                prefix + "date": TODAY.isoformat(),
                prefix + "follow_up_on": follow,
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
    # Ending needs an outcome.
    response = client.post(url, {prefix + "to_status": "ended", prefix + "date": TODAY.isoformat()})
    assert "終了・中断のときは結果を選んでください。" in response.content.decode()
    response = client.post(
        url,
        {
            prefix + "to_status": "ended",
            prefix + "date": TODAY.isoformat(),
            prefix + "outcome": "weekly",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "ended" and referral.outcome == "weekly"
    assert list(
        ReferralTransition.objects.filter(referral=referral).values_list("to_status", flat=True)
    ) == [
        "proposed",
        "trial",
        "started",
        "settled",
        "ended",
    ]


def test_entry_added_to_the_timeline(client, world, case6):
    login(client, world, "tier2-6")
    response = client.post(
        reverse("cases:entry_create", args=[case6.pk]),
        {
            "kind": "accompaniment",
            "date": TODAY.isoformat(),
            "text": "ケアマネジャーと同行して見学",
        },
    )
    assert response.status_code == 302
    body = client.get(reverse("cases:detail", args=[case6.pk])).content.decode()
    assert "ケアマネジャーと同行して見学" in body
    response = client.post(
        reverse("cases:entry_create", args=[case6.pk]),
        {"kind": "call", "date": "", "text": "電話した"},
    )
    assert response.status_code == 422
    assert "電話した" in response.content.decode()


def test_follow_ups_due_on_home_and_list(client, world, case6):
    from sasaeai.cases.home import follow_ups_panel

    Referral.objects.create(
        case=case6, agency_name="福祉公社", follow_up_on=TODAY - dt.timedelta(days=1)
    )
    Referral.objects.create(
        case=case6, agency_name="先の話", follow_up_on=TODAY + dt.timedelta(days=30)
    )
    panel = follow_ups_panel(world["users"]["tier2-6"])[0]
    assert [r.agency_name for r in panel["items"]] == ["福祉公社"]
    assert follow_ups_panel(world["users"]["official"]) == []
    login(client, world, "tier2-6")
    body = client.get(reverse("cases:follow_ups")).content.decode()
    assert "福祉公社" in body and "期限切れ" in body and "先の話" not in body


def test_quick_match_without_a_case_stores_nothing(client, world):
    login(client, world, "tier2-6")
    response = client.get(
        reverse("cases:quick_match"),
        {
            "town": world["kyonan"].pk,
            "interests": "合唱",
            "role": "either",
            "sex": "unknown",
            "days": ["fri"],
        },
    )
    body = response.content.decode()
    assert "境南コーラス" in body and "金曜に開催（本人の空き日）" in body
    assert not Case.objects.exists()
    response = client.get(
        reverse("cases:quick_match"), {"town": "", "role": "either", "sex": "unknown"}
    )
    assert "このフィールドは必須です。" in response.content.decode()


def test_story_written_anonymised_reviewed_and_published(client, world, case6):
    case6.needs_text = "武蔵野 花子さんは境南町に住み、カラオケが好き。"
    case6.save()
    login(client, world, "tier2-6")
    response = client.post(reverse("cases:story_create", args=[case6.pk]))
    story = CaseStory.objects.get()
    assert response["Location"] == reverse("cases:story_edit", args=[story.pk])
    text = story.consultation + story.response
    assert "花子" not in text and "境南町" not in text and "境南エリア" in text
    assert story.age_band == "70-74"
    # A town name typed back in blocks the review.
    story.learning_points = "境南町のカラオケ"
    story.save()
    client.post(reverse("cases:story_submit", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == "draft"
    story.learning_points = "近くのカラオケ"
    story.save()
    client.post(reverse("cases:story_submit", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == "in_review"
    login(client, world, "tier1")
    client.post(reverse("cases:story_review", args=[story.pk]), {"decision": "approve", "note": ""})
    story.refresh_from_db()
    assert story.status == "published"
    # Another area's tier 2 finds it in the library.
    login(client, world, "tier2-1")
    body = client.get(reverse("cases:stories"), {"q": "カラオケ"}).content.decode()
    assert story.title in body
    assert client.get(reverse("cases:story_detail", args=[story.pk])).status_code == 200


def test_data_subject_export_and_delete_by_tier1(client, world, case6):
    Referral.objects.create(case=case6, agency_name="福祉公社")
    login(client, world, "tier2-6")
    assert client.get(reverse("cases:person_export", args=[case6.pk])).status_code == 403
    login(client, world, "tier1")
    client.get(reverse("cases:detail", args=[case6.pk]))
    response = client.get(reverse("cases:person_export", args=[case6.pk]))
    assert response.status_code == 200
    assert "武蔵野 花子" in response.content.decode()
    assert AuditEvent.objects.filter(action="export", target_id=str(case6.pk)).exists()
    response = client.post(reverse("cases:person_delete", args=[case6.pk]), {"confirm_number": "x"})
    assert "ケース番号を正しく入力" in response.content.decode()
    response = client.post(
        reverse("cases:person_delete", args=[case6.pk]), {"confirm_number": case6.number}
    )
    assert response.status_code == 302
    assert not Case.objects.filter(pk=case6.pk).exists()
    assert not Referral.objects.exists()
    events = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case6.pk))
    assert events.filter(action="delete").exists()
    assert events.filter(action="view").exists()  # earlier entries are kept
    assert not any("花子" in e.summary for e in AuditEvent.objects.all())


@pytest.mark.parametrize("username", ["tier2-6", "tier1"])
def test_case_page_links_to_the_council_attach_page(client, world, case6, username):
    """「地域課題に紐づける」 on the case page leads to the councils' attach page, and the case
    becomes evidence of a regional issue (anonymised there)."""
    from sasaeai.councils import services as council_services

    user = login(client, world, username)
    issue = council_services.issue_create(
        user=user,
        title="男性の居場所がない",
        description="定年後の男性が集える場が少ない",
        areas=[world["areas"][5]],
    )
    page = client.get(reverse("cases:detail", args=[case6.pk])).content.decode()
    href = f'href="/councils/attach/?kind=case&amp;id={case6.pk}"'
    assert href in page and "地域課題に紐づける" in page
    attach = client.get(f"/councils/attach/?kind=case&id={case6.pk}")
    assert attach.status_code == 200 and issue.title in attach.content.decode()
    client.post("/councils/attach/", {"kind": "case", "record_id": case6.pk, "issue": issue.pk})
    assert issue.evidence.filter(case=case6).exists()


def test_review_and_requests_follow_the_policy_capabilities(client, world, case6):
    """Story review and the person's requests are capabilities of tier 1 in the access policy
    (not role checks in the views): tier 2 of the case's own area is refused both."""
    from sasaeai.accounts import policy
    from sasaeai.accounts.policy import Capability

    tier1, tier2 = world["users"]["tier1"], world["users"]["tier2-6"]
    assert policy.has(tier1, Capability.REVIEW_CASE_STORIES)
    assert policy.has(tier1, Capability.HANDLE_SUBJECT_REQUESTS)
    assert not policy.has(tier2, Capability.REVIEW_CASE_STORIES)
    assert not policy.has(tier2, Capability.HANDLE_SUBJECT_REQUESTS)
    login(client, world, "tier2-6")
    page = client.get(reverse("cases:detail", args=[case6.pk])).content.decode()
    assert "本人からの請求" not in page
    assert client.get(reverse("cases:person_export", args=[case6.pk])).status_code == 403
    assert client.get(reverse("cases:person_delete", args=[case6.pk])).status_code == 403
    login(client, world, "tier1")
    page = client.get(reverse("cases:detail", args=[case6.pk])).content.decode()
    assert "本人からの請求" in page
    assert client.get(reverse("cases:person_export", args=[case6.pk])).status_code == 200


def test_my_follow_ups_are_my_cases_and_what_i_proposed(world, case6):
    """`mine`: referrals of the cases the user coordinates and those the user proposed on a
    colleague's case, never a colleague's own (read by the user's case ids; issue 26)."""
    from sasaeai.cases.selectors import follow_ups_due

    me = world["users"]["tier2-6"]
    colleague = world["users"]["tier1"]
    due = TODAY - dt.timedelta(days=1)
    theirs = CaseFactory(area=case6.area, coordinator=colleague)
    Referral.objects.create(case=case6, agency_name="自分のケース", follow_up_on=due)
    Referral.objects.create(case=theirs, agency_name="自分が提案", follow_up_on=due, created_by=me)
    Referral.objects.create(case=theirs, agency_name="同僚のもの", follow_up_on=due)
    mine = {r.agency_name for r in follow_ups_due(user=me, today=TODAY)}
    assert mine == {"自分のケース", "自分が提案"}
    everyone = {r.agency_name for r in follow_ups_due(user=me, today=TODAY, mine=False)}
    assert everyone == {"自分のケース", "自分が提案", "同僚のもの"}
