"""Consultations counted: the total and its split by channel (来所・電話 / それ以外), by who
consulted (and whether they need support: the seed's sections (2) and (3)), by topic within
each consulter type, by where they were referred (and how many to a support centre)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q

from sasaeai.core.periods import Period

from ..models import (
    CHANNEL_GROUP_OFFICE,
    SUPPORT_CENTER_DESTINATIONS,
    Consultation,
    ConsulterType,
    ReferralDestination,
)
from .scope import Scope

# Consulter types of the seed's section (2), people needing support; the others are (3).
SUPPORT_NEED_TYPES = (
    ConsulterType.ELDERLY,
    ConsulterType.FAMILY,
    ConsulterType.CARE_MANAGER,
    ConsulterType.WELFARE_COMMISSIONER,
)

TOTALS = {
    "total": Count("id"),
    "office": Count("id", filter=Q(channel__in=CHANNEL_GROUP_OFFICE)),
    "referred": Count("id", filter=Q(referral__in=SUPPORT_CENTER_DESTINATIONS)),
    "support_needs": Count("id", filter=Q(consulter_type__in=SUPPORT_NEED_TYPES)),
}


@dataclass(frozen=True)
class ConsultationTotals:
    total: int
    office: int  # 来所・電話
    referred_to_support_center: int  # 在宅介護支援センター等につないだ
    support_needs: int  # from people needing support (section (2))

    @property
    def other(self) -> int:  # それ以外 (at the places visited, by mail …)
        return self.total - self.office

    @property
    def activity_related(self) -> int:  # section (3)
        return self.total - self.support_needs


def _totals(row: dict) -> ConsultationTotals:
    return ConsultationTotals(
        total=row["total"],
        office=row["office"],
        referred_to_support_center=row["referred"],
        support_needs=row["support_needs"],
    )


def consultation_totals(period: Period, scope: Scope) -> ConsultationTotals:
    return _totals(scope.records(Consultation, period).aggregate(**TOTALS))


def consultation_totals_by(
    period: Period, scope: Scope, field: str, keys: list[int]
) -> dict[int, ConsultationTotals]:
    """Grouped by a field stored on the consultations ("area_id", "tier")."""
    rows = (
        scope.records(Consultation, period)
        .filter(**{f"{field}__in": keys})
        .values(field)
        .annotate(**TOTALS)
        .order_by()
    )
    return {row[field]: _totals(row) for row in rows}


@dataclass(frozen=True)
class ConsulterCount:
    consulter_type: str
    count: int
    referred: int  # to a support centre
    untagged: int  # with no topic recorded


def consultations_by_consulter(period: Period, scope: Scope) -> dict[str, ConsulterCount]:
    """consulter type → its counts (types without consultations left out)."""
    through = Consultation.topics.through
    has_topic = Exists(through.objects.filter(consultation_id=OuterRef("pk")))
    rows = (
        scope.records(Consultation, period)
        .values("consulter_type")
        .annotate(
            n=Count("id"),
            referred=Count("id", filter=Q(referral__in=SUPPORT_CENTER_DESTINATIONS)),
            untagged=Count("id", filter=~has_topic),
        )
        .order_by()
    )
    return {
        row["consulter_type"]: ConsulterCount(
            row["consulter_type"], row["n"], row["referred"], row["untagged"]
        )
        for row in rows
    }


@dataclass(frozen=True)
class TopicCount:
    consulter_type: str
    topic_id: int
    name: str
    order: int
    count: int  # consultations of this type about this topic
    referred: int  # of them, referred to a support centre


def consultation_topics(period: Period, scope: Scope) -> list[TopicCount]:
    """Topics within each consulter type (a consultation may have several topics)."""
    through = Consultation.topics.through
    rows = (
        through.objects.filter(scope.records_q(period, "consultation__"))
        .values(
            "consultation__consulter_type",
            "consultationtopic_id",
            "consultationtopic__name",
            "consultationtopic__order",
        )
        .annotate(
            n=Count("consultation_id"),
            referred=Count(
                "consultation_id",
                filter=Q(consultation__referral__in=SUPPORT_CENTER_DESTINATIONS),
            ),
        )
        .order_by("consultation__consulter_type", "-n", "consultationtopic__order")
    )
    return [
        TopicCount(
            consulter_type=row["consultation__consulter_type"],
            topic_id=row["consultationtopic_id"],
            name=row["consultationtopic__name"],
            order=row["consultationtopic__order"],
            count=row["n"],
            referred=row["referred"],
        )
        for row in rows
    ]


def consulting_bodies(period: Period, scope: Scope, *, limit: int = 12) -> list[tuple[str, int]]:
    """(body, consultations) of その他関係機関等, most frequent first (then the first met)."""
    rows = (
        scope.records(Consultation, period)
        .filter(consulter_type=ConsulterType.OTHER_BODY)
        .exclude(consulter_body="")
        .values("consulter_body")
        .annotate(n=Count("id"), first=Min("date"))
        .order_by("-n", "first")[:limit]
    )
    return [(row["consulter_body"], row["n"]) for row in rows]


def referral_destinations(period: Period, scope: Scope) -> list[tuple[str, int]]:
    """(destination code, consultations) of those referred somewhere, most frequent first."""
    rows = (
        scope.records(Consultation, period)
        .exclude(referral=ReferralDestination.NONE)
        .values("referral")
        .annotate(n=Count("id"))
        .order_by("-n", "referral")
    )
    return [(row["referral"], row["n"]) for row in rows]
