"""Demo councils for Musashino, and the seed's own thread replayed from case to proposal.

The need for more gathering places, and places where men take part, is heard in consultations
in 御殿山, raised at the area's 地域ケア会議, worked on by the 御殿山2丁目つどいの場づくり準備会,
pooled at the coordinator liaison meeting, reported to the 地域包括ケア推進協議会 and becomes a
city-wide proposal that the city answers and carries out. Dates are after 平成27年度上半期 so
that the seed's half-year report keeps its own figures.
"""

import datetime as dt

from django.db import transaction

from sasaeai.accounts.models import User
from sasaeai.org.models import Area, Municipality

from .models import (
    Council,
    CouncilMember,
    IssueEvidence,
    IssueStatus,
    IssueTheme,
    IssueTransition,
    ProgressUpdate,
    Proposal,
    Recommendation,
    RegionalIssue,
)

THREAD_TITLE = "身近な集いの場が少なく、男性が参加しやすい場もない（御殿山）"


def load(municipality: Municipality) -> None:
    promotion, _ = Council.objects.get_or_create(
        municipality=municipality,
        kind=Council.Kind.PROMOTION_COUNCIL,
        defaults={
            "tier": 1,
            "name": "武蔵野市地域包括ケア推進協議会",
            "description": "第1層協議体。地域包括支援センター運営協議会を発展・拡充したもの。",
        },
    )
    Council.objects.get_or_create(
        municipality=municipality,
        kind=Council.Kind.LIAISON_MEETING,
        defaults={
            "tier": 1,
            "name": "生活支援コーディネーター連携会議",
            "description": "第1層・第2層のコーディネーターが地域課題の意見を集約する。",
        },
    )
    for area in Area.objects.filter(municipality=municipality):
        Council.objects.get_or_create(
            municipality=municipality,
            kind=Council.Kind.COMMUNITY_CARE_MEETING,
            area=area,
            defaults={
                "tier": 2,
                "name": f"地域ケア会議（{area.name}）",
                "description": "第2層協議体に相当する会議。各エリア年2回。",
            },
        )
    if not promotion.members.exists():
        members = [
            ("学識 委員", "大学（学識経験者）", CouncilMember.Role.CHAIR),
            ("医師 委員", "武蔵野市医師会", CouncilMember.Role.MEMBER),
            ("社協 委員", "武蔵野市民社会福祉協議会", CouncilMember.Role.MEMBER),
            ("民生 委員", "民生児童委員協議会", CouncilMember.Role.MEMBER),
            ("コミセン 委員", "コミュニティ協議会", CouncilMember.Role.MEMBER),
        ]
        for name, organisation, role in members:
            CouncilMember.objects.create(
                council=promotion,
                name=f"{name}（デモ）",
                organisation=organisation,
                role=role,
                term_start=dt.date(2016, 4, 1),
                term_end=dt.date(2018, 3, 31),
            )


@transaction.atomic
def load_thread(municipality: Municipality) -> RegionalIssue | None:
    """Replays the seed's thread (idempotent). Needs the activities app's models."""
    from sasaeai.activities.models import (
        Channel,
        Consultation,
        ConsultationTopic,
        ConsulterType,
        Meeting,
        MeetingType,
        ReferralDestination,
        Tier,
    )

    if RegionalIssue.objects.filter(municipality=municipality, title=THREAD_TITLE).exists():
        return None
    tier1 = User.objects.filter(municipality=municipality, username="tier1").first()
    area = Area.objects.filter(municipality=municipality, name="吉祥寺東・南エリア").first()
    if tier1 is None or area is None:
        return None
    councils = {
        c.kind: c for c in Council.objects.filter(municipality=municipality, area__isnull=True)
    }
    care_meeting = Council.objects.filter(
        municipality=municipality, kind=Council.Kind.COMMUNITY_CARE_MEETING, area=area
    ).first()

    def meeting(date, meeting_type, title, council=None, count=None, minutes="") -> Meeting:
        record = Meeting(
            municipality=municipality,
            coordinator=tier1,
            tier=Tier.TIER1,
            area=area if council is None or council.area_id else None,
            date=date,
            start_time=dt.time(14, 0),
            end_time=dt.time(16, 0),
            meeting_type=meeting_type,
            title=title,
            council=council,
            participant_count=count,
            minutes_text=minutes,
            organiser="武蔵野市" if council and council.tier == 1 else "在宅介護支援センター",
        )
        record.full_clean()
        record.save()
        return record

    m_care = meeting(
        dt.date(2015, 10, 21),
        MeetingType.COMMUNITY_CARE,
        "地域ケア会議（吉祥寺東・南エリア）",
        care_meeting,
        18,
        "御殿山地区で、気軽に集まれる場所が少ないこと、男性が参加できる場がないことが話題になった。",
    )
    m_prep = meeting(
        dt.date(2015, 12, 9),
        MeetingType.PREPARATION_GROUP,
        "御殿山2丁目つどいの場づくり準備会（第3回）",
        None,
        12,
        "会場候補（集会所・空き店舗）と、男性が役割を持てるプログラム（チラシ折り、囲碁、カラオケ）を検討。",
    )
    m_liaison = meeting(
        dt.date(2016, 5, 11),
        MeetingType.LIAISON,
        "生活支援コーディネーター連携会議",
        councils.get(Council.Kind.LIAISON_MEETING),
        8,
        "各エリアから集いの場の不足と男性の参加が共通課題として挙がった。",
    )
    m_council = meeting(
        dt.date(2016, 5, 26),
        MeetingType.TIER1_COUNCIL,
        "第1回 地域包括ケア推進協議会",
        councils.get(Council.Kind.PROMOTION_COUNCIL),
        20,
        "第1層コーディネーターが集約した地域課題を報告。集いの場の拡充について提言をまとめることとした。",
    )
    m_council2 = meeting(
        dt.date(2016, 11, 17),
        MeetingType.TIER1_COUNCIL,
        "第3回 地域包括ケア推進協議会",
        councils.get(Council.Kind.PROMOTION_COUNCIL),
        19,
        "集いの場の拡充と男性の参加促進についての提言を承認した。",
    )

    topics = {
        t.code: t
        for t in ConsultationTopic.objects.filter(
            code__in=["gathering-places", "activity-venue", "regional-issues-resources"]
        )
    }
    consultations = []
    for day, consulter, channel, topic_codes, summary in [
        (
            dt.date(2015, 10, 6),
            ConsulterType.ELDERLY,
            Channel.ON_SITE,
            ["gathering-places"],
            "サロンに来た男性から、近所に男性が気軽に行ける場所がないとの声。",
        ),
        (
            dt.date(2015, 10, 14),
            ConsulterType.ACTIVIST,
            Channel.PHONE,
            ["activity-venue", "regional-issues-resources"],
            "御殿山で集いの場を始めたいが、活動場所が見つからないとの相談。",
        ),
        (
            dt.date(2015, 11, 4),
            ConsulterType.CARE_MANAGER,
            Channel.WALK_IN,
            ["gathering-places"],
            "デイサービスを卒業する男性利用者の、近所の通い先を探したいとの相談。",
        ),
    ]:
        record = Consultation(
            municipality=municipality,
            coordinator=tier1,
            tier=Tier.TIER1,
            area=area,
            date=day,
            consulter_type=consulter,
            channel=channel,
            summary=summary,
            referral=ReferralDestination.NONE,
        )
        record.full_clean()
        record.save()
        record.topics.set([topics[c] for c in topic_codes if c in topics])
        consultations.append(record)

    themes = {t.code: t for t in IssueTheme.objects.all()}
    issue = RegionalIssue.objects.create(
        municipality=municipality,
        title=THREAD_TITLE,
        description=(
            "御殿山地区では、高齢者が気軽に集まれる場所が少なく、特に男性が参加できる場がない。"
            "サロン訪問や相談の中で、デイサービスを卒業した人の通い先がないという声も聞かれる。"
        ),
        raised_by=tier1,
        raised_on=dt.date(2015, 10, 21),
        status=IssueStatus.IDENTIFIED,
        status_changed_on=dt.date(2015, 10, 21),
        proposed_wording=(
            "公的な施設や福祉施設だけでなく、喫茶店等の店舗や個人宅、空き家など多様な空間を"
            "高齢者の集いの場として活用できる仕組みをつくること。男性が役割を持って参加できる"
            "プログラムを地域とともに広げること。"
        ),
    )
    issue.areas.set([area])
    issue.themes.set(
        [themes[c] for c in ("gathering_places", "men", "activity_space") if c in themes]
    )
    steps = [
        ("", IssueStatus.IDENTIFIED, dt.date(2015, 10, 21), m_care, "地域ケア会議で課題として把握"),
        (
            IssueStatus.IDENTIFIED,
            IssueStatus.TIER2_REVIEW,
            dt.date(2015, 12, 9),
            m_prep,
            "地域ケア会議から発展した準備会で、会場と内容を検討",
        ),
        (
            IssueStatus.TIER2_REVIEW,
            IssueStatus.POOLED,
            dt.date(2016, 5, 11),
            m_liaison,
            "他エリアの同様の課題とあわせて集約",
        ),
        (IssueStatus.POOLED, IssueStatus.REPORTED, dt.date(2016, 5, 26), m_council, ""),
        (
            IssueStatus.REPORTED,
            IssueStatus.PROPOSED,
            dt.date(2016, 11, 17),
            m_council2,
            "協議体として提言を承認",
        ),
        (
            IssueStatus.PROPOSED,
            IssueStatus.IN_PROGRESS,
            dt.date(2017, 4, 1),
            None,
            "市の回答を受けて事業化",
        ),
    ]
    for from_status, to_status, date, where, reason in steps:
        IssueTransition.objects.create(
            issue=issue,
            from_status=from_status,
            to_status=to_status,
            date=date,
            meeting=where,
            reason=reason,
            user=tier1,
        )
    issue.status = IssueStatus.IN_PROGRESS
    issue.status_changed_on = dt.date(2017, 4, 1)
    issue.save(update_fields=["status", "status_changed_on"])
    for record in consultations:
        IssueEvidence.objects.create(
            issue=issue,
            kind="consultation",
            consultation=record,
            area=area,
            date=record.date,
            added_by=tier1,
        )
    for record in (m_care, m_prep):
        IssueEvidence.objects.create(
            issue=issue, kind="meeting", meeting=record, area=area, date=record.date, added_by=tier1
        )

    # A second, younger issue from the seed's closing remarks, still at the first step.
    barrier = RegionalIssue.objects.create(
        municipality=municipality,
        title="市役所や在宅介護支援センターへの相談のハードルが高い",
        description=(
            "地域の活動に参加する高齢者には「市役所や在宅介護支援センターに相談するほどではない」"
            "と考え、コーディネーターが活動の場を訪れた際に相談する人が多い。"
        ),
        raised_by=tier1,
        raised_on=dt.date(2015, 10, 30),
        status=IssueStatus.IDENTIFIED,
        status_changed_on=dt.date(2015, 10, 30),
    )
    barrier.themes.set([themes[c] for c in ("consultation_barrier",) if c in themes])
    IssueTransition.objects.create(
        issue=barrier,
        from_status="",
        to_status=IssueStatus.IDENTIFIED,
        date=dt.date(2015, 10, 30),
        reason="上半期の活動報告の課題から",
        user=tier1,
    )

    proposal = Proposal.objects.create(
        municipality=municipality,
        council=councils[Council.Kind.PROMOTION_COUNCIL],
        title="身近な集いの場の拡充と男性の参加促進について（答申）",
        summary="地域包括ケア推進協議会での協議を経て、市長に答申した提言です。",
        approved_on=dt.date(2016, 11, 17),
        submitted_on=dt.date(2016, 12, 1),
        is_published=True,
    )
    proposal.issues.set([issue])
    recommendations = [
        (
            "喫茶店等の店舗、個人宅、空き家など多様な空間を集いの場として活用できる仕組みをつくること。",
            Recommendation.Answer.ADOPTED,
            "高齢者支援課",
            60,
            [
                (dt.date(2017, 6, 1), 20, "空き家・空き店舗の活用について庁内で検討を開始。"),
                (
                    dt.date(2017, 10, 1),
                    60,
                    "御殿山2丁目で店舗の空きスペースを使ったつどいの場が開所。",
                ),
            ],
        ),
        (
            "男性が役割を持って参加できるプログラム（軽作業、カラオケ等）を地域とともに広げること。",
            Recommendation.Answer.PARTLY,
            "高齢者支援課・市民社協",
            40,
            [
                (
                    dt.date(2017, 9, 1),
                    40,
                    "つどいの場でのチラシ折り等の軽作業の受け入れを各エリアに紹介。",
                )
            ],
        ),
        (
            "第2層生活支援コーディネーターを全6エリアに配置し、地域を回って相談に応じる体制を整えること。",
            Recommendation.Answer.ADOPTED,
            "高齢者支援課",
            100,
            [
                (
                    dt.date(2017, 4, 1),
                    100,
                    "平成29年4月、6エリアすべてに第2層コーディネーターを配置。",
                )
            ],
        ),
    ]
    for order, (text, answer, section, percent, updates) in enumerate(recommendations, start=1):
        recommendation = Recommendation.objects.create(
            proposal=proposal,
            order=order,
            text=text,
            answer=answer,
            responsible_section=section,
            answer_text="提言の趣旨を踏まえ、取り組みます。",
            answered_on=dt.date(2017, 2, 20),
            answer_published_on=dt.date(2017, 3, 1),
            progress_percent=percent,
        )
        for date, value, note in updates:
            ProgressUpdate.objects.create(
                recommendation=recommendation, date=date, percent=value, note=note, user=tier1
            )
    return issue
