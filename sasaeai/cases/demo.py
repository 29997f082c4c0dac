"""Demo cases for Musashino: the seed document's two stories, entered and followed to their
outcome as a coordinator would, plus a handful more so that lists, follow-ups and the case
library have something to show. Everything goes through the services (audited, validated).

The seed's stories happened in 平成27年; here they are placed in the recent past so that the
follow-ups fall around today. Names are never entered (the seed gives none). Loads only into a
municipality that has no case yet, so running the demo twice changes nothing."""

import datetime as dt

from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.org.models import Area, Municipality, Town
from sasaeai.resources.models import Service

from . import services, stories
from .models import Case, CaseEntry, ReferralOutcome


def _service(municipality: Municipality, key: str) -> Service | None:
    return Service.objects.filter(municipality=municipality, external_id=f"demo:{key}").first()


def _user(municipality: Municipality, username: str) -> User:
    return User.objects.get(municipality=municipality, username=username)


def _area_of(municipality: Municipality, town: Town) -> Area:
    return Area.objects.get(municipality=municipality, pk=town.area_id)


def _advance(user, referral, steps, *, start: dt.date) -> None:
    """steps: (days after start, status, note, extra kwargs)."""
    for days, status, note, extra in steps:
        services.referral_advance(
            user=user,
            referral=referral,
            to_status=status,
            date=start + dt.timedelta(days=days),
            note=note,
            **extra,
        )


def load(municipality: Municipality) -> None:
    if Case.objects.filter(municipality=municipality).exists():
        return
    today = timezone.localdate()
    towns = {t.name: t for t in Town.objects.filter(municipality=municipality)}
    tier1 = _user(municipality, "tier1")

    # --- 1. The 61-year-old woman (seed: 要支援者をボランティア活動につなげた事例) -----------------
    user = _user(municipality, "tier2-6")
    town = towns["境南町"]
    start = today - dt.timedelta(days=70)
    case = services.case_create(
        user=user,
        area=_area_of(municipality, town),
        received_on=start,
        brought_by=Case.BroughtBy.CARE_MANAGER,
        brought_by_note="地域包括支援センターのケアマネジャー",
        age=61,
        sex="female",
        care_level="support1",
        town=town,
        town_block=town.blocks.filter(number=4).first(),
        needs_text="以前はホームヘルパーの仕事をしていたが、体調を崩して要支援1になった。"
        "気分が落ち込みがちで、年齢も若いので、どこか自宅近くで人と交流できる場所はないか。",
        wants_company=True,
        wants_role=True,
        max_walk_m=800,
        free_days="tue,thu",
        role_preference="either",
        consent_to_share=True,
        consent_on=start + dt.timedelta(days=2),
    )
    services.case_entry_add(
        user=user,
        case=case,
        kind=CaseEntry.Kind.CALL,
        date=start,
        text="ケアマネジャーから電話で相談。自宅の近くにテンミリオンハウスがあるため、"
        "利用者かボランティアとして参加できないか検討することにした。",
    )
    house = _service(municipality, "ten-million-3")
    if house is not None:
        referral = services.referral_create(
            user=user,
            case=case,
            service=house,
            role="either",
            reason="自宅から徒歩圏。利用者としてもボランティアとしても参加できる",
            date=start + dt.timedelta(days=3),
            follow_up_on=start + dt.timedelta(days=10),
        )
        services.case_entry_add(
            user=user,
            case=case,
            kind=CaseEntry.Kind.ACCOMPANIMENT,
            date=start + dt.timedelta(days=8),
            referral=referral,
            text="ケアマネジャーとテンミリオンハウスを訪ね、施設長に受け入れを確認。"
            "14時半のビデオ体操のお手伝いとして来てもらえないか、本人に確かめることになった。",
        )
        _advance(
            user,
            referral,
            [
                (
                    40,
                    "trial",
                    "ケアマネジャーと本人が訪問し、ほかの利用者と昼食をともにした",
                    {"follow_up_on": start + dt.timedelta(days=47)},
                ),
                (
                    47,
                    "started",
                    "本人が気に入り、毎週火曜に通うことになった",
                    {"follow_up_on": start + dt.timedelta(days=61)},
                ),
                (
                    61,
                    "settled",
                    "通うのが楽しみになり、できるところでほかの利用者の手伝いをしている",
                    {},
                ),
                (
                    68,
                    "ended",
                    "定着を確認し、つなぎの経過観察を終えた",
                    {
                        "outcome": ReferralOutcome.VOLUNTEERING,
                        "outcome_note": "毎週火曜に通い、ほかの利用者の手伝いをしている",
                    },
                ),
            ],
            start=start + dt.timedelta(days=0),
        )
        services.case_update(
            user=user, case=case, status=Case.Status.CLOSED, closed_on=start + dt.timedelta(days=68)
        )
        story = stories.story_draft_from_case(user=user, case=case)
        stories.story_update(
            user=user,
            story=story,
            title="要支援の方をボランティア活動につなげた事例",
            learning_points="「利用者」と決めつけず、本人の経験（元ホームヘルパー）を生かせる役割を"
            "受け入れ先と一緒に考えた。初回はケアマネジャーと同行し、昼食をともにする体験から始めた。",
            keywords="要支援1、テンミリオンハウス、ボランティア、役割",
        )
        stories.story_submit(user=user, story=story)
        stories.story_review(user=tier1, story=story, approve=True, note="公開可")

    # --- 2. The 73-year-old man (seed: デイサービスから近所のつどいの場等につなげた事例) -------
    user = _user(municipality, "tier2-3")
    town = towns["中町"]
    start = today - dt.timedelta(days=90)
    case = services.case_create(
        user=user,
        area=_area_of(municipality, town),
        received_on=start,
        brought_by=Case.BroughtBy.CARE_MANAGER,
        brought_by_note="地域包括支援センターのケアマネジャー",
        age=73,
        sex="male",
        care_level="support1",
        town=town,
        town_block=town.blocks.filter(number=2).first(),
        needs_text="デイサービスに通っていたが、体力が回復し2キロ以上歩けるようになった。"
        "他市から転居してきたため近所に知り合いがいない。デイサービスでは他の利用者を"
        "気にかけるなど面倒見がよく、人の役に立ちたいと思っている。",
        wants_company=True,
        wants_role=True,
        hobbies="カラオケ",
        max_walk_m=2000,
        free_days="mon,tue,wed,thu,fri",
        role_preference="either",
        consent_to_share=True,
        consent_on=start + dt.timedelta(days=1),
    )
    tsudoi = _service(municipality, "center-tsudoi")
    karaoke = _service(municipality, "rojin-karaoke")
    house = _service(municipality, "ten-million-5")
    if tsudoi is not None:
        referral = services.referral_create(
            user=user,
            case=case,
            service=tsudoi,
            role="either",
            reason="自宅の近く。チラシ折りなど男性でも気軽にできる軽作業がある",
            date=start + dt.timedelta(days=2),
            follow_up_on=start + dt.timedelta(days=9),
        )
        services.case_entry_add(
            user=user,
            case=case,
            kind=CaseEntry.Kind.CALL,
            date=start + dt.timedelta(days=2),
            referral=referral,
            text="つどいの場の中心メンバーである支援センターの職員に受け入れを確認。"
            "軽作業もあるので、いつでも来てほしいとのこと。",
        )
        services.case_entry_add(
            user=user,
            case=case,
            kind=CaseEntry.Kind.MEETING,
            date=start + dt.timedelta(days=57),
            referral=referral,
            text="本人が支援センターに来所したため、つどいの場の内容を説明した。",
        )
        _advance(
            user,
            referral,
            [
                (
                    58,
                    "trial",
                    "本人が近所の知り合いと一緒につどいの場に行った",
                    {"follow_up_on": start + dt.timedelta(days=65)},
                ),
                (
                    65,
                    "started",
                    "デイサービスに行かず、つどいの場に自主的に通い始めた",
                    {"follow_up_on": start + dt.timedelta(days=80)},
                ),
                (80, "settled", "毎週通い、チラシ折りを担っている", {}),
                (
                    88,
                    "ended",
                    "定着を確認",
                    {
                        "outcome": ReferralOutcome.FROM_DAY_SERVICE,
                        "outcome_note": "デイサービスをやめ、つどいの場に毎週自主的に通っている",
                    },
                ),
            ],
            start=start,
        )
    if karaoke is not None:
        referral = services.referral_create(
            user=user,
            case=case,
            service=karaoke,
            role="participant",
            reason="カラオケに興味がある。老人クラブのカラオケ大会のプログラムを渡した",
            date=start + dt.timedelta(days=58),
            follow_up_on=start + dt.timedelta(days=72),
        )
        _advance(
            user,
            referral,
            [
                (
                    64,
                    "trial",
                    "自分で老人クラブのカラオケの見学に行った",
                    {"follow_up_on": start + dt.timedelta(days=78)},
                ),
                (75, "started", "老人クラブに入会し、定例会に参加", {}),
                (
                    88,
                    "ended",
                    "入会を確認",
                    {"outcome": ReferralOutcome.JOINED, "outcome_note": "老人クラブに入会"},
                ),
            ],
            start=start,
        )
    if house is not None:
        referral = services.referral_create(
            user=user,
            case=case,
            service=house,
            role="helper",
            reason="本人が自分で見学に行った。手伝いの役割もある",
            date=start + dt.timedelta(days=85),
        )
        services.referral_advance(
            user=user,
            referral=referral,
            to_status="trial",
            date=start + dt.timedelta(days=86),
            note="近隣のテンミリオンハウスを自分で見学",
            follow_up_on=today,
        )
    services.case_entry_add(
        user=user,
        case=case,
        kind=CaseEntry.Kind.NOTE,
        date=start + dt.timedelta(days=88),
        text="近隣の情報を自分で積極的に集め、自分に合う場所を探している。",
    )

    # --- a handful more ------------------------------------------------------------------------
    user = _user(municipality, "tier2-2")
    town = towns["吉祥寺本町"]
    start = today - dt.timedelta(days=45)
    case = services.case_create(
        user=user,
        area=_area_of(municipality, town),
        received_on=start,
        brought_by=Case.BroughtBy.FAMILY,
        age=80,
        sex="female",
        care_level="independent",
        is_carer=True,
        town=town,
        needs_text="認知症の夫を介護している。同じ立場の人と話したい。",
        wants_company=True,
        wants_carer_support=True,
        max_walk_m=600,
        free_days="tue",
        free_time_from=dt.time(10, 0),
        free_time_to=dt.time(14, 0),
        role_preference="participant",
        consent_to_share=True,
        consent_on=start,
    )
    salon = _service(municipality, "carer-salon")
    if salon is not None:
        referral = services.referral_create(
            user=user,
            case=case,
            service=salon,
            reason="同じ立場の家族と話せる。第2火曜の午前",
            date=start + dt.timedelta(days=1),
        )
        _advance(
            user,
            referral,
            [
                (10, "trial", "初回参加", {"follow_up_on": start + dt.timedelta(days=40)}),
                (40, "started", "2回目も参加", {"follow_up_on": today + dt.timedelta(days=20)}),
            ],
            start=start,
        )

    user = _user(municipality, "tier2-6")
    town = towns["境南町"]
    start = today - dt.timedelta(days=12)
    case = services.case_create(
        user=user,
        area=_area_of(municipality, town),
        received_on=start,
        brought_by=Case.BroughtBy.SELF,
        age=68,
        sex="male",
        care_level="independent",
        town=town,
        needs_text="退職して時間ができた。地域の役に立つことをしたい。土いじりが好き。",
        wants_role=True,
        hobbies="園芸",
        max_walk_m=1500,
        free_days="mon,tue,wed,thu,fri",
        role_preference="helper",
        consent_to_share=True,
        consent_on=start,
    )
    flowerbed = _service(municipality, "flowerbed")
    if flowerbed is not None:
        services.referral_create(
            user=user,
            case=case,
            service=flowerbed,
            role="helper",
            reason="園芸: 一致／ボランティア受入あり",
            date=start + dt.timedelta(days=1),
            follow_up_on=today - dt.timedelta(days=2),
        )

    user = _user(municipality, "tier2-5")
    town = towns["桜堤"]
    start = today - dt.timedelta(days=60)
    case = services.case_create(
        user=user,
        area=_area_of(municipality, town),
        received_on=start,
        brought_by=Case.BroughtBy.WELFARE_COMMISSIONER,
        age=77,
        sex="female",
        care_level="support2",
        town=town,
        needs_text="編み物が得意。家にこもりがちなので誘ってほしい。",
        wants_company=True,
        hobbies="編み物",
        max_walk_m=500,
        free_days="mon,wed,fri",
        role_preference="participant",
        constraints="階段が難しい",
        consent_to_share=True,
        consent_on=start,
    )
    club = _service(municipality, "shugei")
    if club is not None:
        referral = services.referral_create(
            user=user, case=case, service=club, reason="編み物", date=start + dt.timedelta(days=3)
        )
        _advance(
            user,
            referral,
            [
                (14, "trial", "見学", {}),
                (
                    20,
                    "interrupted",
                    "",
                    {
                        "outcome": ReferralOutcome.NOT_SUITABLE,
                        "interruption_reason": "会場の階段がつらいとのこと",
                    },
                ),
            ],
            start=start,
        )
    house = _service(municipality, "ten-million-2")
    if house is not None:
        services.referral_create(
            user=user,
            case=case,
            service=house,
            reason="段差が少なく、昼食もある。手芸をする人もいる",
            date=start + dt.timedelta(days=25),
            follow_up_on=today + dt.timedelta(days=3),
        )

    user = _user(municipality, "tier2-4")
    town = towns["八幡町"]
    case = services.case_create(
        user=user,
        area=_area_of(municipality, town),
        received_on=today - dt.timedelta(days=5),
        brought_by=Case.BroughtBy.WELFARE_COMMISSIONER,
        brought_by_note="担当地区の民生委員",
        age_band="85-89",
        sex="male",
        care_level="applying",
        memory_concern=True,
        town=town,
        needs_text="ひとり暮らし。最近物忘れが増え、食事もおろそかになっている様子。",
        wants_meals=True,
        max_walk_m=300,
        role_preference="participant",
    )
    services.referral_create(
        user=user,
        case=case,
        agency_name="地域包括支援センター（要介護認定の進み具合の確認）",
        reason="認定申請中。包括と情報を共有する",
        date=today - dt.timedelta(days=4),
        follow_up_on=today + dt.timedelta(days=7),
    )
