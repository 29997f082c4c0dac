"""Matching: ranking, reasons in Japanese, interests through synonyms and near words, the
schedule against free days (monthly patterns, holidays), history, and only active places."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sasaeai.cases import services
from sasaeai.cases.interests import interest_terms, wishes_in
from sasaeai.cases.matching import distance_text, match, profile_from_case, profile_from_input
from sasaeai.cases.models import ReferralOutcome
from sasaeai.cases.tests.factories import CaseFactory
from sasaeai.resources.models import Schedule


def names(result):
    return [s.service.name for s in result.suggestions]


def quick(world, **kwargs):
    return match(profile_from_input(municipality=world["municipality"], town="境南町", **kwargs))


def test_karaoke_man_gets_the_senior_club_karaoke_first_with_reasons(world):
    result = quick(
        world,
        age=73,
        sex="male",
        care_level="support1",
        interests="カラオケ",
        max_walk_m=2000,
        notes="面倒見が良く、人の役に立ちたい。近所に知り合いがいない。",
    )
    first = result.suggestions[0]
    assert first.service.name == "老人クラブ境南 カラオケの会"
    assert "カラオケ: 一致" in first.reasons
    assert "男性向け・男性が活躍" in first.reasons
    assert any(r.startswith("徒歩約") for r in first.reasons)
    assert set(first.parts) == {"distance", "interests", "wishes", "schedule", "target", "role"}
    assert first.score == round(sum(first.parts.values()))


def test_only_active_services_and_within_reach(world):
    result = quick(world, interests="カラオケ", max_walk_m=1000)
    assert "休止中のカラオケサロン" not in names(result)
    # 吉祥寺東町 is about 4 km away: out of reach for 1 km.
    assert "吉祥寺東カラオケ" not in names(result)


def test_singing_finds_karaoke_and_choir_through_near_words(world):
    result = quick(world, interests="歌うこと")
    top_two = set(names(result)[:2])
    assert top_two == {"老人クラブ境南 カラオケの会", "境南コーラス"}
    reasons = [r for s in result.suggestions[:2] for r in s.reasons]
    assert any("歌う: 近い活動" in r for r in reasons)


def test_choir_word_finds_choir_first_and_karaoke_only_by_its_category(world):
    result = quick(world, interests="合唱")
    assert names(result)[0] == "境南コーラス"
    assert "合唱: 一致" in result.suggestions[0].reasons


def test_synonym_table_is_used(world):
    terms = interest_terms("うた", synonym_groups=[frozenset({"カラオケ", "歌", "ウタ"})])
    kinds = {a.text: a.kind for a in terms[0].alternatives}
    assert kinds["カラオケ"] == "synonym"


def test_schedule_reason_on_free_day_and_next_three_dates(world):
    today = dt.date(2025, 4, 21)  # a Monday
    profile = profile_from_input(
        municipality=world["municipality"], town="境南町", days=["tue"], interests=""
    )
    result = match(profile, today=today)
    ten = next(s for s in result.suggestions if s.service.name == "テンミリオンハウス境南")
    assert "火曜に開催（本人の空き日）" in ten.reasons
    assert ten.next_dates == [dt.date(2025, 4, 22), dt.date(2025, 4, 29), dt.date(2025, 5, 6)]
    shogi = next(s for s in result.suggestions if s.service.name == "将棋の会")
    assert "月曜に開催（本人の空き日と合わない）" in shogi.reasons


def test_monthly_pattern_and_holidays(world):
    service = world["services"]["choir"]
    service.schedules.all().delete()
    Schedule.objects.create(
        service=service,
        freq=Schedule.Freq.MONTHLY,
        byday="1MO,3MO",
        opens_at=dt.time(13, 30),
        closes_at=dt.time(15, 0),
        closed_on_holidays=True,
    )
    # 2025-04-21 is the 3rd Monday; 2025-05-05 (こどもの日) is the 1st Monday of May.
    profile = profile_from_input(
        municipality=world["municipality"], town="境南町", days=["mon"], interests="合唱"
    )
    suggestion = next(
        s for s in match(profile, today=dt.date(2025, 4, 21)).suggestions if s.service == service
    )
    assert "第1・第3月曜に開催（本人の空き日）" in suggestion.reasons
    assert suggestion.next_dates == [
        dt.date(2025, 4, 21),
        dt.date(2025, 5, 19),
        dt.date(2025, 6, 2),
    ]
    assert "5月5日はこどもの日のため休み" in suggestion.reasons


def test_time_outside_free_hours_scores_less(world):
    profile = profile_from_input(
        municipality=world["municipality"],
        town="境南町",
        days=["tue"],
        time_from=dt.time(16, 0),
        time_to=dt.time(18, 0),
    )
    ten = next(s for s in match(profile).suggestions if s.service.name == "テンミリオンハウス境南")
    assert "火曜に開催（空き日だが時間帯が合わない）" in ten.reasons


def test_helper_role_prefers_places_that_welcome_volunteers(world):
    result = quick(world, role="helper")
    assert names(result)[0] == "テンミリオンハウス境南"
    assert "ボランティア受入あり" in result.suggestions[0].reasons


def test_a_place_the_person_left_is_never_suggested(world):
    case = CaseFactory(
        area=world["areas"][5],
        town=world["kyonan"],
        hobbies="カラオケ",
        consent_to_share=True,
        consent_on=dt.date.today() - dt.timedelta(days=20),
    )
    user = world["users"]["tier2-6"]
    referral = services.referral_create(
        user=user, case=case, service=world["services"]["karaoke"], date=case.received_on
    )
    services.referral_advance(user=user, referral=referral, to_status="trial")
    services.referral_advance(
        user=user,
        referral=referral,
        to_status="interrupted",
        outcome=ReferralOutcome.NOT_SUITABLE,
        interruption_reason="雰囲気が合わなかった",
    )
    result = match(profile_from_case(case))
    assert "老人クラブ境南 カラオケの会" not in names(result)
    assert result.left_names == ["老人クラブ境南 カラオケの会"]


def test_case_without_town_matches_in_its_area_and_says_so(world):
    case = CaseFactory(area=world["areas"][5], town=None, hobbies="将棋")
    result = match(profile_from_case(case))
    assert names(result)[0] == "将棋の会"
    assert any("距離を考えずに" in n for n in result.notices)


def test_profile_errors_are_japanese_per_field(world):
    with pytest.raises(ValidationError) as info:
        profile_from_input(
            municipality=world["municipality"],
            town="どこか町",
            days=["tuesday", "xyz"],
            role="boss",
            max_walk_m=10,
        )
    errors = info.value.message_dict
    assert "どこか町" in errors["town"][0]
    assert "mon" in errors["days"][0]
    assert "participant" in errors["role"][0]
    assert "50〜20000" in errors["max_walk_m"][0]
    with pytest.raises(ValidationError) as info:
        profile_from_input(municipality=world["municipality"])
    assert "town" in info.value.message_dict


def test_distance_text():
    assert distance_text(612) == "徒歩約600m（約8分）"
    assert distance_text(1234) == "徒歩約1.2km（約15分）"


def test_wishes_in_the_persons_words():
    assert wishes_in("近所で人と話したい。役に立ちたい") == {"company", "role"}
    assert wishes_in("体力をつけたい。昼食を一緒に") == {"exercise", "meals"}
