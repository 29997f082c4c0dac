"""Demo activity records for Musashino: a plausible recent half-year of visits, consultations,
meetings and other activities for the tier-1 and tier-2 demo coordinators, at their areas'
demo resources, and their calendars with recurring entries (毎週, 第2火曜, 偶数月20日).

Everything here is invented (the seed gives only totals); the mix of consulters and topics
follows the seed's 平成27年度上半期 table. Records are written directly (not through the
services) so that loading the demo does not move the resources' confirmed dates, which the
resource demo sets on purpose. Loading twice changes nothing."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sasaeai.accounts.models import Role, User, tier_for_role
from sasaeai.core.recurrence import is_holiday
from sasaeai.org.models import Municipality
from sasaeai.resources.models import Service

from .models import (
    ActivityRecord,
    CalendarEntry,
    Channel,
    Consultation,
    ConsultationTopic,
    ConsulterType,
    EntryKind,
    Meeting,
    MeetingType,
    OtherActivity,
    OtherActivityKind,
    ReferralDestination,
    Visit,
    duration_minutes,
)
from .recurrence import first_occurrence, occurrences

# (consulter type, weight, [(topic code, weight)], [(referral, weight)], summaries)
CONSULTERS = [
    (
        ConsulterType.ACTIVIST,
        50,
        [
            ("individual-case", 9),
            ("lecturer", 6),
            ("activity-funds", 6),
            ("other-regions", 5),
            ("programme", 4),
            ("care-insurance-facilities", 3),
            ("dementia", 3),
            ("regional-issues-resources", 3),
            ("activity-venue", 2),
            ("vacant-houses", 2),
            ("consumer-fraud", 1),
            ("living-will", 1),
        ],
        [("none", 8), ("home_care_center", 3), ("social_welfare_council", 1)],
        [
            "参加者の一人が最近来なくなり心配とのこと",
            "講座の講師を紹介してほしい",
            "活動費の助成制度について",
            "他の地域のサロンの工夫を知りたい",
            "体操以外のプログラムの相談",
            "会場の確保が難しくなっている",
            "空き家を活動の場に使えないか",
        ],
    ),
    (
        ConsulterType.ELDERLY,
        13,
        [
            ("care-insurance-facilities", 4),
            ("individual-case", 2),
            ("gathering-places", 2),
            ("volunteering", 1),
            ("dementia", 1),
            ("my-number", 1),
        ],
        [("none", 5), ("home_care_center", 2)],
        [
            "介護保険の申請の仕方を知りたい",
            "近くで通える場所はないか",
            "物忘れが気になる",
            "ボランティアをしてみたい",
            "マイナンバーの手続きが分からない",
        ],
    ),
    (
        ConsulterType.CARE_MANAGER,
        11,
        [("informal-services", 7), ("volunteer-request", 3), ("other", 1)],
        [("resource", 6), ("none", 2), ("social_welfare_council", 1)],
        [
            "利用者に合うサロン・自主グループを探している",
            "通院の付き添いボランティアを探している",
            "デイサービスを卒業した方の通いの場",
        ],
    ),
    (
        ConsulterType.FACILITY,
        9,
        [("community-programmes", 7), ("comprehensive-programme", 2)],
        [("none", 3), ("social_welfare_council", 1)],
        [
            "事業所の部屋を地域向けに使いたい",
            "総合事業への参入について",
        ],
    ),
    (
        ConsulterType.WELFARE_COMMISSIONER,
        5,
        [("individual-case", 3), ("regional-issues-resources", 1)],
        [("home_care_center", 2), ("support_center", 1), ("none", 1)],
        [
            "見守りが必要な世帯の相談先",
            "地域の集まりの情報がほしい",
        ],
    ),
    (
        ConsulterType.OTHER_BODY,
        12,
        [("community-activities", 6), ("individual-case", 3), ("regional-issues-resources", 2)],
        [("none", 5), ("city_other_section", 2), ("home_care_center", 1)],
        [
            "地域活動の立ち上げについて",
            "個別のケースの相談先について",
            "地域の課題について意見交換",
        ],
    ),
]
OTHER_BODIES = ["市民社協", "コミュニティセンター", "大学", "他課職員", "コミセン役員"]
OBSERVATIONS = [
    "体操のあと茶話会。初参加の方が2名。",
    "男性の参加が少ない。送迎の要望あり。",
    "ボランティアの担い手が固定化している。",
    "会場の階段がつらいという声があった。",
    "参加者同士の声かけが活発。",
    "新しいプログラムとして脳トレを試行中。",
]
NEEDS = [
    "会場までの移動手段",
    "次の担い手",
    "男性が参加しやすい内容",
    "物忘れが心配な方の居場所",
    "",
    "",
]


def _workdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and not is_holiday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


class Batch:
    """Records collected for one bulk insert per model (with their history rows): the demo
    loads in seconds rather than one save per record."""

    def __init__(self) -> None:
        self.records: dict[type, list] = {}
        self.topics: list[tuple[Consultation, list[ConsultationTopic]]] = []

    def add(self, record):
        if isinstance(record, ActivityRecord):
            record.minutes = duration_minutes(record.start_time, record.end_time)
        self.records.setdefault(type(record), []).append(record)
        return record

    def flush(self, user: User) -> None:
        for model in (CalendarEntry, Visit, Consultation, Meeting, OtherActivity):
            rows = self.records.get(model, [])
            if rows:
                bulk_create_with_history(
                    rows,
                    model,
                    batch_size=500,
                    default_user=user,
                    default_change_reason="デモデータ",
                )
        through = Consultation.topics.through
        through.objects.bulk_create(
            [
                through(consultation_id=consultation.pk, consultationtopic_id=topic.pk)
                for consultation, topics in self.topics
                for topic in topics
            ],
            batch_size=500,
        )
        self.records.clear()
        self.topics.clear()


BATCH = Batch()


def _save(record, user: User, reason: str = "デモデータ"):
    return BATCH.add(record)


def _consultation(rng, *, user, area, day, topics, visit=None, channel=None, services=()):
    ctype, _, topic_weights, referrals, summaries = rng.choices(
        CONSULTERS, weights=[c[1] for c in CONSULTERS], k=1
    )[0]
    referral = _weighted(rng, referrals)
    referral_service = None
    if referral == "resource":
        if services:
            referral_service = rng.choice(services)
        else:
            referral = ReferralDestination.NONE
    consultation = Consultation(
        municipality_id=user.municipality_id,
        coordinator=user,
        tier=tier_for_role(user.role),
        area=area,
        date=day,
        visit=visit,
        consulter_type=ctype,
        consulter_body=rng.choice(OTHER_BODIES) if ctype == ConsulterType.OTHER_BODY else "",
        channel=channel
        or _weighted(
            rng,
            [(Channel.ON_SITE, 5), (Channel.PHONE, 3), (Channel.WALK_IN, 2), (Channel.MAIL_FAX, 1)],
        ),
        summary=rng.choice(summaries),
        referral=referral,
        referral_service=referral_service,
        followup_needed=rng.random() < 0.2,
    )
    if consultation.followup_needed:
        consultation.followup_due = day + dt.timedelta(days=rng.choice([7, 14, 30]))
        if consultation.followup_due < timezone.localdate() - dt.timedelta(days=10):
            consultation.followup_done_on = consultation.followup_due
    chosen = [_weighted(rng, topic_weights)]
    if rng.random() < 0.15:
        chosen.append(_weighted(rng, topic_weights))
    BATCH.topics.append(
        (consultation, [topics[code] for code in dict.fromkeys(chosen) if code in topics])
    )
    return _save(consultation, user)


def _visit(rng, *, user, area, day, service, entry=None, start=None, minutes=None):
    start = start or rng.choice([dt.time(10), dt.time(10, 30), dt.time(13, 30), dt.time(14)])
    minutes = minutes or rng.choice([60, 75, 90, 90, 105, 120])
    end_minutes = start.hour * 60 + start.minute + minutes
    visit = Visit(
        municipality_id=user.municipality_id,
        coordinator=user,
        tier=tier_for_role(user.role),
        area=area,
        date=day,
        start_time=start,
        end_time=dt.time(end_minutes // 60, end_minutes % 60),
        service=service if isinstance(service, Service) else None,
        place_name="" if isinstance(service, Service) else service,
        attendees=rng.randint(6, 25),
        observations=rng.choice(OBSERVATIONS),
        needs_heard=rng.choice(NEEDS),
        calendar_entry=entry,
        occurrence_date=day if entry else None,
    )
    return _save(visit, user)


def _meeting(rng, *, user, area, day, meeting_type, title, start=dt.time(14), minutes=90, **extra):
    end_minutes = start.hour * 60 + start.minute + minutes
    return _save(
        Meeting(
            municipality_id=user.municipality_id,
            coordinator=user,
            tier=tier_for_role(user.role),
            area=area,
            date=day,
            start_time=start,
            end_time=dt.time(end_minutes // 60, end_minutes % 60),
            meeting_type=meeting_type,
            title=title,
            participant_count=rng.randint(6, 20),
            **extra,
        ),
        user,
    )


def _entry(user, area, **fields) -> CalendarEntry:
    entry = CalendarEntry(
        municipality_id=user.municipality_id, coordinator=user, area=area, **fields
    )
    if entry.freq:
        entry.date = first_occurrence(entry)
    return _save(entry, user)


def _load_tier2(rng, *, user: User, start: dt.date, end: dt.date, topics: dict) -> None:
    area = user.areas.order_by("order").first()
    if area is None:
        return
    services = list(
        Service.objects.filter(
            municipality_id=user.municipality_id, area=area, status=Service.Status.ACTIVE
        ).order_by("name_kana", "pk")
    ) or [f"{area.name}のサロン", f"{area.name}の体操グループ"]
    all_services = [s for s in services if isinstance(s, Service)]
    # The calendar: a weekly salon visit, the area association (第2火曜), the exchange with the
    # council of social welfare in even months, and a few one-off entries ahead.
    salon = services[0]
    weekly = _entry(
        user,
        area,
        title=f"{salon}（訪問）",
        kind=EntryKind.VISIT,
        service=salon if isinstance(salon, Service) else None,
        venue="" if isinstance(salon, Service) else salon,
        date=start,
        start_time=dt.time(10),
        end_time=dt.time(11, 30),
        freq="WEEKLY",
        byday="MO",
        skip_holidays=True,
    )
    association = _entry(
        user,
        area,
        title=f"{area.name}の地域協議会",
        kind=EntryKind.MEETING,
        meeting_type=MeetingType.COMMUNITY_GROUP,
        venue="コミュニティセンター",
        date=start,
        start_time=dt.time(14),
        end_time=dt.time(16),
        freq="MONTHLY",
        byday="2TU",
    )
    exchange = _entry(
        user,
        area,
        title="市民社協地域担当との情報交換会",
        kind=EntryKind.MEETING,
        meeting_type=MeetingType.SWC_EXCHANGE,
        date=start,
        start_time=dt.time(15),
        end_time=dt.time(16),
        freq="MONTHLY",
        bymonth="2,4,6,8,10,12",
        byday="3WE",
    )
    _entry(
        user,
        area,
        title="活動記録の作成",
        kind=EntryKind.TASK,
        date=start,
        start_time=dt.time(16, 30),
        end_time=dt.time(17, 30),
        freq="WEEKLY",
        byday="FR",
    )
    today = timezone.localdate()
    for offset, title, kind, meeting_type in [
        (3, "地域ケア会議 事前打ち合わせ", EntryKind.MEETING, MeetingType.COMMUNITY_CARE_PREP),
        (10, "地域ケア会議", EntryKind.MEETING, MeetingType.COMMUNITY_CARE),
        (5, "ケアマネジャーから居場所についての相談", EntryKind.CONSULTATION, ""),
    ]:
        day = today + dt.timedelta(days=offset)
        _entry(
            user,
            area,
            title=title,
            kind=kind,
            meeting_type=meeting_type,
            date=day,
            start_time=dt.time(13, 30),
            end_time=dt.time(15),
        )

    # Recorded work over the half-year: the weekly visits (from the calendar), a second visit
    # most weeks, consultations on the spot and by phone, the monthly meetings.
    for day in occurrences(weekly, start, end):
        if rng.random() < 0.85:
            visit = _visit(
                rng,
                user=user,
                area=area,
                day=day,
                service=salon,
                entry=weekly,
                start=dt.time(10),
                minutes=90,
            )
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                _consultation(
                    rng,
                    user=user,
                    area=area,
                    day=day,
                    topics=topics,
                    visit=visit,
                    channel=Channel.ON_SITE,
                    services=all_services,
                )
    days = _workdays(start, end)
    for week in range(0, len(days), 5):
        chunk = days[week : week + 5]
        if not chunk:
            continue
        if rng.random() < 0.8:
            day = rng.choice(chunk)
            service = rng.choice(services)
            visit = _visit(rng, user=user, area=area, day=day, service=service)
            for _ in range(rng.choice([0, 1, 1, 2])):
                _consultation(
                    rng,
                    user=user,
                    area=area,
                    day=day,
                    topics=topics,
                    visit=visit,
                    channel=Channel.ON_SITE,
                    services=all_services,
                )
        for _ in range(rng.choice([0, 1, 1, 2])):
            _consultation(
                rng,
                user=user,
                area=area,
                day=rng.choice(chunk),
                topics=topics,
                services=all_services,
            )
    for day in occurrences(association, start, end):
        _meeting(
            rng,
            user=user,
            area=area,
            day=day,
            meeting_type=MeetingType.COMMUNITY_GROUP,
            title=association.title,
            calendar_entry=association,
            occurrence_date=day,
            organiser="コミュニティ協議会",
        )
    for day in occurrences(exchange, start, end):
        _meeting(
            rng,
            user=user,
            area=area,
            day=day,
            meeting_type=MeetingType.SWC_EXCHANGE,
            title=exchange.title,
            calendar_entry=exchange,
            occurrence_date=day,
            start=dt.time(15),
            minutes=60,
            organiser="市民社協",
        )
    # The community care meeting of the half-year, with its preparation and review.
    middle = days[len(days) // 2]
    for shift, meeting_type, title in [
        (-7, MeetingType.COMMUNITY_CARE_PREP, "地域ケア会議 事前打ち合わせ"),
        (0, MeetingType.COMMUNITY_CARE, "地域ケア会議"),
        (7, MeetingType.COMMUNITY_CARE_REVIEW, "地域ケア会議 反省会"),
    ]:
        _meeting(
            rng,
            user=user,
            area=area,
            day=middle + dt.timedelta(days=shift),
            meeting_type=meeting_type,
            title=f"{title}（{area.name}）",
            agenda="地域の居場所づくりについて"
            if meeting_type == MeetingType.COMMUNITY_CARE
            else "",
            participant_organisations="民生委員、地区社協、コミュニティ協議会、在宅介護支援センター",
        )
    _save(
        OtherActivity(
            municipality_id=user.municipality_id,
            coordinator=user,
            tier=tier_for_role(user.role),
            area=area,
            date=days[len(days) // 3],
            kind=OtherActivityKind.TRAINING_ATTENDED,
            title="第2層生活支援コーディネーター研修",
            counterpart="東京都",
            start_time=dt.time(10),
            end_time=dt.time(16),
        ),
        user,
    )


def _load_tier1(rng, *, user: User, start: dt.date, end: dt.date, topics: dict) -> None:
    services = list(
        Service.objects.filter(municipality_id=user.municipality_id, status=Service.Status.ACTIVE)
        .exclude(area__isnull=True)
        .order_by("pk")
    )
    news = _entry(
        user,
        None,
        title="武蔵野安心・安全ニュース発行",
        kind=EntryKind.OTHER_ACTIVITY,
        date=start,
        freq="MONTHLY",
        bymonth="2,4,6,8,10,12",
        bymonthday="20",
    )
    liaison = _entry(
        user,
        None,
        title="生活支援コーディネーター連携会議",
        kind=EntryKind.MEETING,
        meeting_type=MeetingType.LIAISON,
        venue="市役所",
        date=start,
        start_time=dt.time(10),
        end_time=dt.time(11, 30),
        freq="MONTHLY",
        byday="4MO",
        skip_holidays=True,
    )
    for day in occurrences(news, start, end):
        _save(
            OtherActivity(
                municipality_id=user.municipality_id,
                coordinator=user,
                tier=tier_for_role(user.role),
                date=day,
                kind=OtherActivityKind.PUBLICATION,
                title=f"武蔵野安心・安全ニュース（{day.month}月号）",
                copies=500,
                distribution="老人クラブ、テンミリオンハウス、民生委員、福祉公社、ケアマネジャー、地域社協",
                calendar_entry=news,
                occurrence_date=day,
            ),
            user,
        )
    for day in occurrences(liaison, start, end):
        _meeting(
            rng,
            user=user,
            area=None,
            day=day,
            meeting_type=MeetingType.LIAISON,
            title=liaison.title,
            start=dt.time(10),
            calendar_entry=liaison,
            occurrence_date=day,
            organiser="高齢者支援課",
        )
    days = _workdays(start, end)
    for week in range(0, len(days), 5):
        chunk = days[week : week + 5]
        if services and rng.random() < 0.7:
            service = rng.choice(services)
            day = rng.choice(chunk)
            visit = _visit(rng, user=user, area=service.area, day=day, service=service)
            if rng.random() < 0.5:
                _consultation(
                    rng,
                    user=user,
                    area=service.area,
                    day=day,
                    topics=topics,
                    visit=visit,
                    channel=Channel.ON_SITE,
                    services=services,
                )
        if rng.random() < 0.6:
            _consultation(
                rng, user=user, area=None, day=rng.choice(chunk), topics=topics, services=services
            )
    for index, (kind, title, counterpart, head_count) in enumerate(
        [
            (OtherActivityKind.VISITORS_HOSTED, "視察対応", "東京都", 2),
            (OtherActivityKind.VISITORS_HOSTED, "視察対応", "近隣市", 4),
            (OtherActivityKind.LECTURE_GIVEN, "活動報告の講演", "東京都社会福祉協議会", None),
            (OtherActivityKind.STUDY_SESSION, "在宅介護支援センター職員向け勉強会", "", 34),
            (
                OtherActivityKind.TRAINING_ATTENDED,
                "生活支援コーディネーター情報交換会",
                "近隣市",
                None,
            ),
        ],
        start=1,
    ):
        _save(
            OtherActivity(
                municipality_id=user.municipality_id,
                coordinator=user,
                tier=tier_for_role(user.role),
                date=days[min(len(days) - 1, index * len(days) // 6)],
                kind=kind,
                title=title,
                counterpart=counterpart,
                head_count=head_count,
                start_time=dt.time(14),
                end_time=dt.time(16),
            ),
            user,
        )


@transaction.atomic
def load(municipality: Municipality) -> None:
    if Visit.objects.filter(municipality=municipality).exists():
        return
    BATCH.records.clear()
    BATCH.topics.clear()
    today = timezone.localdate()
    end = today - dt.timedelta(days=1)
    start = end - dt.timedelta(days=182)
    topics = {t.code: t for t in ConsultationTopic.objects.filter(municipality__isnull=True)}
    coordinators = User.objects.filter(
        municipality=municipality, role__in=[Role.TIER1, Role.TIER2]
    ).order_by("username")
    for user in coordinators:
        rng = random.Random(f"{municipality.code}:{user.username}")
        if user.role == Role.TIER2:
            _load_tier2(rng, user=user, start=start, end=end, topics=topics)
        else:
            _load_tier1(rng, user=user, start=start, end=end, topics=topics)
        BATCH.flush(user)
