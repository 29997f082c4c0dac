"""A hand-built `ReportFigures` shaped like the seed's report, for testing the renderers
without the database (the figures themselves are tested against records elsewhere)."""

import datetime as dt

from sasaeai.core.periods import half_year
from sasaeai.reports.figures import (
    Comparison,
    ConsultationFigures,
    ConsulterRow,
    DatedEntry,
    MeetingFigures,
    MeetingRow,
    OtherFigures,
    PlaceVisits,
    Publication,
    ReferralFigures,
    ReportFigures,
    StoryFigure,
    Tally,
    TitledCount,
    TopicCount,
    VisitFigures,
)

D = dt.date


def sample_figures() -> ReportFigures:
    places = [
        PlaceVisits("よりあい食堂", "桜堤", 3, 300),
        PlaceVisits("まきばサロン", "西久保", 3, 280),
        PlaceVisits("コグマサロン", "全市", 2, 180),
        PlaceVisits("手芸クラブ & <仲間>", "桜堤", 1, 90),
    ]
    return ReportFigures(
        municipality_name="武蔵野市",
        period=half_year(2015, "first"),
        scope_key="municipality",
        scope_label="武蔵野市全体",
        scope_kind="municipality",
        visits=VisitFigures(total=9, distinct=4, minutes=850, timed=9, places=places),
        consultations=ConsultationFigures(
            total=95,
            office=42,
            other=53,
            rows=[
                ConsulterRow(
                    "elderly",
                    "高齢者",
                    13,
                    [
                        TopicCount("介護保険・福祉施設", 4),
                        TopicCount("個別ケース", 2, referred=2),
                        TopicCount("マイナンバー", 1),
                    ],
                    referred=2,
                    untagged=6,
                ),
                ConsulterRow(
                    "activist",
                    "地域活動者",
                    50,
                    [TopicCount("個別ケース", 9, referred=6), TopicCount("活動費", 6)],
                    referred=6,
                ),
                ConsulterRow("care_manager", "ケアマネジャー", 11, [TopicCount("その他", 1)]),
                ConsulterRow("facility", "福祉施設・事業所", 9, [TopicCount("地域向け事業", 7)]),
                ConsulterRow(
                    "other_body",
                    "その他関係機関等",
                    12,
                    [TopicCount("地域活動", 7), TopicCount("個別ケース", 5)],
                    bodies=["大学", "市民社協"],
                ),
            ],
            destinations=[Tally("在宅介護支援センター", 8, "home_care_center")],
            referred_to_support_center=8,
            support_needs=24,
            activity_related=71,
        ),
        meetings=MeetingFigures(
            total=15,
            rows=[
                MeetingRow("community_care", "地域ケア会議(事前打ち合わせ、反省会を含む)", 11),
                MeetingRow(
                    "community_group",
                    "地域団体の会議",
                    4,
                    ["桜堤コミセンとケアハウス話し合い", "御殿山2丁目つどいの場づくり準備会"],
                ),
            ],
            programmes=[TitledCount("介護予防事業連絡調整会議", 2, D(2015, 5, 12), D(2015, 8, 11))],
            programme_meetings=2,
        ),
        others=OtherFigures(
            preparations=[
                DatedEntry(D(2015, 5, 25), "在宅介護支援センター職員向け勉強会", head_count=34)
            ],
            trainings=[
                DatedEntry(D(2015, 4, 28), "総合事業自治体フォーラム"),
                DatedEntry(
                    D(2015, 7, 30),
                    "生活支援コーディネーター指導者養成中央研修",
                    end_date=D(2015, 7, 31),
                ),
            ],
            lectures=[DatedEntry(D(2015, 9, 4), "武蔵野地域包括ケア推進会議")],
            visitors=[DatedEntry(D(2015, 6, 9), "東京都", head_count=2)],
            publications=[
                Publication(
                    "武蔵野安心・安全ニュース",
                    [D(2015, 4, 20), D(2015, 6, 20), D(2015, 8, 20)],
                    [500, 500, 500],
                    "老人クラブ・テンミリオンハウス・民生委員",
                )
            ],
        ),
        referrals=ReferralFigures(
            cases=2,
            new=2,
            by_status=[Tally("定着", 2, "settled")],
            by_outcome=[Tally("ボランティアとして活動", 1, "volunteering")],
        ),
        stories=[
            StoryFigure(
                "要支援者をボランティア活動につなげた事例",
                "60〜64歳・女性・要支援1",
                "境・桜堤エリア",
                "どこか自宅近くで人と交流できる場所はないか。",
                "テンミリオンハウスに同行した。",
                "毎週火曜日に通っている。",
            )
        ],
        texts={
            "achievements": "相談を数多く受けた。\n二段落目。",
            "challenges": "",
            "notes": "注記です。",
        },
        previous=Comparison("平成26年度下半期", {"visits": 40, "consultations": 80}),
        areas=[
            Comparison("吉祥寺東・南エリア", {"visits": 3, "consultations": 10}),
            Comparison("境・桜堤エリア", {"visits": 6, "consultations": 20}),
        ],
        generated_at=dt.datetime(2026, 1, 5, 9, 30),
    )
