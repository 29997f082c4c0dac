"""Writes about regional issues, council meetings and proposals. Each function checks the
access policy itself, so that views and the API share one set of rules."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User
from sasaeai.audit.services import audit_record
from sasaeai.org.models import Area

from .models import (
    PIPELINE,
    AgendaItem,
    Attendance,
    CouncilMember,
    IssueEvidence,
    IssueFigure,
    IssueStatus,
    IssueTheme,
    IssueTransition,
    ProgressUpdate,
    Proposal,
    Recommendation,
    RegionalIssue,
    pipeline_position,
)
from .policy import (
    require_council_edit,
    require_issue_edit,
    require_meeting_edit,
)

# Steps a tier-2 coordinator may record; reporting to the tier-1 council and beyond is tier 1's.
TIER2_HIGHEST_STEP = IssueStatus.POOLED


def _require_edit(user: User) -> None:
    policy.require(user, policy.Capability.EDIT_COUNCILS)


def _check_areas(user: User, areas: list[Area]) -> None:
    for area in areas:
        if area.municipality_id != user.municipality_id:
            raise ValidationError({"areas": f"圏域「{area.name}」はほかの市区町村の圏域です。"})
    if user.role == Role.TIER2:
        if not areas:
            raise ValidationError(
                {"areas": "第2層コーディネーターは担当圏域を1つ以上選んでください。"}
            )
        outside = [a.name for a in areas if a.id not in policy.area_ids(user)]
        if outside:
            raise ValidationError(
                {"areas": f"担当外の圏域（{'、'.join(outside)}）の課題は登録できません。"}
            )


@transaction.atomic
def issue_create(
    *,
    user: User,
    title: str,
    description: str,
    areas: Iterable[Area] = (),
    themes: Iterable[IssueTheme] = (),
    raised_on: dt.date | None = None,
    request: HttpRequest | None = None,
    via: str = "",
) -> RegionalIssue:
    _require_edit(user)
    areas = list(areas)
    _check_areas(user, areas)
    raised_on = raised_on or timezone.localdate()
    if raised_on > timezone.localdate():
        raise ValidationError({"raised_on": "提起した日に未来の日付は入力できません。"})
    issue = RegionalIssue(
        municipality_id=user.municipality_id,
        title=title,
        description=description,
        raised_by=user,
        raised_on=raised_on,
        status=IssueStatus.IDENTIFIED,
        status_changed_on=raised_on,
    )
    issue.full_clean()
    issue.save()
    issue.areas.set(areas)
    issue.themes.set(list(themes))
    IssueTransition.objects.create(
        issue=issue,
        from_status="",
        to_status=IssueStatus.IDENTIFIED,
        date=raised_on,
        reason="課題として把握",
        user=user,
    )
    audit_record(
        action="create", request=request, user=user, target=issue, summary="地域課題を登録", via=via
    )
    return issue


@transaction.atomic
def issue_update(
    *,
    user: User,
    issue: RegionalIssue,
    title: str,
    description: str,
    areas: Iterable[Area],
    themes: Iterable[IssueTheme],
    proposed_wording: str = "",
    request: HttpRequest | None = None,
    via: str = "",
) -> RegionalIssue:
    require_issue_edit(user, issue)
    areas = list(areas)
    _check_areas(user, areas)
    issue.title = title
    issue.description = description
    issue.proposed_wording = proposed_wording
    issue.full_clean()
    issue.save()
    issue.areas.set(areas)
    issue.themes.set(list(themes))
    audit_record(
        action="update", request=request, user=user, target=issue, summary="地域課題を更新", via=via
    )
    return issue


def allowed_next_statuses(status: str) -> list[str]:
    """The steps an issue may take without giving a reason: the next one along the pipeline
    (from 事業化・対応中, either end)."""
    position = pipeline_position(status)
    if position < len(PIPELINE) - 1:
        return [PIPELINE[position + 1]]
    if position == len(PIPELINE) - 1:
        return [IssueStatus.RESOLVED, IssueStatus.CONTINUING]
    return []


@transaction.atomic
def issue_advance(
    *,
    user: User,
    issue: RegionalIssue,
    to_status: str,
    date: dt.date,
    meeting=None,
    reason: str = "",
    request: HttpRequest | None = None,
    via: str = "",
) -> IssueTransition:
    """Moves an issue along the pipeline. The next step needs no reason; skipping a step,
    moving back or reopening a finished issue needs one. Each step is dated and may name the
    meeting where it happened."""
    require_issue_edit(user, issue)
    if issue.is_merged:
        raise ValidationError(
            {
                "to_status": f"この課題は「{issue.merged_into.title}」に統合済みです。統合先の課題を進めてください。"
            }
        )
    if to_status not in IssueStatus.values:
        raise ValidationError({"to_status": f"段階「{to_status}」はありません。"})
    if to_status == issue.status:
        raise ValidationError({"to_status": "いまと同じ段階です。"})
    reason = (reason or "").strip()
    if to_status not in allowed_next_statuses(issue.status) and not reason:
        label = IssueStatus(to_status).label
        current = IssueStatus(issue.status).label
        raise ValidationError(
            {
                "reason": f"「{current}」から「{label}」へは順番どおりではありません。段階を飛ばす・戻す理由を入力してください。"
            }
        )
    if user.role == Role.TIER2 and pipeline_position(to_status) > pipeline_position(
        TIER2_HIGHEST_STEP
    ):
        raise ValidationError(
            {"to_status": "第1層協議体への報告から先の段階は、第1層コーディネーターが記録します。"}
        )
    if date > timezone.localdate():
        raise ValidationError({"date": "未来の日付は入力できません。"})
    if date < issue.status_changed_on:
        raise ValidationError(
            {"date": f"前の段階の日付（{issue.status_changed_on:%Y-%m-%d}）より前の日付です。"}
        )
    if meeting is not None and meeting.municipality_id != issue.municipality_id:
        raise ValidationError({"meeting": "ほかの市区町村の会議は選べません。"})
    transition = IssueTransition.objects.create(
        issue=issue,
        from_status=issue.status,
        to_status=to_status,
        date=date,
        meeting=meeting,
        reason=reason,
        user=user,
    )
    issue.status = to_status
    issue.status_changed_on = date
    issue.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit_record(
        action="update",
        request=request,
        user=user,
        target=issue,
        summary=f"地域課題の段階を「{IssueStatus(to_status).label}」に変更",
        via=via,
    )
    return transition


@transaction.atomic
def issue_merge(
    *,
    user: User,
    target: RegionalIssue,
    sources: Iterable[RegionalIssue],
    reason: str = "",
    request: HttpRequest | None = None,
    via: str = "",
) -> RegionalIssue:
    """Merges several (tier-2) issues into one city-wide issue. The sources keep their own
    history and point to the target; their areas, themes and evidence join the target."""
    if not policy.has(user, policy.Capability.STEER_COUNCILS):
        raise PermissionDenied("課題の統合は第1層コーディネーターが行います。")
    require_issue_edit(user, target)
    sources = [s for s in sources if s.pk != target.pk]
    if not sources:
        raise ValidationError({"sources": "統合する課題を選んでください。"})
    for source in sources:
        if source.municipality_id != target.municipality_id:
            raise ValidationError({"sources": "ほかの市区町村の課題は統合できません。"})
        if source.is_merged:
            raise ValidationError({"sources": f"「{source.title}」はすでに統合済みです。"})
        if source.merged_issues.exists():
            raise ValidationError({"sources": f"「{source.title}」はほかの課題の統合先です。"})
    for source in sources:
        target.areas.add(*source.areas.all())
        target.themes.add(*source.themes.all())
        for evidence in source.evidence.all():
            field = evidence.kind
            if not target.evidence.filter(**{field: getattr(evidence, f"{field}_id")}).exists():
                IssueEvidence.objects.create(
                    issue=target,
                    kind=evidence.kind,
                    consultation_id=evidence.consultation_id,
                    visit_id=evidence.visit_id,
                    meeting_id=evidence.meeting_id,
                    case_id=evidence.case_id,
                    area_id=evidence.area_id,
                    date=evidence.date,
                    note=evidence.note or f"「{source.title}」から統合",
                    added_by=user,
                )
        source.merged_into = target
        source.save(update_fields=["merged_into", "updated_at"])
        IssueTransition.objects.create(
            issue=source,
            from_status=source.status,
            to_status=source.status,
            date=timezone.localdate(),
            reason=f"「{target.title}」に統合。{reason}".strip(),
            user=user,
        )
    audit_record(
        action="update",
        request=request,
        user=user,
        target=target,
        summary=f"地域課題を統合（{len(sources)}件）",
        via=via,
    )
    return target


# --- evidence -----------------------------------------------------------------------------


def evidence_record_queryset(*, user: User, kind: str):
    """The records of one kind that this user may attach as evidence: cases through the
    personal-data scope, other records within the user's writable areas."""
    from sasaeai.activities.models import Consultation, Meeting, Visit
    from sasaeai.cases.models import Case

    if kind == IssueEvidence.Kind.CASE:
        return policy.personal_scope(Case.objects.all(), user)
    model = {"consultation": Consultation, "visit": Visit, "meeting": Meeting}.get(kind)
    if model is None:
        raise ValidationError({"kind": f"根拠の種類「{kind}」はありません。"})
    records = model.objects.filter(municipality_id=user.municipality_id)
    if user.role == Role.TIER2:
        records = records.filter(area_id__in=policy.area_ids(user))
    elif user.role != Role.TIER1:
        records = records.none()
    return records


@transaction.atomic
def evidence_attach(
    *,
    user: User,
    issue: RegionalIssue,
    kind: str,
    record_id: int,
    note: str = "",
    request: HttpRequest | None = None,
    via: str = "",
) -> IssueEvidence:
    require_issue_edit(user, issue)
    records = evidence_record_queryset(user=user, kind=kind)
    record = records.filter(pk=record_id).first()
    if record is None:
        raise ValidationError(
            {
                "record_id": "指定の記録は見つからないか、あなたの担当圏域外の記録です。根拠にできるのは担当圏域の記録だけです。"
            }
        )
    if record.municipality_id != issue.municipality_id:
        raise ValidationError({"record_id": "ほかの市区町村の記録は根拠にできません。"})
    date = getattr(record, "date", None) or getattr(record, "received_on", None)
    if date is None:
        date = getattr(record, "created_at", timezone.now())
        date = date.date() if isinstance(date, dt.datetime) else date
    evidence = IssueEvidence(
        issue=issue,
        kind=kind,
        area_id=getattr(record, "area_id", None),
        date=date,
        note=note[:300],
        added_by=user,
        **{kind: record},
    )
    evidence.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"record_id": "この記録はすでに根拠として追加されています。"}
        ) from exc
    audit_record(
        action="update",
        request=request,
        user=user,
        target=issue,
        summary=f"地域課題に根拠を追加（{IssueEvidence.Kind(kind).label}）",
        via=via,
    )
    return evidence


def evidence_detach(
    *, user: User, evidence: IssueEvidence, request: HttpRequest | None = None, via: str = ""
) -> None:
    require_issue_edit(user, evidence.issue)
    evidence.delete()
    audit_record(
        action="update",
        request=request,
        user=user,
        target=evidence.issue,
        summary="地域課題の根拠を削除",
        via=via,
    )


@transaction.atomic
def figure_attach(
    *,
    user: User,
    issue: RegionalIssue,
    source: str,
    source_key: str,
    title: str,
    statement: str,
    figures: dict,
    as_of: dt.date,
    area_id: int | None = None,
    request: HttpRequest | None = None,
    via: str = "",
) -> IssueFigure:
    """Attaches figures frozen at `as_of` to an issue (aggregates only; see IssueFigure)."""
    require_issue_edit(user, issue)
    if user.role == Role.TIER2 and area_id is not None and area_id not in policy.area_ids(user):
        raise ValidationError({"issue": "担当圏域外の町の数値は根拠にできません。"})
    figure = IssueFigure(
        issue=issue,
        source=source[:40],
        source_key=source_key[:200],
        title=title[:200],
        statement=statement[:500],
        figures=figures,
        as_of=as_of,
        area_id=area_id,
        added_by=user,
    )
    figure.full_clean()
    figure.save()
    audit_record(
        action="update",
        request=request,
        user=user,
        target=issue,
        summary=f"地域課題に数値の根拠を追加（{title}）",
        via=via,
    )
    return figure


# --- councils and their meetings -------------------------------------------------------------


def member_save(
    *, user: User, member: CouncilMember, request: HttpRequest | None = None, via: str = ""
) -> CouncilMember:
    require_council_edit(user, member.council)
    existed = member.pk is not None
    member.full_clean()
    member.save()
    audit_record(
        action="update" if existed else "create",
        request=request,
        user=user,
        target=member,
        summary="協議体の委員を保存",
        via=via,
    )
    return member


@transaction.atomic
def agenda_item_add(
    *, user: User, meeting, issue: RegionalIssue, request: HttpRequest | None = None, via: str = ""
) -> AgendaItem:
    require_meeting_edit(user, meeting)
    if issue.municipality_id != meeting.municipality_id:
        raise ValidationError({"issue": "ほかの市区町村の課題は議題にできません。"})
    if meeting.agenda_items.filter(issue=issue).exists():
        raise ValidationError({"issue": "この課題はすでに議題にあります。"})
    order = meeting.agenda_items.count() + 1
    item = AgendaItem(meeting=meeting, issue=issue, order=order)
    item.full_clean()
    item.save()
    audit_record(
        action="update", request=request, user=user, target=meeting, summary="議題を追加", via=via
    )
    return item


def agenda_item_decide(
    *,
    user: User,
    item: AgendaItem,
    decision: str,
    decision_text: str,
    request: HttpRequest | None = None,
    via: str = "",
) -> AgendaItem:
    require_meeting_edit(user, item.meeting)
    if decision not in AgendaItem.Decision.values:
        raise ValidationError({"decision": f"決定「{decision}」はありません。"})
    item.decision = decision
    item.decision_text = decision_text
    item.full_clean()
    item.save()
    audit_record(
        action="update",
        request=request,
        user=user,
        target=item.meeting,
        summary="議題の決定を記録",
        via=via,
    )
    return item


@transaction.atomic
def attendance_set(
    *,
    user: User,
    meeting,
    present_member_ids: Iterable[int],
    request: HttpRequest | None = None,
    via: str = "",
) -> None:
    require_meeting_edit(user, meeting)
    if meeting.council_id is None:
        raise ValidationError({"council": "協議体の会議ではないため、出欠は記録できません。"})
    present = set(present_member_ids)
    for member in meeting.council.members.all():
        Attendance.objects.update_or_create(
            meeting=meeting, member=member, defaults={"present": member.id in present}
        )
    audit_record(
        action="update", request=request, user=user, target=meeting, summary="出欠を記録", via=via
    )


# --- proposals ------------------------------------------------------------------------------


def _require_tier1(user: User) -> None:
    if not policy.has(user, policy.Capability.STEER_COUNCILS):
        raise PermissionDenied("政策提言は第1層コーディネーターが記録します。")


@transaction.atomic
def proposal_save(
    *,
    user: User,
    proposal: Proposal,
    issues: Iterable[RegionalIssue] = (),
    request: HttpRequest | None = None,
    via: str = "",
) -> Proposal:
    _require_tier1(user)
    existed = proposal.pk is not None
    if proposal.pk is None:
        proposal.municipality_id = user.municipality_id
    elif proposal.municipality_id != user.municipality_id:
        raise PermissionDenied("ほかの市区町村の政策提言です。")
    issues = list(issues)
    for issue in issues:
        if issue.municipality_id != user.municipality_id:
            raise ValidationError({"issues": "ほかの市区町村の課題は含められません。"})
    proposal.full_clean()
    proposal.save()
    proposal.issues.set(issues)
    audit_record(
        action="update" if existed else "create",
        request=request,
        user=user,
        target=proposal,
        summary="政策提言を保存",
        via=via,
    )
    return proposal


def recommendation_save(
    *, user: User, recommendation: Recommendation, request: HttpRequest | None = None, via: str = ""
) -> Recommendation:
    _require_tier1(user)
    if recommendation.proposal.municipality_id != user.municipality_id:
        raise PermissionDenied("ほかの市区町村の政策提言です。")
    recommendation.full_clean()
    recommendation.save()
    audit_record(
        action="update",
        request=request,
        user=user,
        target=recommendation.proposal,
        summary="提言項目を追加",
        via=via,
    )
    return recommendation


def recommendation_answer(
    *,
    user: User,
    recommendation: Recommendation,
    answer: str,
    answer_text: str,
    responsible_section: str,
    answered_on: dt.date,
    request: HttpRequest | None = None,
    via: str = "",
) -> Recommendation:
    """Records the city's answer. It is not public until `recommendation_publish_answer`."""
    _require_tier1(user)
    if answer not in Recommendation.Answer.values or not answer:
        raise ValidationError(
            {"answer": "回答は 採用・一部採用・検討中・不採用 から選んでください。"}
        )
    if not responsible_section.strip():
        raise ValidationError({"responsible_section": "担当課を入力してください。"})
    proposal = recommendation.proposal
    if proposal.submitted_on and answered_on < proposal.submitted_on:
        raise ValidationError({"answered_on": "回答日が答申日より前です。"})
    recommendation.answer = answer
    recommendation.answer_text = answer_text
    recommendation.responsible_section = responsible_section.strip()
    recommendation.answered_on = answered_on
    recommendation.answer_published_on = None
    recommendation.full_clean()
    recommendation.save()
    audit_record(
        action="update",
        request=request,
        user=user,
        target=recommendation.proposal,
        summary="市の回答を記録",
        via=via,
    )
    return recommendation


def recommendation_publish_answer(
    *,
    user: User,
    recommendation: Recommendation,
    published_on: dt.date,
    request: HttpRequest | None = None,
    via: str = "",
) -> Recommendation:
    _require_tier1(user)
    if not recommendation.answer:
        raise ValidationError({"answer": "回答が記録されていないため公表できません。"})
    if published_on < recommendation.answered_on:
        raise ValidationError({"published_on": "公表日が回答日より前です。"})
    recommendation.answer_published_on = published_on
    recommendation.save(update_fields=["answer_published_on", "updated_at"])
    audit_record(
        action="update",
        request=request,
        user=user,
        target=recommendation.proposal,
        summary="市の回答を公表",
        via=via,
    )
    return recommendation


@transaction.atomic
def progress_add(
    *,
    user: User,
    recommendation: Recommendation,
    date: dt.date,
    percent: int,
    note: str,
    request: HttpRequest | None = None,
    via: str = "",
) -> ProgressUpdate:
    _require_tier1(user)
    if not recommendation.answer:
        raise ValidationError({"percent": "市の回答が記録されてから進捗を記録してください。"})
    if recommendation.answer == Recommendation.Answer.REJECTED:
        raise ValidationError({"percent": "不採用の提言には進捗を記録できません。"})
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": "進捗は0〜100の数字で入力してください。"})
    if not note.strip():
        raise ValidationError({"note": "進捗の内容を入力してください。"})
    if date > timezone.localdate():
        raise ValidationError({"date": "未来の日付は入力できません。"})
    update = ProgressUpdate(
        recommendation=recommendation, date=date, percent=percent, note=note.strip(), user=user
    )
    update.full_clean()
    update.save()
    latest = recommendation.updates.order_by("-date", "-id").first()
    recommendation.progress_percent = latest.percent
    recommendation.save(update_fields=["progress_percent", "updated_at"])
    audit_record(
        action="update",
        request=request,
        user=user,
        target=recommendation.proposal,
        summary="進捗を記録",
        via=via,
    )
    return update
