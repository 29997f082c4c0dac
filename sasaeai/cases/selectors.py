"""Reads of cases, scoped by the access policy: only the case's area coordinators and tier 1
see a case (policy.personal_scope); others get nothing, and a single case out of scope answers
404 like a missing one. Also the follow-ups due, the timeline, the case library and the counts
that officials may see."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.core.text import search_key
from sasaeai.resources.search import query_terms

from .models import (
    CLOSED_REFERRAL_STATUSES,
    Case,
    CaseEntry,
    CaseStory,
    Referral,
    ReferralTransition,
)

FOLLOW_UP_HORIZON_DAYS = 7


def case_list_visible_to(*, user: User) -> QuerySet[Case]:
    return policy.personal_scope(Case.objects.all(), user)


def case_get_visible(*, user: User, pk: object) -> Case:
    """One case in the user's scope with what its page shows; 404 when missing or not theirs."""
    return policy.get_in_scope(
        case_list_visible_to(user=user).select_related(
            "area", "town", "town_block__town", "coordinator", "created_by", "municipality"
        ),
        pk,
    )


def referral_get_visible(*, user: User, pk: object) -> Referral:
    return policy.get_in_scope(
        _referrals_in_scope(user).select_related("case__area", "case__municipality", "service"),
        pk,
    )


def _referrals_in_scope(user: User) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(case__in=case_list_visible_to(user=user))
    if user.municipality_id is not None:
        # The referral's own municipality (indexed): the planner then starts from this city's
        # referrals, not from every hosted municipality's (issue 26).
        referrals = referrals.filter(municipality_id=user.municipality_id)
    return referrals


def entry_get_visible(*, user: User, pk: object) -> CaseEntry:
    return policy.get_in_scope(
        CaseEntry.objects.filter(case__in=case_list_visible_to(user=user)).select_related(
            "case__area", "referral"
        ),
        pk,
    )


@dataclass
class CaseFilters:
    text: str = ""  # case number, or a word of the needs / hobbies
    status: str = ""
    area_id: int | None = None
    referral_status: str = ""
    mine: bool = False


def case_list(*, user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The case list: scoped, filtered, with the counts each row shows, in a fixed number of
    queries."""
    filters = filters or CaseFilters()
    queryset = case_list_visible_to(user=user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.area_id:
        queryset = queryset.filter(area_id=filters.area_id)
    if filters.mine:
        queryset = queryset.filter(coordinator=user)
    if filters.referral_status:
        queryset = queryset.filter(
            Exists(Referral.objects.filter(case=OuterRef("pk"), status=filters.referral_status))
        )
    text = filters.text.strip()[:50]
    if text:
        queryset = queryset.filter(
            Q(number__icontains=text)
            | Q(hobbies__icontains=text)
            | Q(needs_text__icontains=text)
            | Q(person_name__icontains=text)
            | Q(person_name_kana__icontains=text)
        )
    today = timezone.localdate()
    return (
        queryset.select_related("area", "town", "coordinator")
        .annotate(
            open_referrals=Count(
                "referrals",
                filter=~Q(referrals__status__in=CLOSED_REFERRAL_STATUSES),
                distinct=True,
            ),
            due_follow_ups=Count(
                "referrals",
                filter=Q(referrals__follow_up_on__lte=today)
                & ~Q(referrals__status__in=CLOSED_REFERRAL_STATUSES),
                distinct=True,
            ),
        )
        .order_by("-received_on", "-id")
    )


def case_detail_relations(case: Case) -> dict:
    """The referrals (with their transitions) and the timeline of a case, in a few queries."""
    referrals = list(
        case.referrals.select_related("service__location", "service__town", "created_by")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=ReferralTransition.objects.select_related("by").order_by("date", "id"),
            )
        )
        .order_by("-created_at", "-id")
    )
    entries = list(case.entries.select_related("by", "referral__service").order_by("-date", "-id"))
    return {
        "referrals": referrals,
        "entries": entries,
        "timeline": case_timeline(entries, referrals),
    }


@dataclass
class TimelineItem:
    date: dt.date
    kind: str  # entry / transition
    label: str
    text: str
    by: str
    entry: CaseEntry | None = None


def case_timeline(entries: list[CaseEntry], referrals: list[Referral]) -> list[TimelineItem]:
    """Entries and referral status changes on one time line, newest first."""
    items = [
        TimelineItem(
            date=entry.date,
            kind="entry",
            label=entry.get_kind_display(),
            text=entry.text,
            by=str(entry.by) if entry.by_id else "",
            entry=entry,
        )
        for entry in entries
    ]
    for referral in referrals:
        for transition in referral.transitions.all():
            text = f"{referral.destination_label}: {transition.get_to_status_display()}"
            if transition.note:
                text += f"（{transition.note}）"
            items.append(
                TimelineItem(
                    date=transition.date,
                    kind="transition",
                    label="つなぎ",
                    text=text,
                    by=str(transition.by) if transition.by_id else "",
                )
            )
    items.sort(key=lambda item: (item.date, item.kind == "transition"), reverse=True)
    return items


def follow_ups_due(
    *, user: User, today: dt.date | None = None, mine: bool = True, horizon_days: int | None = None
) -> QuerySet[Referral]:
    """Open referrals whose follow-up date has come (or comes within the horizon): the list
    that makes sure nobody is dropped after the first introduction. `mine` keeps the cases
    the user coordinates or the referrals they proposed."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(
        days=FOLLOW_UP_HORIZON_DAYS if horizon_days is None else horizon_days
    )
    queryset = _referrals_in_scope(user).filter(follow_up_on__lte=horizon)
    queryset = queryset.exclude(status__in=CLOSED_REFERRAL_STATUSES)
    if mine:
        # By the ids of the user's own cases (read first: the referrals' case index then finds
        # their referrals), not by a join or a subquery: with either, the planner started from
        # every municipality's referrals due within the horizon (the follow-up date index) and
        # only then kept this city's, so the home page slowed down with each municipality the
        # installation hosts (issue 26, docs/benchmarks.md).
        own_cases = list(
            case_list_visible_to(user=user).filter(coordinator=user).values_list("id", flat=True)
        )
        queryset = queryset.filter(Q(case_id__in=own_cases) | Q(created_by=user))
    return queryset.select_related("case__area", "service").order_by("follow_up_on", "pk")


# --- case stories ------------------------------------------------------------------------------


def story_drafts_visible_to(*, user: User) -> QuerySet[CaseStory]:
    """Stories being written: the writer's area and tier 1, like cases."""
    return policy.personal_scope(CaseStory.objects.all(), user).select_related(
        "area", "written_by", "reviewed_by", "case"
    )


def story_library(*, user: User, text: str = "") -> QuerySet[CaseStory]:
    """Published, anonymised stories of the municipality, searchable by every coordinator."""
    if not policy.has(user, Capability.VIEW_CASES):
        return CaseStory.objects.none()
    queryset = CaseStory.objects.filter(
        municipality_id=user.municipality_id, status=CaseStory.Status.PUBLISHED
    )
    for term in query_terms(text):
        queryset = queryset.filter(search_text__contains=search_key(term))
    return queryset.select_related("area").order_by("-published_on", "-id")


def story_get_visible(*, user: User, pk: object) -> CaseStory:
    """A published story of the municipality, or a draft within the user's scope."""
    if not policy.has(user, Capability.VIEW_CASES):
        return policy.get_in_scope(CaseStory.objects.none(), pk)
    published = Q(municipality_id=user.municipality_id, status=CaseStory.Status.PUBLISHED)
    drafts = Q(pk__in=story_drafts_visible_to(user=user).values("pk"))
    return policy.get_in_scope(
        CaseStory.objects.filter(published | drafts).select_related(
            "area", "written_by", "reviewed_by", "case"
        ),
        pk,
    )


def stories_for_review(*, user: User) -> QuerySet[CaseStory]:
    if not policy.has(user, Capability.REVIEW_CASE_STORIES):
        return CaseStory.objects.none()
    return (
        CaseStory.objects.filter(
            municipality_id=user.municipality_id, status=CaseStory.Status.IN_REVIEW
        )
        .exclude(written_by=user)
        .select_related("area", "written_by")
    )


# --- counts (no personal data: for officials and reports) ------------------------------------------
