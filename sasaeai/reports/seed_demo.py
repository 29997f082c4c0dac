"""The seed's report as demo records: the tier-1 coordinator's (横山 美江, demo user `tier1`)
work in 平成27年度上半期 (April–September 2015), entered through the activities and cases
services, so that the report counted from them prints every figure of the seed's
「武蔵野市生活支援コーディネーター平成27年度上半期活動報告」.

What the seed gives is entered as it says (OCR corrected as in the glossary); what it does not
give (the dates and lengths of each visit, the 16 places beyond the 13 main ones, the dates of
the programme meetings and of the case referrals) is invented and marked so in the report's
notes. Where the seed's numbers disagree with each other, its table 「相談対応件数と相談者別
割合」 is followed (see RECONCILIATION). Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sasaeai.accounts.models import User
from sasaeai.core.periods import half_year
from sasaeai.core.recurrence import is_holiday
from sasaeai.org.models import Area, Municipality

PERIOD = half_year(2015, "first")

# The 13 主な訪問先 in the seed's order (resources demo keys), then 16 more places visited once.
MAIN_PLACES = [
    "yoriai",  # よりあい食堂(桜堤)
    "makiba",  # まきばサロン(西久保)
    "hibino",  # ひびのさんら(吉祥寺北町)
    "sakura-club",  # さくら倶楽部(桜堤)
    "medical-fitness",  # メディカルフィットネス(境南町)
    "tanpopo",  # たんぽぽサロン(吉祥寺東町)
    "kokoni",  # ここに体懐(吉祥寺北町)
    "minna-cafe",  # みんなでカフェ(御殿山)
    "fureai-room",  # ふれあいルーム(西久保)
    "koguma",  # コグマサロン(全市)
    "shugei",  # 手芸クラブ(桜堤)
    "craft-house",  # クラフトハウス(関前; the seed's OCR reads 原前)
    "music-therapy",  # 音楽療法会武蔵野(境南町)
]
OTHER_PLACES = [
    "center-tsudoi",
    "rojin-karaoke",
    "carer-salon",
    "home-concert",
    "ten-million-1",
    "ten-million-2",
    "ten-million-3",
    "ten-million-4",
    "sakura-cooking",
    "kyonan-taiso",
    "gotenyama-igo",
    "higashi-mahjong",
    "minami-utagoe",
    "nishikubo-shodo",
    "midori-walking",
    "hachiman-radio",
]
VISIT_MINUTES_TOTAL = 86 * 60  # 総時間86時間
# The consultations of other bodies that came by mail or fax (それ以外, not at a visit).
MAIL_DAYS = ["2015-09-24", "2015-09-25", "2015-09-28", "2015-09-29"]

# The table 相談対応件数と相談者別割合: consulter type → [(topic code, count, referred to a
# home care support centre)], with how many came in person or by phone (来所・電話).
CONSULTATIONS: dict[str, dict] = {
    "elderly": {
        "office": 2,
        "topics": [
            ("care-insurance-facilities", 4, 0),
            ("individual-case", 2, 2),  # 個別相談(2件)(※2件とも在宅介護支援センター等につないだ)
            ("gathering-places", 1, 0),  # テンミリオンハウス
            ("volunteering", 1, 0),  # ボランティア
            ("dementia", 1, 0),
            ("my-number", 1, 0),
            ("other", 3, 0),  # 「など」
        ],
    },
    "activist": {
        "office": 15,
        "topics": [
            ("individual-case", 9, 6),  # 個別ケース(9件)(※うち6件は在宅介護支援センターにつないだ)
            ("lecturer", 6, 0),
            ("activity-funds", 6, 0),
            ("other-regions", 5, 0),
            ("programme", 4, 0),
            ("care-insurance-facilities", 3, 0),
            ("dementia", 3, 0),
            ("regional-issues-resources", 3, 0),
            ("activity-venue", 2, 0),
            ("vacant-houses", 2, 0),
            ("public-assistance", 1, 0),
            ("consumer-fraud", 1, 0),
            ("living-will", 1, 0),
            ("other", 4, 0),  # 「など」
        ],
    },
    "care_manager": {
        "office": 11,
        "topics": [("informal-services", 7, 0), ("volunteer-request", 3, 0), ("other", 1, 0)],
    },
    "facility": {
        "office": 6,
        "topics": [("community-programmes", 7, 0), ("comprehensive-programme", 2, 0)],
    },
    "other_body": {
        "office": 8,
        "topics": [("community-activities", 7, 0), ("individual-case", 5, 0)],
        # 在宅介護支援センター、市民社協、大学、市議会議員、他課職員、コミセン役員等より
        "bodies": [
            ("在宅介護支援センター", 3),
            ("市民社協", 3),
            ("大学", 2),
            ("市議会議員", 2),
            ("他課職員", 1),
            ("コミセン役員", 1),
        ],
    },
}

# (4) 地域住民および関係団体等との話し合いへの参加: (date, type, title, area name or None)
MEETINGS = [
    ("2015-05-13", "community_care_prep", "地域ケア会議 事前打ち合わせ", "境・桜堤エリア"),
    ("2015-05-20", "community_care", "地域ケア会議（境・桜堤エリア）", "境・桜堤エリア"),
    ("2015-05-27", "community_group", "桜堤コミセンとケアハウス話し合い", "境・桜堤エリア"),
    ("2015-06-03", "community_care", "地域ケア会議（中央エリア）", "中央エリア"),
    ("2015-06-10", "community_care_review", "地域ケア会議 反省会", "境・桜堤エリア"),
    ("2015-06-17", "community_care_prep", "地域ケア会議 事前打ち合わせ", "吉祥寺東・南エリア"),
    ("2015-06-24", "community_care", "地域ケア会議（吉祥寺東・南エリア）", "吉祥寺東・南エリア"),
    (
        "2015-07-08",
        "community_group",
        "吉祥寺活性化協議会との連携に向けて話し合い",
        "吉祥寺北・本町エリア",
    ),
    (
        "2015-07-15",
        "community_care",
        "地域ケア会議（吉祥寺北・本町エリア）",
        "吉祥寺北・本町エリア",
    ),
    ("2015-07-29", "community_care_prep", "地域ケア会議 事前打ち合わせ", "八幡町・関前エリア"),
    ("2015-08-05", "community_care", "地域ケア会議（八幡町・関前エリア）", "八幡町・関前エリア"),
    ("2015-08-19", "community_group", "御殿山2丁目つどいの場づくり準備会", "吉祥寺東・南エリア"),
    ("2015-09-02", "community_care", "地域ケア会議（境南エリア）", "境南エリア"),
    ("2015-09-09", "community_care_review", "地域ケア会議 反省会", "吉祥寺東・南エリア"),
    ("2015-09-16", "community_group", "御殿山2丁目つどいの場づくり準備会", "吉祥寺東・南エリア"),
]

# (5) 既存の事業の見直しや新規事業の検討への参加 (庁内会議; the seed gives no dates).
PROGRAMME_MEETINGS = [
    ("2015-04-22", "地域交流ポイント（仮称）検討ワーキング会議（視察等を含む）"),
    ("2015-06-11", "地域交流ポイント（仮称）検討ワーキング会議（視察等を含む）"),
    ("2015-08-27", "地域交流ポイント（仮称）検討ワーキング会議（視察等を含む）"),
    ("2015-05-14", "短期集中機能訓練の実施に向けた話し合い"),
    ("2015-07-09", "短期集中機能訓練の実施に向けた話し合い"),
    ("2015-05-21", "脳のいきいき健康教室の検討・実施に向けた話し合い"),
    ("2015-07-23", "脳のいきいき健康教室の検討・実施に向けた話し合い"),
    ("2015-06-04", "介護予防事業連絡調整会議"),
    ("2015-09-03", "介護予防事業連絡調整会議"),
]

# (6)–(10): (kind, date, end date, title, counterpart, head count)
OTHER_ACTIVITIES = [
    ("other", "2015-04-15", None, "生活支援コーディネーター調整会議", "", None),
    ("other", "2015-05-01", None, "生活支援コーディネーター調整会議", "", None),
    ("study_session", "2015-05-25", None, "在宅介護支援センター職員向け勉強会", "", 34),
    ("training_attended", "2015-04-28", None, "総合事業自治体フォーラム", "", None),
    ("training_attended", "2015-04-30", None, "流山市視察", "流山市", None),
    (
        "training_attended",
        "2015-06-26",
        None,
        "総合事業自治体情報交換会（ベストプラクティス）",
        "",
        None,
    ),
    ("training_attended", "2015-07-17", None, "東京都介護予防推進会議", "東京都", None),
    (
        "training_attended",
        "2015-07-30",
        "2015-07-31",
        "生活支援コーディネーター指導者養成中央研修",
        "",
        None,
    ),
    (
        "training_attended",
        "2015-08-04",
        None,
        "生活支援体制整備事業の早期取り組みセミナー",
        "",
        None,
    ),
    (
        "training_attended",
        "2015-09-18",
        None,
        "生活支援コーディネーター情報交換会（三鷹市・狛江市・調布市・清瀬市）",
        "",
        None,
    ),
    (
        "lecture_given",
        "2015-09-04",
        None,
        "社会福祉法人武蔵野地域包括ケア推進会議",
        "社会福祉法人武蔵野",
        None,
    ),
    (
        "lecture_given",
        "2015-09-15",
        None,
        "東京都社会福祉協議会制度検討委員会研修会",
        "東京都社会福祉協議会",
        None,
    ),
    ("visitors_hosted", "2015-06-09", None, "視察対応", "東京都", 2),
    ("visitors_hosted", "2015-06-19", None, "視察対応", "目黒区", 4),
]
PUBLICATION = {
    "title": "武蔵野安心・安全ニュース",
    "dates": ["2015-04-20", "2015-06-20", "2015-08-20"],  # 偶数月20日発行
    "copies": 500,
    "distribution": "老人クラブ・テンミリオンハウス・民生委員・福祉公社・ケアマネジャー・"
    "地域社協および見守り・孤立防止ネットワーク連絡会議メンバーなど",
    "note": "高齢者への福祉情報、消費者被害の注意喚起の広報誌",
}

# The two stories of the seed's section (2), anonymised (age band, no town).
STORIES = [
    {
        "key": "H27-S01",
        "title": "要支援者をボランティア活動につなげた事例",
        "area": "中央エリア",
        "age": 61,
        "age_band": "60-64",
        "sex": "female",
        "care_level": "support1",
        "received_on": "2015-04-27",
        "brought_by": "care_manager",
        "consultation": "地域包括支援センターのケアマネジャーより相談があった。本人は以前ホーム"
        "ヘルパーの仕事をしていて、体調を崩し要支援1になった。気分が落ち込みがちで、年齢が若い"
        "こともあるため、どこか自宅近くで人と交流できる場所はないか。",
        "response": "本人宅近くにテンミリオンハウスがあるため、利用者もしくはボランティアとして"
        "参加できないか検討した。5月1日：ケアマネジャーとともにテンミリオンハウスに行き、施設長"
        "に利用者の受け入れについて確認した。午後のプログラムのお手伝いとして来てもらえないか本人"
        "に確認することになった。6月2日：ケアマネジャーと本人がテンミリオンハウスに行き、他の利用"
        "者と一緒にお昼を食べた。本人はテンミリオンハウスを気に入り、毎週火曜日に通うことになった。",
        "outcome": "現在は、通うのが楽しみで、自分ができるところで他の利用者の手伝いを行っている。",
        "referrals": [
            (
                "ten-million-5",
                "helper",
                [
                    ("2015-05-01", "proposed"),
                    ("2015-06-02", "trial"),
                    ("2015-06-09", "started"),
                    ("2015-08-04", "settled"),
                ],
            )
        ],
    },
    {
        "key": "H27-S02",
        "title": "デイサービスから、近所のつどいの場等につなげた事例",
        "area": "中央エリア",
        "age": 73,
        "age_band": "70-74",
        "sex": "male",
        "care_level": "support1",
        "received_on": "2015-06-29",
        "brought_by": "care_manager",
        "consultation": "地域包括支援センターのケアマネジャーより相談があった。本人は、デイ"
        "サービスに通っていたが、体力が回復し、2キロ以上歩くことができるようになった。他市から"
        "転居してきたため、近所に友人等の知り合いがない。デイサービスでは、他の利用者を気にかける"
        "など面倒見の良い性格なので、何か人の役に立てないかと思っている。",
        "response": "本人宅近くに在宅介護支援センターの「つどいの場（週1回開設）」があることや、"
        "男性が活躍しているコミュニティセンターがあるため、そういった場所への参加について検討した。"
        "6月30日：「つどいの場」の運営の中心メンバーに受け入れについて確認した。チラシを折るなど"
        "男性でも気軽にできる軽作業もあるので、いつでも来てほしいとのことだった。8月24日：本人が"
        "来所したため、つどいの場の内容について説明した。8月25日：本人が近所の知り合いと一緒に"
        "つどいの場に行った。また、カラオケにも興味があるとのことだったので、老人クラブのカラオケ"
        "大会のプログラムを渡し、老人クラブについて説明した。その後、自分で老人クラブのカラオケ"
        "大会の見学に行った。",
        "outcome": "現在では、デイサービスに行かず、「つどいの場」に自主的に通っており、近隣の"
        "テンミリオンハウスの見学、老人クラブの入会など、自分で積極的に地域の情報を収集して、"
        "自分に合う場所を探している。",
        "referrals": [
            (
                "center-tsudoi",
                "either",
                [("2015-06-30", "proposed"), ("2015-08-25", "trial"), ("2015-09-01", "started")],
            ),
            (
                "rojin-karaoke-taikai",
                "participant",
                [("2015-08-25", "proposed"), ("2015-09-12", "trial")],
            ),
        ],
    },
]

ACHIEVEMENTS = """地域の高齢者向けに実施されている様々な活動の場に訪問した際に、そこに参加する高齢者からの相談を数多く受けた。その中には、日常生活のちょっとした質問や相談も多くあり、地域に出向いたことが相談のきっかけになったと思われる。状態やニーズを把握しながら、その人にあった社会資源（地域のサロン等）を紹介するなど、個別のコーディネートを行うことができたことは今回の大きな成果と言える。
相談者の割合は高齢者（本人）よりも活動者（支援者）の方が大きいが、活動者の個別ケースの相談から地域包括支援センターや在宅介護支援センターの実態把握につながり、介護保険サービス等による支援に結び付けることのできたケースも複数あった。"""

CHALLENGES = """高齢者が気軽に集まることのできる場所が地域に点在することで、高齢者の社会参加が促進されることが考えられる。今後、公的な施設や福祉施設だけでなく、喫茶店等の店舗や個人宅等を含めて多様な空間を高齢者の活動の場（つどいの場）として活用できないか検討し、必要なコーディネートを行う必要がある。
地域の活動に参加する高齢者には「市役所や在宅介護支援センターにわざわざ相談するほどではない」と考え、生活支援コーディネーターや市民社協の地域担当職員が活動の場に訪れた際に「ついでに」相談する人も多い。今後、第2層の生活支援コーディネーターも合わせて地域を回りながら、そうした相談のニーズに適切に対応する体制を整えることも課題となる。
そのため、下半期については、第2層の生活支援コーディネーターの配置後の第1層生活支援コーディネーターの役割分担や連携について、具体的に検討していく必要がある。"""

RECONCILIATION = """この報告書は、武蔵野市の事例発表（平成28年2月16日）に載った「平成27年度上半期活動報告」を、デモ用の記録として入力し、その記録から集計したものです。資料の中で数値が食い違うところは、表「相談対応件数と相談者別割合」に合わせました。
・相談の件数: 資料の (2) 延べ35件と (3) 延べ54件（計89件）は、表の合計95件と一致しません。表に合わせて95件を入力し、(2) は高齢者本人・家族・ケアマネジャー・民生委員からの相談、(3) は地域活動者・福祉施設・事業所・その他関係機関等からの相談として、記録から数え直しています。
・ケアマネジャー: 概要のスライドの「ケアマネジャー(関係機関)23件」は、表のケアマネジャー11件とその他関係機関等12件を合わせた数と読めます。表に合わせ、ケアマネジャーを11件、その他関係機関等を12件としました。
・表の「など」: 資料が件数を挙げていない相談内容（高齢者の3件、地域活動者の4件）は「その他」として入力しました。
・訪問: 総時間86時間を55件の訪問に割り振りました。主な訪問先13か所のほかの16か所と、各回の日付・時刻はデモ用に作ったものです。
・曜日: 資料の平成27年4月30日(金)、6月9日(水)、9月15日(水)は、暦ではそれぞれ木曜・火曜・火曜のため、暦の曜日で載せています。
・読み替え: 文字認識の誤りを用語集に従って直しました（桜塚→桜堤、テニオンハウス→テンミリオンハウス、柏江市→狛江市、横断対応→視察対応、原前→関前）。
・(5) の検討会議の日付と回数、(4) の会議の日付、個別ケースのつなぎの日付は、資料に記載がないためデモ用に作ったものです。"""


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5 and not is_holiday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _spread(days: list[dt.date], count: int) -> list[dt.date]:
    """`count` days taken evenly from `days` (in order)."""
    step = len(days) / count
    return [days[int(i * step)] for i in range(count)]


def _visit_minutes(count: int, total: int) -> list[int]:
    """Lengths in quarter hours between an hour and two and a half that add up to `total`."""
    base = (total // count) // 15 * 15  # 90
    extra = (total - base * count) // 15  # visits one quarter hour longer
    lengths = [base + (15 if i < extra else 0) for i in range(count)]
    for i in range(0, count - 1, 4):  # some shorter, some longer; the sum stays
        lengths[i] -= 30
        lengths[i + 1] += 30
    assert sum(lengths) == total
    return lengths


def _services(municipality: Municipality) -> dict:
    from sasaeai.resources.models import Service

    keys = [*MAIN_PLACES, *OTHER_PLACES, "ten-million-5", "center-tsudoi", "rojin-karaoke-taikai"]
    found = {
        s.external_id.removeprefix("demo:"): s
        for s in Service.objects.filter(
            municipality=municipality, external_id__in=[f"demo:{k}" for k in keys]
        ).select_related("area")
    }
    missing = [k for k in keys if k not in found]
    if missing:
        raise RuntimeError(
            "報告書のデモ（平成27年度上半期）には社会資源のデモデータが必要です。"
            f"見つからない社会資源: {', '.join(missing)}"
        )
    return found


def _load_activities(user: User, municipality: Municipality, services: dict) -> None:
    from sasaeai.activities import services as activity_services
    from sasaeai.activities.models import ConsultationTopic

    areas = {a.name: a for a in Area.objects.filter(municipality=municipality)}
    # Visits: round 1 of the 13 main places in the seed's order, 8 others, round 2, 8 others,
    # round 3: 55 visits to 29 places; the main places' first visits keep the seed's order.
    order = MAIN_PLACES + OTHER_PLACES[:8] + MAIN_PLACES + OTHER_PLACES[8:] + MAIN_PLACES
    days = _spread(_working_days(dt.date(2015, 4, 6), dt.date(2015, 9, 29)), len(order))
    lengths = _visit_minutes(len(order), VISIT_MINUTES_TOTAL)
    visits = []
    for index, (key, day, minutes) in enumerate(zip(order, days, lengths, strict=True)):
        service = services[key]
        start = dt.time(10, 0) if index % 2 == 0 else dt.time(13, 30)
        end_minutes = start.hour * 60 + start.minute + minutes
        visits.append(
            activity_services.visit_record(
                user=user,
                fields={
                    "date": day,
                    "start_time": start,
                    "end_time": dt.time(end_minutes // 60, end_minutes % 60),
                    "service": service,
                    "area": service.area,  # a city-wide place stays 市全域
                    "observations": "活動の様子を見学し、参加者や世話人と話した。",
                },
            )
        )

    topics = {t.code: t for t in ConsultationTopic.objects.filter(municipality__isnull=True)}
    office_days = _spread(_working_days(dt.date(2015, 4, 7), dt.date(2015, 9, 30)), 42)
    on_site = iter(visits * 2)
    office_index = 0
    for consulter_type, spec in CONSULTATIONS.items():
        bodies = [name for name, n in spec.get("bodies", []) for _ in range(n)]
        rows = [
            (code, index < referred)
            for code, count, referred in spec["topics"]
            for index in range(count)
        ]
        for position, (code, referred) in enumerate(rows):
            fields: dict = {
                "consulter_type": consulter_type,
                "summary": f"{topics[code].name}についての相談。",
                "referral": "home_care_center" if referred else "none",
            }
            if bodies:
                fields["consulter_body"] = bodies[position]
            if position < spec["office"]:
                day = office_days[office_index]
                office_index += 1
                fields.update(
                    date=day,
                    channel="phone"
                    if consulter_type == "care_manager" or position % 2
                    else "walk_in",
                    area=None,
                )
            elif consulter_type == "other_body":
                day = MAIL_DAYS[position - spec["office"]]
                fields.update(date=_day(day), channel="mail_fax", area=None)
            else:
                fields.update(channel="on_site", visit=next(on_site))
            activity_services.consultation_record(user=user, fields=fields, topics=[topics[code]])

    for day, meeting_type, title, area_name in MEETINGS:
        activity_services.meeting_record(
            user=user,
            fields={
                "date": _day(day),
                "start_time": dt.time(14, 0),
                "end_time": dt.time(16, 0),
                "meeting_type": meeting_type,
                "title": title,
                "area": areas.get(area_name) if area_name else None,
            },
        )
    for day, title in PROGRAMME_MEETINGS:
        activity_services.meeting_record(
            user=user,
            fields={
                "date": _day(day),
                "start_time": dt.time(10, 0),
                "end_time": dt.time(11, 30),
                "meeting_type": "internal",
                "title": title,
                "organiser": "武蔵野市健康福祉部",
            },
        )
    for kind, day, end, title, counterpart, head_count in OTHER_ACTIVITIES:
        activity_services.other_activity_record(
            user=user,
            fields={
                "date": _day(day),
                "end_date": _day(end) if end else None,
                "kind": kind,
                "title": title,
                "counterpart": counterpart,
                "head_count": head_count,
            },
        )
    for day in PUBLICATION["dates"]:
        activity_services.other_activity_record(
            user=user,
            fields={
                "date": _day(day),
                "kind": "publication",
                "title": PUBLICATION["title"],
                "copies": PUBLICATION["copies"],
                "distribution": PUBLICATION["distribution"],
                "note": PUBLICATION["note"],
            },
        )


def _load_cases(user: User, municipality: Municipality, services: dict) -> list:
    """The two stories' cases followed through their referrals, and their published,
    anonymised stories."""
    from sasaeai.cases import services as case_services
    from sasaeai.cases.models import Case, CaseStory

    areas = {a.name: a for a in Area.objects.filter(municipality=municipality)}
    stories = []
    for spec in STORIES:
        area = areas[spec["area"]]
        case = Case.objects.filter(municipality=municipality, number=spec["key"]).first()
        if case is None:
            case = case_services.case_create(
                user=user,
                area=area,
                number=spec["key"],
                age=spec["age"],
                sex=spec["sex"],
                care_level=spec["care_level"],
                brought_by=spec["brought_by"],
                brought_by_note="地域包括支援センター",
                received_on=_day(spec["received_on"]),
                consent_to_share=True,
                consent_on=_day(spec["received_on"]),
                needs_text="人と交流できる場所、人の役に立てる場所を近くで探したい。",
                wants_company=True,
                wants_role=True,
            )
            for key, role, steps in spec["referrals"]:
                (first_day, _), *later = steps
                referral = case_services.referral_create(
                    user=user,
                    case=case,
                    service=services[key],
                    role=role,
                    reason="自宅に近く、本人の希望（交流・役割）に合う。",
                    date=_day(first_day),
                )
                for day, status in later:
                    case_services.referral_advance(
                        user=user, referral=referral, to_status=status, date=_day(day)
                    )
        story = CaseStory.objects.filter(
            municipality=municipality, title=spec["title"], case=case
        ).first()
        if story is None:
            # Published in the city's own presentation (平成28年2月): entered as published.
            story = CaseStory(
                municipality=municipality,
                case=case,
                area=area,
                title=spec["title"],
                age_band=spec["age_band"],
                sex=spec["sex"],
                care_level=spec["care_level"],
                consultation=spec["consultation"],
                response=spec["response"],
                outcome=spec["outcome"],
                keywords="テンミリオンハウス、つどいの場、ボランティア、要支援1",
                status=CaseStory.Status.PUBLISHED,
                written_by=user,
                review_note="武蔵野市の事例発表（平成28年2月16日）で公表された事例",
                published_on=dt.date(2015, 10, 15),
            )
            story.full_clean()
            story.save()
        stories.append(story)
    return stories


# The seed's opening parts, as Musashino wrote them (OCR corrected; the seed's garbled
# 「(※併設・自営生活支援総合事業がインプラインドリンク)」 is left out): the municipality's
# standing wording, printed in each of its reports.
INTRODUCTION = (
    "高齢者の生活支援等サービスの体制整備を推進していくことを目的とし、地域において、生活支援等"
    "サービスの提供体制の構築に向けたコーディネーター機能(主に資源開発やネットワーク構築の機能)を"
    "果たす。エリアとしては、第1層(全市レベル)、第2層(日常生活圏レベル)ごとに配置し、高齢者の"
    "生活支援のための①資源開発ネットワーク構築②ニーズと取組のマッチングを行う。\n"
    "なお、第1層、第2層それぞれのレベルにおいて、多様な主体間の情報共有および連携、協働による資源"
    "開発を推進するための連携の場(協議体)を設置して進める。\n"
    "武蔵野市は、高齢者支援課内の基幹型地域包括支援センターに第1層生活支援コーディネーターを配置"
    "している。第2層生活支援コーディネーターについては、平成28年度以降、市内6か所の在宅介護支援"
    "センター(地域包括支援センターを併設)に順次配置していく。\n"
    "第1層は市区町村全域を対象とし、第2層はおおむね中学校区を対象とする。なお、平成27年度は、"
    "第2層を配置していないため、第1層生活支援コーディネーターが第2層の役割も兼ねて活動を行って"
    "いる。"
)
OUTLINE = (
    "- (1) 高齢者向けサロン等の訪問により、高齢者のニーズおよび社会資源を把握する。\n"
    "- (2) 支援を必要としている人に社会資源を紹介する。\n"
    "- (3) すでに地域活動を行っている方々の支援や高齢者向けの活動を検討している人(団体)からの"
    "相談に応じ、新しい活動に向けて一緒に取り組む。\n"
    "- (4) 地域の課題を話し合う場や地域住民の話し合いの場に参加し、地域課題の事業化、ネットワーク"
    "化を目指す。\n"
    "- (5) 既存の事業の見直しや新規事業の検討に参加する。"
)
DEPARTMENT = "武蔵野市 健康福祉部 高齢者支援課"
# The seed's note under 相談対応件数と相談者別割合.
CONSULTATION_FOOTNOTE = "※市役所内での窓口・電話において対応した一般的な問い合わせや相談は除く。"

# The seed's third story sits in section (3): a business's request, not a person's case (no
# case record; the seed names no area, the demo files it under 中央エリア like the others).
BUSINESS_STORY = {
    "title": "民間事業所からの相談を地域につなげ、新しい取り組みを考え始めた事例",
    "area": "中央エリア",
    "consultation": "大手民間介護事業者(市内に事務所等あり)より、自社のヘルパー等の研修用に"
    "借りている部屋で地域の高齢者向けの事業を実施したいと相談があった。",
    "response": "現地を確認し、エリア内の地域団体等にこの部屋についての説明を行った。事業者に"
    "対しては、事業実施より地域団体と話し合いを行い、住民と意見交換を行いながら事業内容を決めて"
    "いく方法を提案した。また、在宅介護支援センターおよび市民社協の地域担当職員に相談し、地域"
    "団体と連携しながら事業実施に向けての支援を依頼した。",
    "outcome": "現在、地域社協役員による現地の確認および事業所担当者との意見交換を進めている。",
}


def _business_story(user: User, municipality: Municipality):
    from sasaeai.cases.models import CaseStory

    spec = BUSINESS_STORY
    story = CaseStory.objects.filter(municipality=municipality, title=spec["title"]).first()
    if story is None:
        story = CaseStory(
            municipality=municipality,
            area=Area.objects.get(municipality=municipality, name=spec["area"]),
            title=spec["title"],
            consultation=spec["consultation"],
            response=spec["response"],
            outcome=spec["outcome"],
            keywords="民間事業所、場所の提供、地域団体",
            status=CaseStory.Status.PUBLISHED,
            written_by=user,
            review_note="武蔵野市の事例発表（平成28年2月16日）で公表された事例",
            published_on=dt.date(2015, 10, 15),
        )
        story.full_clean()
        story.save()
    return story


def _load_report(user: User, municipality: Municipality, stories: list) -> None:
    from . import selectors, services
    from .models import FOOTNOTE_PREFIX, TextSection
    from .selection import Scope, ScopeKind

    scope = Scope(ScopeKind.MUNICIPALITY, municipality)
    report = services.report_ensure(user=user, period=PERIOD, scope=scope)
    standing = selectors.municipality_texts(municipality)
    for section, text in (
        (TextSection.INTRODUCTION, INTRODUCTION),
        (TextSection.OUTLINE, OUTLINE),
        (TextSection.DEPARTMENT, DEPARTMENT),
    ):
        if section not in standing:
            services.municipality_text_save(user=user, section=section, text=text)
    for section, text in (
        (TextSection.ACHIEVEMENTS, ACHIEVEMENTS),
        (TextSection.CHALLENGES, CHALLENGES),
        (TextSection.NOTES, RECONCILIATION),
        (f"{FOOTNOTE_PREFIX}consultation_table", CONSULTATION_FOOTNOTE),
    ):
        current = selectors.report_texts(report).get(section)
        if current is None:
            services.report_text_save(
                report=report, scope=scope, section=section, text=text, user=user
            )
    if not report.story_links.exists():
        business = _business_story(user, municipality)
        services.report_stories_set(
            report=report,
            scope=scope,
            stories=[*stories, business],
            choosable=selectors.stories_choosable(user=user, scope=scope),
            user=user,
            sections={business.pk: "activity_consultations"},
        )


@transaction.atomic
def load(municipality: Municipality) -> None:
    from sasaeai.activities.models import Visit

    user = User.objects.get(municipality=municipality, username="tier1")
    services = _services(municipality)
    if not Visit.objects.filter(
        coordinator=user, date__gte=PERIOD.start, date__lte=PERIOD.end
    ).exists():
        _load_activities(user, municipality, services)
    stories = _load_cases(user, municipality, services)
    _load_report(user, municipality, stories)
