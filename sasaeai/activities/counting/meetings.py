"""Meetings counted, in the seed's two kinds: the talks with residents and bodies (section
(4), 話し合いへの参加: every meeting type but 庁内会議, with 地域ケア会議 counting its preparation
and review) and the programmes discussed at internal meetings (section (5), 事業の検討)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q

from sasaeai.core.periods import Period

from ..models import MEETING_TYPE_GROUPS, Meeting, MeetingType
from .scope import Scope

# Meetings recorded as 庁内会議 are the programmes of section (5), not the talks of (4).
PROGRAMME_MEETING_TYPES = (MeetingType.INTERNAL,)
TALKS = ~Q(meeting_type__in=PROGRAMME_MEETING_TYPES)
GROUP_OF = {
    str(member): group for group, members in MEETING_TYPE_GROUPS.items() for member in members
}


def meeting_group(meeting_type: str) -> str:
    """The line a meeting type is counted on: 地域ケア会議 with its preparation and review."""
    return GROUP_OF.get(meeting_type, meeting_type)


@dataclass(frozen=True)
class MeetingTotals:
    talks: int  # section (4): 話し合いへの参加
    programme_meetings: int  # section (5): internal meetings about programmes
    talks_by_group: dict[str, int]  # meeting type (or group) → talks, types met only

    @property
    def total(self) -> int:
        return self.talks + self.programme_meetings


def meeting_totals(period: Period, scope: Scope) -> MeetingTotals:
    by_group: dict[str, int] = {}
    programmes = 0
    rows = scope.records(Meeting, period).values("meeting_type").annotate(n=Count("id")).order_by()
    for row in rows:
        if row["meeting_type"] in PROGRAMME_MEETING_TYPES:
            programmes += row["n"]
            continue
        group = meeting_group(row["meeting_type"])
        by_group[group] = by_group.get(group, 0) + row["n"]
    return MeetingTotals(
        talks=sum(by_group.values()), programme_meetings=programmes, talks_by_group=by_group
    )


def talks_by(period: Period, scope: Scope, field: str, keys: list[int]) -> dict[int, int]:
    """Talks grouped by a field stored on the meetings ("area_id", "tier")."""
    rows = (
        scope.records(Meeting, period)
        .filter(TALKS, **{f"{field}__in": keys})
        .values(field)
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row[field]: row["n"] for row in rows}


@dataclass(frozen=True)
class TitleCount:
    meeting_type: str
    title: str
    count: int
    first: dt.date


def talk_titles(period: Period, scope: Scope, *, limit: int = 300) -> list[TitleCount]:
    """The titles of the talks, met most often first (then the first met)."""
    rows = (
        scope.records(Meeting, period)
        .filter(TALKS)
        .values("meeting_type", "title")
        .annotate(n=Count("id"), first=Min("date"))
        .order_by("-n", "first", "title")[:limit]
    )
    return [TitleCount(r["meeting_type"], r["title"], r["n"], r["first"]) for r in rows]


@dataclass(frozen=True)
class ProgrammeCount:
    title: str
    count: int
    first: dt.date
    last: dt.date


def programmes(period: Period, scope: Scope, *, limit: int | None = None) -> list[ProgrammeCount]:
    """The programmes discussed at internal meetings, in the order they were first discussed."""
    rows = (
        scope.records(Meeting, period)
        .filter(meeting_type__in=PROGRAMME_MEETING_TYPES)
        .values("title")
        .annotate(n=Count("id"), first=Min("date"), last=Max("date"))
        .order_by("first", "title")
    )
    if limit is not None:
        rows = rows[:limit]
    return [ProgrammeCount(r["title"], r["n"], r["first"], r["last"]) for r in rows]
