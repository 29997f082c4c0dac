"""Matching: ranking, reasons in Japanese, interests through synonyms and near words, the
schedule against free days (monthly patterns, holidays), history, and only active places."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F, FloatField, Q
from django.db.models.functions import Coalesce

from sasaeai.cases import matching, services
from sasaeai.cases.facts import (
    RECRUITING,
    Candidate,
    Facts,
    category_tables,
    is_small,
    service_direction,
    single_sex,
)
from sasaeai.cases.interests import interest_terms, wishes_in
from sasaeai.cases.matching import distance_text, match
from sasaeai.cases.models import ReferralOutcome
from sasaeai.cases.profiles import MAX_WALK_M, profile_from_case, profile_from_input
from sasaeai.cases.tests.factories import CaseFactory
from sasaeai.core.geo import bounding_box
from sasaeai.resources import demo as resources_demo
from sasaeai.resources.models import Schedule, Service
from sasaeai.resources.search import synonym_groups


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
            max_walk_m=30000,
        )
    errors = info.value.message_dict
    assert "どこか町" in errors["town"][0]
    assert "mon" in errors["days"][0]
    assert "participant" in errors["role"][0]
    assert "0〜20000" in errors["max_walk_m"][0]
    with pytest.raises(ValidationError) as info:
        profile_from_input(municipality=world["municipality"])
    assert "town" in info.value.message_dict


def test_distance_text():
    assert distance_text(612) == "徒歩約600m（約8分）"
    assert distance_text(1234) == "徒歩約1.2km（約15分）"


def test_wishes_in_the_persons_words():
    assert wishes_in("近所で人と話したい。役に立ちたい") == {"company", "role"}
    assert wishes_in("体力をつけたい。昼食を一緒に") == {"exercise", "meals"}


# --- the ranking pass gives what scoring each candidate on its own gives ------------------------


def _sql_candidates(profile, terms):
    """The candidates as plain SQL finds them (what `_candidates` must find in memory): active
    services of the municipality with a point in the box of 1.5 × the walking range, those
    that come to the person (not a call for helpers), and those with no point whose text holds
    an interest; without the person's point, the person's area and the texts."""
    active = Service.objects.filter(
        municipality_id=profile.municipality.pk, status=Service.Status.ACTIVE
    ).exclude(pk__in=profile.excluded_service_ids | profile.left_service_ids)
    text_q = Q(pk__in=[])
    for term in terms:
        for alternative in term.alternatives:
            if alternative.kind in ("exact", "synonym"):
                for form in alternative.forms:
                    text_q |= Q(search_text__contains=form)
    active = active.annotate(
        lat=Coalesce(F("location__latitude"), F("town__latitude"), output_field=FloatField()),
        lon=Coalesce(F("location__longitude"), F("town__longitude"), output_field=FloatField()),
    )
    outreach = Q(categories__code__in=matching.OUTREACH_CODES)
    if profile.has_origin:
        reach = min(profile.walk_m * matching.REACH_FACTOR, MAX_WALK_M)
        south, north, west, east = bounding_box(profile.latitude, profile.longitude, reach)
        near = Q(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east) | (
            Q(lat__isnull=True) & text_q
        )
    else:
        near = Q(area_id=profile.area_id) | text_q
    columns = ["pk", "lat", "lon", "welcomes_volunteers", "step_free", "search_text", "area_id"]
    found = []
    for service in active.filter((near | outreach) if profile.has_origin else near).distinct():
        values = active.filter(pk=service.pk).values_list(*columns).get()
        codes = set(service.categories.values_list("code", flat=True))
        codes |= set(service.categories.exclude(parent=None).values_list("parent__code", flat=True))
        text = f"{service.name} {service.description} {service.eligibility_note}"
        direction = service_direction(
            direction=service.direction,
            name=service.name,
            text=text,
            codes=codes,
            welcomes_volunteers=service.welcomes_volunteers,
        )
        private = bool(service.location_id and service.location.is_private_home)
        small = is_small(capacity=service.capacity, text=text, private_home=private)
        targets = set(service.target_groups.values_list("code", flat=True))
        row = Candidate(*values, direction, small, single_sex(text=text, targets=targets))
        is_near = active.filter(near, pk=service.pk).exists()
        comes = bool(codes & matching.OUTREACH_CODES) and direction != RECRUITING
        if profile.cannot_go_out:
            if comes:
                found.append(row)
        elif is_near or (comes and profile.has_origin):
            found.append(row)
    return found


def _reference(profile, *, today, limit=50):
    """The plain way: the candidates from SQL, every one scored on its own by `_score` with its
    whole schedules, category and target group rows, then sorted; what `match` must rank the
    same."""
    groups = synonym_groups(municipality_id=profile.municipality.pk)
    terms = interest_terms(profile.interests, synonym_groups=groups, notes=profile.notes)
    _, category_strings = category_tables()
    scored = []
    for row in _sql_candidates(profile, terms):
        service = Service.objects.get(pk=row.pk)
        codes = set(service.categories.values_list("code", flat=True))
        codes |= set(service.categories.exclude(parent=None).values_list("parent__code", flat=True))
        targets = set(service.target_groups.values_list("code", flat=True))
        schedules = [
            s
            for s in Schedule.objects.filter(service_id=row.pk).order_by("id")
            if s.valid_to is None or s.valid_to >= today
        ]
        tier = matching.fit(profile, row, frozenset(codes), frozenset(targets))
        if tier is None:
            continue
        total, points, reasons, metres = matching._score(
            profile, terms, row, frozenset(codes), frozenset(targets), schedules, category_strings
        )
        tier = matching.tier_of(tier, points["interests"])
        scored.append(
            (tier, -total, metres if metres is not None else 1e9, row.pk, points, reasons)
        )
    scored.sort(key=lambda item: item[:4])
    return [(pk, points, reasons) for _, _, _, pk, points, reasons in scored[:limit]]


DEMO_PROFILES = [
    dict(town="境南町", sex="male", care_level="support1", max_walk_m=2000, interests="カラオケ",
         days=["tue", "thu"], role="helper"),
    dict(town="西久保", sex="female", care_level="support1", max_walk_m=800, days=["tue"],
         interests="人と話すこと", notes="家の近くで人と関わりたい。元ヘルパー。"),
    dict(town="桜堤", sex="female", care_level="care3", max_walk_m=500, interests="体操、お茶",
         days=["mon", "wed", "fri"], time_from=dt.time(10), time_to=dt.time(12),
         role="participant", constraints="杖を使う"),
    dict(town="吉祥寺東町", max_walk_m=20000, interests="囲碁、将棋 歌うこと", days=["sat"],
         time_from=dt.time(13), is_carer=True, memory_concern=True,
         wishes={"exercise", "meals", "carer_support", "learning"}),
    dict(town="中町", interests="", notes="体を動かしたい。友達がほしい。", role="either"),
]  # fmt: skip


def test_ranking_equals_scoring_each_candidate_on_its_own(musashino):
    resources_demo.load(musashino)
    today = dt.date(2025, 6, 2)
    profiles = [profile_from_input(municipality=musashino, **spec) for spec in DEMO_PROFILES]
    no_point = profile_from_input(municipality=musashino, town="境南町", interests="カラオケ 体操")
    no_point.latitude = no_point.longitude = None  # a case without a town: its area
    for profile in [*profiles, no_point]:
        expected = _reference(profile, today=today)
        assert len(expected) >= 10
        result = match(profile, limit=50, today=today)
        # The shown suggestions add their next dates and holidays to the reasons.
        got = [(s.service.pk, s.parts, s.reasons[: len(r)]) for s, (_, _, r) in zip(
            result.suggestions, expected, strict=True)]  # fmt: skip
        assert got == expected


def test_holding_finds_every_service_whose_own_text_holds_a_word():
    """Facts.holding: the services whose text, category names taken out, holds a word; never
    across two texts; remembered until the facts are read again."""
    rows = [
        Candidate(pk, None, None, False, False, text)
        for pk, text in enumerate(
            ["みんなで歌声喫茶", "将棋と囲碁", "", "カラオケ大会と合唱 カラオケ・音楽", "歌", "囲"],
            1,
        )
    ]
    facts = Facts(
        key=(None, None),
        rows=rows,
        categories={4: frozenset({"hobby-music"})},
        targets={},
        schedules={},
        outreach=frozenset(),
        category_codes={},
        category_strings={"hobby-music": [("カラオケ・音楽", "カラオケ・音楽")]},
        synonym_groups=[],
    )
    assert facts.holding("歌") == {1, 5}
    assert facts.holding("合唱") == {4}
    assert facts.holding("囲碁") == {2}
    assert facts.holding("碁と") == frozenset()  # not across two texts
    assert facts.holding("音楽") == frozenset()  # only in the category name
    assert facts.codes_holding("音楽") == {"hobby-music"}
    assert facts.holding("カラオケ") == {4}  # 「カラオケ大会」 is its own
    assert facts.holding("体操") == frozenset()
    assert "歌" in facts._holding  # remembered with this copy of the facts
