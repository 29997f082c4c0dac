"""Reads about regional issues, councils and proposals, scoped by the access policy.

Issues, councils and proposals hold no personal data and are readable by everyone with the
councils capability in the municipality; evidence is shown as counts to those who may not see
the underlying records."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.lookups import Contains

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User
from sasaeai.core.periods import fiscal_year_of, half_year
from sasaeai.core.text import SearchKey, search_key
from sasaeai.org.models import Area

from .models import (
    PIPELINE,
    AgendaItem,
    Council,
    IssueEvidence,
    IssueStatus,
    IssueTheme,
    IssueTransition,
    Proposal,
    Recommendation,
    RegionalIssue,
)


def issue_list_visible_to(*, user: User) -> QuerySet[RegionalIssue]:
    if not policy.has(user, policy.Capability.VIEW_COUNCILS):
        return RegionalIssue.objects.none()
    return (
        RegionalIssue.objects.filter(municipality_id=user.municipality_id)
        .select_related("raised_by", "merged_into")
        .prefetch_related("areas", "themes")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("-raised_on", "-id")
    )


def issue_search(
    *,
    user: User,
    text: str = "",
    status: str = "",
    area_id: int | None = None,
    theme_id: int | None = None,
    include_merged: bool = False,
) -> QuerySet[RegionalIssue]:
    issues = issue_list_visible_to(user=user)
    if not include_merged:
        issues = issues.filter(merged_into__isnull=True)
    if text:
        issues = issues.filter(Q(title__icontains=text) | Q(description__icontains=text))
    if status:
        issues = issues.filter(status=status)
    if area_id:
        issues = issues.filter(areas__id=area_id)
    if theme_id:
        issues = issues.filter(themes__id=theme_id)
    return issues.distinct()


def issues_raised_by(*, user: User) -> QuerySet[RegionalIssue]:
    return issue_list_visible_to(user=user).filter(raised_by=user, merged_into__isnull=True)


def can_see_evidence_records(user: User) -> bool:
    """Coordinators see which records stand behind an issue; others see counts only."""
    return user.role in (Role.TIER1, Role.TIER2)


def evidence_visible_to(*, user: User, issue: RegionalIssue) -> QuerySet[IssueEvidence]:
    """The evidence rows whose record the user may open (cases only within the personal
    scope; other records within the municipality)."""
    if not can_see_evidence_records(user):
        return IssueEvidence.objects.none()
    rows = issue.evidence.select_related(
        "consultation", "visit", "visit__service", "meeting", "case", "area"
    )
    if user.role == Role.TIER2:
        visible_cases = policy.personal_scope(
            IssueEvidence.case.field.related_model.objects.all(), user
        ).values("id")
        rows = rows.filter(Q(case__isnull=True) | Q(case__in=visible_cases))
    return rows


@dataclass(frozen=True)
class EvidenceCounts:
    by_kind: dict[str, int]
    by_area: list[tuple[str, int]]
    by_half_year: list[tuple[str, int]]
    total: int


def evidence_counts(*, issue: RegionalIssue) -> EvidenceCounts:
    """Counts by kind, area and half year, computed live with grouped queries."""
    rows = IssueEvidence.objects.filter(issue=issue)
    by_kind = {
        row["kind"]: row["n"] for row in rows.values("kind").annotate(n=Count("id")).order_by()
    }
    areas = dict(
        Area.objects.filter(municipality_id=issue.municipality_id).values_list("id", "name")
    )
    by_area = [
        (areas.get(row["area_id"], "市全域"), row["n"])
        for row in rows.values("area_id").annotate(n=Count("id")).order_by("area_id")
    ]
    halves: dict[str, int] = defaultdict(int)
    for row in rows.values("date").annotate(n=Count("id")).order_by("date"):
        day: dt.date = row["date"]
        period = half_year(fiscal_year_of(day), "first" if 4 <= day.month <= 9 else "second")
        halves[period.label] += row["n"]
    return EvidenceCounts(
        by_kind={kind: by_kind.get(kind, 0) for kind in IssueEvidence.Kind.values},
        by_area=by_area,
        by_half_year=list(halves.items()),
        total=sum(by_kind.values()),
    )


def evidence_counts_by_area(*, issues: QuerySet[RegionalIssue]) -> dict[int, dict[str, int]]:
    """For many issues at once (lists, the API, the briefing pack): {issue_id: {area: n}}."""
    areas = {}
    result: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        IssueEvidence.objects.filter(issue__in=issues)
        .values("issue_id", "area_id", "area__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        name = row["area__name"] or "市全域"
        areas[row["area_id"]] = name
        result[row["issue_id"]][name] = row["n"]
    return dict(result)


def suggested_evidence(*, user: User, issue: RegionalIssue, limit: int = 20) -> list[dict]:
    """Records the user may attach whose topics or text match the issue's themes."""
    from sasaeai.activities.models import Consultation, Visit

    from .services import evidence_record_queryset

    if user.role not in (Role.TIER1, Role.TIER2):
        return []
    words: set[str] = set()
    for theme in issue.themes.all():
        words.add(theme.name)
        words.update(w.strip() for w in theme.keywords.replace(",", "、").split("、") if w.strip())
    words = {w for w in words if w}
    if not words:
        return []
    attached = issue.evidence.values_list
    taken_consultations = set(attached("consultation_id", flat=True))
    taken_visits = set(attached("visit_id", flat=True))
    suggestions: list[dict] = []
    condition = Q()
    for word in words:
        condition |= Q(summary__icontains=word) | Q(topics__name__icontains=word)
    consultations = (
        evidence_record_queryset(user=user, kind="consultation")
        .filter(condition)
        .exclude(id__in=taken_consultations)
        .select_related("area")
        .distinct()
        .order_by("-date")[:limit]
    )
    assert consultations.model is Consultation
    for record in consultations:
        suggestions.append(
            {"kind": "consultation", "record": record, "reason": _matched(words, record.summary)}
        )
    condition = Q()
    for word in words:
        condition |= Q(needs_heard__icontains=word) | Q(observations__icontains=word)
    visits = (
        evidence_record_queryset(user=user, kind="visit")
        .filter(condition)
        .exclude(id__in=taken_visits)
        .select_related("area", "service")
        .order_by("-date")[: max(0, limit - len(suggestions))]
    )
    assert visits.model is Visit
    for record in visits:
        suggestions.append(
            {
                "kind": "visit",
                "record": record,
                "reason": _matched(words, record.needs_heard + record.observations),
            }
        )
    return suggestions


def evidence_search(
    *,
    user: User,
    issue: RegionalIssue,
    text: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 20,
) -> list[dict]:
    """The records the user may attach, found by words (every word in the record's text, both
    folded by core.text.search_key: width, kana and case:
    a consultation's summary and topics, a visit's place and notes, a meeting's name, venue
    and agenda, a case's number and needs) and by a period, newest first; records already
    attached are left out. Each item: kind, record, date, label (what the user recognises,
    never an internal number)."""
    from .services import evidence_record_queryset

    if user.role not in (Role.TIER1, Role.TIER2):
        return []
    # Words and records compared in the search folding (core.text): ｶﾗｵｹ finds カラオケ.
    words = [w for w in search_key(text).split(" ") if w][:5]
    searched = {
        IssueEvidence.Kind.CONSULTATION: (
            "date",
            ["summary", "topics__name", "consulter_body"],
            ["area"],
        ),
        IssueEvidence.Kind.VISIT: (
            "date",
            ["place_name", "service__name", "observations", "needs_heard"],
            ["area", "service"],
        ),
        IssueEvidence.Kind.MEETING: ("date", ["title", "venue", "agenda"], ["area"]),
        IssueEvidence.Kind.CASE: ("received_on", ["number", "needs_text"], ["area"]),
    }
    taken = {
        kind: set(issue.evidence.filter(kind=kind).values_list(f"{kind}_id", flat=True))
        for kind in searched
    }
    found: list[dict] = []
    for kind, (date_field, fields, related) in searched.items():
        records = evidence_record_queryset(user=user, kind=kind).select_related(*related)
        for word in words:
            condition = Q()
            for name in fields:
                condition |= Q(Contains(SearchKey(name), word))
            records = records.filter(condition)
        if date_from:
            records = records.filter(**{f"{date_field}__gte": date_from})
        if date_to:
            records = records.filter(**{f"{date_field}__lte": date_to})
        records = records.exclude(pk__in=taken[kind]).distinct().order_by(f"-{date_field}", "-pk")
        for record in records[:limit]:
            found.append(
                {
                    "kind": kind,
                    "kind_label": IssueEvidence.Kind(kind).label,
                    "record": record,
                    "date": getattr(record, date_field),
                    "label": evidence_label(kind, record),
                }
            )
    found.sort(key=lambda item: item["date"], reverse=True)
    return found[:limit]


def evidence_label(kind: str, record) -> str:
    """What names a record to its coordinator: the consultation's summary, the visit's place,
    the meeting's name, the case's number (never a database id)."""
    if kind == IssueEvidence.Kind.CONSULTATION:
        text = " ".join(record.summary.split())
        about = text[:40] + ("…" if len(text) > 40 else "")
        return f"{record.get_consulter_type_display()}からの相談「{about}」"
    if kind == IssueEvidence.Kind.VISIT:
        return f"{record.place_label}への訪問"
    if kind == IssueEvidence.Kind.MEETING:
        return f"{record.title}（{record.get_meeting_type_display()}）"
    return f"ケース {record.number}"


# Which meetings an issue moves forward at, by the step it moves to (the seed's pipeline:
# 第2層 reviews at its own meetings, pooling at the coordinators' liaison meeting, reports and
# proposals at the tier-1 council, follow-up in the city's internal meetings).
ADVANCE_MEETING_TYPES: dict[str, tuple[str, ...]] = {
    IssueStatus.TIER2_REVIEW: (
        "community_care",
        "community_care_prep",
        "community_care_review",
        "preparation_group",
        "community_forum",
        "community_group",
    ),
    IssueStatus.POOLED: ("liaison",),
    IssueStatus.REPORTED: ("tier1_council",),
    IssueStatus.PROPOSED: ("tier1_council",),
    IssueStatus.IN_PROGRESS: ("internal", "tier1_council"),
}
ADVANCE_MEETING_DAYS = 365
ADVANCE_MEETING_LIMIT = 20


def advance_meeting_choices(
    *, user: User, to_status: str, today: dt.date | None = None
) -> list[tuple]:
    """The meeting drop-down of 「段階を進める」: the meetings of the last year up to today,
    those of the kind that fits the step first, each named by its era date, kind and name
    (with the venue or area where two share a name), at most 20 per group."""
    from sasaeai.core.eras import era_date

    today = today or dt.date.today()
    recent = (
        meeting_visible_to(user=user)
        .filter(date__gte=today - dt.timedelta(days=ADVANCE_MEETING_DAYS), date__lte=today)
        .select_related("area")
        .order_by("-date", "-id")
    )
    kinds = ADVANCE_MEETING_TYPES.get(to_status, ())
    fitting = list(recent.filter(meeting_type__in=kinds)[:ADVANCE_MEETING_LIMIT]) if kinds else []
    others = list(recent.exclude(meeting_type__in=kinds)[:ADVANCE_MEETING_LIMIT])
    titles = [m.title for m in fitting + others]

    def label(meeting) -> str:
        text = f"{era_date(meeting.date, full_width=True)} {meeting.title}"
        kind = meeting.get_meeting_type_display()
        if kind not in meeting.title:
            text += f"（{kind}）"
        if titles.count(meeting.title) > 1:
            place = meeting.venue or (meeting.area.name if meeting.area_id else "")
            if place:
                text += f" 会場: {place}"
        return text

    choices: list[tuple] = [("", "（会議を選ばない）")]
    if fitting:
        step = IssueStatus(to_status).label
        choices.append((f"「{step}」の会議（最近1年）", [(m.pk, label(m)) for m in fitting]))
    if others:
        heading = "そのほかの最近の会議" if fitting else "最近1年の会議"
        choices.append((heading, [(m.pk, label(m)) for m in others]))
    return choices


def _matched(words: set[str], text: str) -> str:
    key = search_key(text)
    hits = [w for w in sorted(words) if search_key(w) in key]
    return "、".join(hits) if hits else "相談内容の分類が一致"


def transitions_of(*, issue: RegionalIssue) -> QuerySet[IssueTransition]:
    return issue.transitions.select_related("meeting", "user").order_by("date", "id")


# --- overview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    areas: list[Area]
    themes: list[IssueTheme]
    heat: dict[tuple[int | None, int], int]
    heat_max: int
    pipeline: list[tuple[str, str, int]]
    waits: list[tuple[str, float | None, int]]
    proposals: list[Proposal]


def overview(*, user: User) -> Overview:
    issues = issue_list_visible_to(user=user).filter(merged_into__isnull=True)
    areas = list(Area.objects.filter(municipality_id=user.municipality_id))
    themes = list(IssueTheme.objects.filter(is_active=True))
    heat: dict[tuple[int | None, int], int] = {}
    rows = (
        RegionalIssue.objects.filter(id__in=issues.values("id"))
        .values("areas__id", "themes__id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    for row in rows:
        if row["themes__id"] is not None:
            heat[(row["areas__id"], row["themes__id"])] = row["n"]
    counts = dict(
        RegionalIssue.objects.filter(id__in=issues.values("id"))
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    pipeline = [(s.value, s.label, counts.get(s.value, 0)) for s in IssueStatus]
    # How long issues stayed at each step: from entering it to leaving it (or today).
    durations: dict[str, list[int]] = defaultdict(list)
    today = dt.date.today()
    by_issue: dict[int, list[IssueTransition]] = defaultdict(list)
    for t in IssueTransition.objects.filter(issue__in=issues.values("id")).order_by("date", "id"):
        if t.from_status != t.to_status:
            by_issue[t.issue_id].append(t)
    for steps in by_issue.values():
        for index, step in enumerate(steps):
            left = steps[index + 1].date if index + 1 < len(steps) else today
            durations[step.to_status].append((left - step.date).days)
    waits = [
        (IssueStatus(s).label, (sum(d) / len(d)) if (d := durations.get(s)) else None, len(d or []))
        for s in PIPELINE
    ]
    proposals = list(proposal_list_visible_to(user=user))
    return Overview(
        areas=areas,
        themes=themes,
        heat=heat,
        heat_max=max(heat.values(), default=0),
        pipeline=pipeline,
        waits=waits,
        proposals=proposals,
    )


# --- councils and meetings -------------------------------------------------------------------


def council_list_visible_to(*, user: User) -> QuerySet[Council]:
    if not policy.has(user, policy.Capability.VIEW_COUNCILS):
        return Council.objects.none()
    return (
        Council.objects.filter(municipality_id=user.municipality_id)
        .select_related("area")
        .prefetch_related("members")
    )


def council_meetings(*, council: Council):
    from sasaeai.activities.models import Meeting

    return Meeting.objects.filter(council=council).order_by("-date")


def meeting_visible_to(*, user: User):
    """Meetings the user may read: the one rule of `activities.selectors.meeting_visible_to`
    (council meetings for everyone with the councils capability, other meetings as activity
    records)."""
    from sasaeai.activities.selectors import meeting_visible_to as rule

    return rule(user=user)


def agenda_of(*, meeting) -> QuerySet[AgendaItem]:
    return meeting.agenda_items.select_related("issue").prefetch_related("issue__areas")


# --- proposals -------------------------------------------------------------------------------


def proposal_list_visible_to(*, user: User) -> QuerySet[Proposal]:
    if not policy.has(user, policy.Capability.VIEW_COUNCILS):
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(municipality_id=user.municipality_id)
        .select_related("council")
        .prefetch_related(
            "issues", Prefetch("recommendations", queryset=Recommendation.objects.order_by("order"))
        )
    )


def proposal_list_public(*, municipality_id: int) -> QuerySet[Proposal]:
    """What the public accountability page shows: published proposals, and only published
    answers (the template shows an answer only once its publication date is set)."""
    return (
        Proposal.objects.filter(municipality_id=municipality_id, is_published=True)
        .select_related("council")
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.order_by("order").prefetch_related("updates"),
            )
        )
    )
