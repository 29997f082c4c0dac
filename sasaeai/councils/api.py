"""API: regional issues with their evidence counts and status history, and proposals with the
city's answers and progress. Council members read them; nothing personal is ever returned."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from sasaeai.accounts import policy
from sasaeai.api.pagination import Id, PageNumberPagination
from sasaeai.api.types import Date, WriteSchema
from sasaeai.org.models import Area

from . import policy as councils_policy
from . import selectors, services
from .models import IssueStatus, IssueTheme

router = Router(tags=["地域課題・協議体"])


class TransitionOut(Schema):
    from_status: str
    to_status: str
    to_status_label: str
    date: dt.date
    meeting_id: int | None
    meeting_title: str | None
    reason: str

    @staticmethod
    def resolve_to_status_label(obj) -> str:
        return obj.get_to_status_display()

    @staticmethod
    def resolve_meeting_title(obj) -> str | None:
        return obj.meeting.title if obj.meeting_id else None


class IssueOut(Schema):
    id: int
    title: str
    description: str
    status: str
    status_label: str
    status_changed_on: dt.date
    raised_on: dt.date
    area_ids: list[int]
    themes: list[str]
    merged_into_id: int | None
    evidence_total: int
    evidence_by_area: dict[str, int]

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_area_ids(obj) -> list[int]:
        return [a.id for a in obj.areas.all()]

    @staticmethod
    def resolve_themes(obj) -> list[str]:
        return [t.name for t in obj.themes.all()]

    @staticmethod
    def resolve_evidence_total(obj) -> int:
        return getattr(obj, "evidence_count", 0)

    @staticmethod
    def resolve_evidence_by_area(obj) -> dict[str, int]:
        # One grouped query per issue; regional issues number in the tens per municipality.
        return dict(selectors.evidence_counts(issue=obj).by_area)


class IssueDetailOut(IssueOut):
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_transitions(obj) -> list:
        return list(selectors.transitions_of(issue=obj))


class IssueIn(WriteSchema):
    title: str
    description: str
    area_ids: list[Id] = []
    theme_codes: list[str] = []
    raised_on: Date | None = None


class AdvanceIn(WriteSchema):
    to_status: str
    date: Date
    meeting_id: Id | None = None
    reason: str = ""


class EvidenceIn(WriteSchema):
    kind: str
    record_id: Id
    note: str = ""


def _issues(request: HttpRequest):
    policy.require(request.user, policy.Capability.VIEW_COUNCILS)
    return selectors.issue_list_visible_to(user=request.user)


def _areas(request: HttpRequest, ids: list[int]) -> list[Area]:
    areas = list(Area.objects.filter(id__in=ids, municipality_id=request.user.municipality_id))
    if len(areas) != len(set(ids)):
        raise ValidationError({"area_ids": "指定の圏域が見つかりません。"})
    return areas


@router.get("/regional-issues", response=list[IssueOut], summary="地域課題の一覧（根拠の件数つき）")
@paginate(PageNumberPagination)
def issue_list(request: HttpRequest, status: str = "", area_id: Id | None = None):
    issues = _issues(request).filter(merged_into__isnull=True)
    if status in IssueStatus.values:
        issues = issues.filter(status=status)
    if area_id:
        issues = issues.filter(areas__id=area_id).distinct()
    return issues


@router.get("/regional-issues/{issue_id}", response=IssueDetailOut, summary="地域課題と経過")
def issue_detail(request: HttpRequest, issue_id: int):
    return policy.get_in_scope(_issues(request), issue_id)


@router.post("/regional-issues", response={201: IssueDetailOut}, summary="地域課題の登録")
def issue_create(request: HttpRequest, payload: IssueIn):
    policy.require(request.user, policy.Capability.EDIT_COUNCILS)
    issue = services.issue_create(
        request=request,
        via="API",
        user=request.user,
        title=payload.title,
        description=payload.description,
        areas=_areas(request, payload.area_ids),
        themes=IssueTheme.objects.filter(code__in=payload.theme_codes),
        raised_on=payload.raised_on,
    )
    return Status(201, _issues(request).get(pk=issue.pk))


@router.put("/regional-issues/{issue_id}", response=IssueDetailOut, summary="地域課題の更新")
def issue_update(request: HttpRequest, issue_id: int, payload: IssueIn):
    issue = policy.get_in_scope(_issues(request), issue_id)
    if not councils_policy.can_edit_issue(request.user, issue):
        raise PermissionDenied("この地域課題を変更する権限がありません。")
    services.issue_update(
        request=request,
        via="API",
        user=request.user,
        issue=issue,
        title=payload.title,
        description=payload.description,
        areas=_areas(request, payload.area_ids),
        themes=IssueTheme.objects.filter(code__in=payload.theme_codes),
        proposed_wording=issue.proposed_wording,
    )
    return _issues(request).get(pk=issue.pk)


@router.post(
    "/regional-issues/{issue_id}/advance",
    response=IssueDetailOut,
    summary="地域課題の段階を進める（飛ばす・戻す場合は理由が必要）",
)
def issue_advance(request: HttpRequest, issue_id: int, payload: AdvanceIn):
    issue = policy.get_in_scope(_issues(request), issue_id)
    meeting = None
    if payload.meeting_id:
        meeting = policy.get_in_scope(
            selectors.meeting_visible_to(user=request.user), payload.meeting_id
        )
    services.issue_advance(
        request=request,
        via="API",
        user=request.user,
        issue=issue,
        to_status=payload.to_status,
        date=payload.date,
        meeting=meeting,
        reason=payload.reason,
    )
    return _issues(request).get(pk=issue.pk)


@router.post(
    "/regional-issues/{issue_id}/evidence",
    response=IssueDetailOut,
    summary="地域課題に根拠（相談・訪問・会議・個別ケース）を追加",
)
def issue_attach(request: HttpRequest, issue_id: int, payload: EvidenceIn):
    issue = policy.get_in_scope(_issues(request), issue_id)
    services.evidence_attach(
        request=request,
        via="API",
        user=request.user,
        issue=issue,
        kind=payload.kind,
        record_id=payload.record_id,
        note=payload.note,
    )
    return _issues(request).get(pk=issue.pk)


class UpdateOut(Schema):
    date: dt.date
    percent: int
    note: str


class RecommendationOut(Schema):
    id: int
    order: int
    text: str
    answer: str
    answer_label: str
    answer_text: str
    responsible_section: str
    answered_on: dt.date | None
    answer_published_on: dt.date | None
    progress_percent: int
    updates: list[UpdateOut]

    @staticmethod
    def resolve_answer_label(obj) -> str:
        return obj.get_answer_display()

    @staticmethod
    def resolve_updates(obj) -> list:
        return list(obj.updates.all())


class ProposalOut(Schema):
    id: int
    title: str
    summary: str
    council: str
    approved_on: dt.date | None
    submitted_on: dt.date | None
    is_published: bool
    issue_ids: list[int]
    recommendations: list[RecommendationOut]

    @staticmethod
    def resolve_council(obj) -> str:
        return obj.council.name

    @staticmethod
    def resolve_issue_ids(obj) -> list[int]:
        return [i.id for i in obj.issues.all()]

    @staticmethod
    def resolve_recommendations(obj) -> list:
        return list(obj.recommendations.all())


def _proposals(request: HttpRequest):
    policy.require(request.user, policy.Capability.VIEW_COUNCILS)
    return selectors.proposal_list_visible_to(user=request.user)


@router.get("/proposals", response=list[ProposalOut], summary="政策提言の一覧（市の回答と進捗）")
@paginate(PageNumberPagination)
def proposal_list(request: HttpRequest):
    return _proposals(request)


@router.get("/proposals/{proposal_id}", response=ProposalOut, summary="政策提言")
def proposal_detail(request: HttpRequest, proposal_id: int):
    return policy.get_in_scope(_proposals(request), proposal_id)
