"""The figures the reports need, for any period and scope, counted in the database.

A `Scope` says whose work is counted: one coordinator, one area, all of tier 2, or the whole
municipality (optionally one tier). Every function takes a `Period` (sasaeai.core.periods) and
a scope and answers with grouped queries (COUNT/SUM ... GROUP BY), never by looping over rows:

    visit_counts           延べ件数, 実件数 (distinct places), total and average minutes
    consultation_counts    total; by consulter type; by channel group (来所・電話 / それ以外)
                           and channel; by topic within consulter type; referrals by
                           destination and how many went to a support centre
    meeting_counts         total, by meeting type and by group (地域ケア会議 incl. its
                           preparation and review)
    other_activity_counts  by kind; visitors hosted and their head count; copies published
    activity_counts        all of the above at once

The seed's 平成27年度上半期 figures read from these as: visits.total 55, visits.distinct_places
29, visits.total_minutes 5160 (86 時間), visits.average_minutes ≈ 94; consultations.total 95,
by_channel_group {"office": 42, "other": 53}; meetings.total 15.

Access is the caller's business (reports check the user's capability and build the scope
with `scope_for_user` or the constructors below).
"""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet, Sum

from sasaeai.accounts.models import Role, User
from sasaeai.core.periods import Period

from .models import (
    CHANNEL_GROUP_OFFICE,
    MEETING_TYPE_GROUPS,
    SUPPORT_CENTER_DESTINATIONS,
    Channel,
    Consultation,
    ConsultationTopic,
    ConsulterType,
    Meeting,
    MeetingType,
    OtherActivity,
    OtherActivityKind,
    ReferralDestination,
    Tier,
    Visit,
)


@dataclass(frozen=True)
class Scope:
    """Whose records are counted. `municipality_id` is always set; the others narrow it."""

    municipality_id: int
    area_id: int | None = None
    coordinator_id: int | None = None
    tier: int | None = None
    label: str = ""

    @classmethod
    def municipality(cls, municipality_id: int, *, label: str = "市全域") -> "Scope":
        return cls(municipality_id=municipality_id, label=label)

    @classmethod
    def area(cls, area) -> "Scope":
        return cls(municipality_id=area.municipality_id, area_id=area.pk, label=area.name)

    @classmethod
    def coordinator(cls, user: User) -> "Scope":
        return cls(municipality_id=user.municipality_id, coordinator_id=user.pk, label=user.name)

    @classmethod
    def tier2(cls, municipality_id: int) -> "Scope":
        return cls(municipality_id=municipality_id, tier=Tier.TIER2, label="第2層合計")

    @classmethod
    def tier1(cls, municipality_id: int) -> "Scope":
        return cls(municipality_id=municipality_id, tier=Tier.TIER1, label="第1層")

    def filters(self, period: Period, prefix: str = "") -> dict:
        """Filter keyword arguments for records of this scope in the period (`prefix` for
        lookups through a relation, e.g. "consultation__")."""
        kwargs = {
            "municipality_id": self.municipality_id,
            "date__gte": period.start,
            "date__lte": period.end,
        }
        if self.area_id is not None:
            kwargs["area_id"] = self.area_id
        if self.coordinator_id is not None:
            kwargs["coordinator_id"] = self.coordinator_id
        if self.tier is not None:
            kwargs["tier"] = self.tier
        return {prefix + key: value for key, value in kwargs.items()}


def scope_for_user(user: User) -> Scope:
    """A coordinator's own work; the municipality for anyone else."""
    if user.role in (Role.TIER1, Role.TIER2):
        return Scope.coordinator(user)
    return Scope.municipality(user.municipality_id)


def _records(model, period: Period, scope: Scope) -> QuerySet:
    return model.objects.filter(**scope.filters(period))


# --- visits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitCounts:
    total: int  # 延べ件数
    distinct_places: int  # 実件数
    total_minutes: int
    timed: int  # visits with a start and end time
    average_minutes: float | None  # over the timed visits

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60


def visit_counts(period: Period, scope: Scope) -> VisitCounts:
    row = _records(Visit, period, scope).aggregate(
        total=Count("id"),
        resources=Count("service", distinct=True),
        unlisted=Count("place_name", distinct=True, filter=Q(service__isnull=True)),
        minutes_sum=Sum("minutes"),
        timed=Count("minutes"),
        minutes_avg=Avg("minutes"),
    )
    return VisitCounts(
        total=row["total"],
        distinct_places=row["resources"] + row["unlisted"],
        total_minutes=row["minutes_sum"] or 0,
        timed=row["timed"],
        average_minutes=float(row["minutes_avg"]) if row["minutes_avg"] is not None else None,
    )


def visits_by_place(period: Period, scope: Scope, *, limit: int = 20) -> list[dict]:
    """The places visited most (主な訪問先): name, town and count."""
    rows = (
        _records(Visit, period, scope)
        .values("service_id", "service__name", "service__town__name", "place_name")
        .annotate(visits=Count("id"), minutes_sum=Sum("minutes"))
        .order_by("-visits", "service__name", "place_name")[:limit]
    )
    return [
        {
            "name": row["service__name"] or row["place_name"],
            "town": row["service__town__name"] or "",
            "service_id": row["service_id"],
            "visits": row["visits"],
            "minutes": row["minutes_sum"] or 0,
        }
        for row in rows
    ]


# --- consultations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationCounts:
    total: int
    by_consulter_type: dict[str, int]  # every consulter type, zeros included
    by_channel: dict[str, int]
    by_channel_group: dict[str, int]  # {"office": 来所・電話, "other": それ以外}
    by_topic: dict[int, int]  # topic id → consultations (a consultation may have several)
    by_topic_within_consulter_type: dict[str, dict[int, int]]
    by_referral: dict[str, int]
    to_support_center: int  # 在宅介護支援センター or 地域包括支援センター
    followup_open: int
    topic_names: dict[int, str] = field(default_factory=dict)

    def topic_rows(self, consulter_type: str) -> list[tuple[str, int]]:
        """(topic name, count) of one consulter type, most frequent first: 「個別ケース(9件)」."""
        counts = self.by_topic_within_consulter_type.get(consulter_type, {})
        return sorted(
            ((self.topic_names.get(pk, str(pk)), n) for pk, n in counts.items()),
            key=lambda item: (-item[1], item[0]),
        )


def consultation_counts(period: Period, scope: Scope) -> ConsultationCounts:
    records = _records(Consultation, period, scope)
    by_type = dict.fromkeys(ConsulterType.values, 0)
    for row in records.values("consulter_type").annotate(n=Count("id")).order_by():
        by_type[row["consulter_type"]] = row["n"]
    by_channel = dict.fromkeys(Channel.values, 0)
    for row in records.values("channel").annotate(n=Count("id")).order_by():
        by_channel[row["channel"]] = row["n"]
    by_referral = dict.fromkeys(ReferralDestination.values, 0)
    for row in records.values("referral").annotate(n=Count("id")).order_by():
        by_referral[row["referral"]] = row["n"]
    followup_open = records.filter(followup_needed=True, followup_done_on__isnull=True).count()

    through = Consultation.topics.through
    topic_rows = (
        through.objects.filter(**scope.filters(period, prefix="consultation__"))
        .values("consultation__consulter_type", "consultationtopic_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    within: dict[str, dict[int, int]] = {}
    by_topic: dict[int, int] = {}
    for row in topic_rows:
        topic_id = row["consultationtopic_id"]
        within.setdefault(row["consultation__consulter_type"], {})[topic_id] = row["n"]
        by_topic[topic_id] = by_topic.get(topic_id, 0) + row["n"]
    names = dict(
        ConsultationTopic.objects.filter(pk__in=by_topic).values_list("pk", "name")
        if by_topic
        else []
    )
    total = sum(by_type.values())
    office = sum(by_channel[c] for c in CHANNEL_GROUP_OFFICE)
    return ConsultationCounts(
        total=total,
        by_consulter_type=by_type,
        by_channel=by_channel,
        by_channel_group={"office": office, "other": total - office},
        by_topic=by_topic,
        by_topic_within_consulter_type=within,
        by_referral=by_referral,
        to_support_center=sum(by_referral[d] for d in SUPPORT_CENTER_DESTINATIONS),
        followup_open=followup_open,
        topic_names=names,
    )


def referrals_by_destination_and_consulter(period: Period, scope: Scope) -> dict[str, dict]:
    """consulter type → destination → count (「個別ケース9件、うち6件は在宅介護支援センターにつないだ」)."""
    result: dict[str, dict[str, int]] = {}
    rows = (
        _records(Consultation, period, scope)
        .exclude(referral=ReferralDestination.NONE)
        .values("consulter_type", "referral")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        result.setdefault(row["consulter_type"], {})[row["referral"]] = row["n"]
    return result


# --- meetings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingCounts:
    total: int
    by_type: dict[str, int]
    by_group: dict[str, int]  # "community_care": 地域ケア会議 with its preparation and review
    participants: int


def meeting_counts(period: Period, scope: Scope) -> MeetingCounts:
    records = _records(Meeting, period, scope)
    by_type = dict.fromkeys(MeetingType.values, 0)
    for row in records.values("meeting_type").annotate(n=Count("id")).order_by():
        by_type[row["meeting_type"]] = row["n"]
    participants = records.aggregate(n=Sum("participant_count"))["n"] or 0
    return MeetingCounts(
        total=sum(by_type.values()),
        by_type=by_type,
        by_group={
            group: sum(by_type[t] for t in types) for group, types in MEETING_TYPE_GROUPS.items()
        },
        participants=participants,
    )


# --- other activities -------------------------------------------------------------------------


@dataclass(frozen=True)
class OtherActivityCounts:
    by_kind: dict[str, int]
    visitors_hosted_people: int
    study_session_attendance: int
    copies_published: int

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def other_activity_counts(period: Period, scope: Scope) -> OtherActivityCounts:
    records = _records(OtherActivity, period, scope)
    by_kind = dict.fromkeys(OtherActivityKind.values, 0)
    people: dict[str, int] = {}
    copies = 0
    for row in (
        records.values("kind")
        .annotate(n=Count("id"), people=Sum("head_count"), copies_sum=Sum("copies"))
        .order_by()
    ):
        by_kind[row["kind"]] = row["n"]
        people[row["kind"]] = row["people"] or 0
        copies += row["copies_sum"] or 0
    return OtherActivityCounts(
        by_kind=by_kind,
        visitors_hosted_people=people.get(OtherActivityKind.VISITORS_HOSTED, 0),
        study_session_attendance=people.get(OtherActivityKind.STUDY_SESSION, 0),
        copies_published=copies,
    )


# --- everything -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityCounts:
    period: Period
    scope: Scope
    visits: VisitCounts
    consultations: ConsultationCounts
    meetings: MeetingCounts
    others: OtherActivityCounts


def activity_counts(period: Period, scope: Scope) -> ActivityCounts:
    return ActivityCounts(
        period=period,
        scope=scope,
        visits=visit_counts(period, scope),
        consultations=consultation_counts(period, scope),
        meetings=meeting_counts(period, scope),
        others=other_activity_counts(period, scope),
    )
